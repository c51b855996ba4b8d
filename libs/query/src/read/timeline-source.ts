import { TIMELINE_MAX_LIMIT, readCustomerTimeline } from '@touchpoint/archiver';
import { AppError, errorMessage, isAppError } from '@touchpoint/core';
import type { EventStore } from '@touchpoint/ports';
import {
  TIMELINE_RETAINED,
  customer360TimelineEntry,
  customerKey,
  retainedTimeline,
} from '@touchpoint/projections';
import {
  type ArchivedTimelinePage,
  type StreamReader,
  type TimelinePageCursor,
  isStreamCursor,
  readModelPage,
  streamPage,
} from '../domain/timeline-page';
import type { CustomerReader } from './customer-reader';
import type { Freshness } from './freshness';

/** Where a customer's timeline pages come from. */
export interface TimelineSource {
  page(
    customerId: string,
    before: TimelinePageCursor | undefined,
    limit: number,
  ): Promise<ArchivedTimelinePage & { readonly freshness: Freshness }>;
}

export const TIMELINE_SOURCE = Symbol('TimelineSource');

/**
 * The read model's retained entries (TIMELINE_RETAINED, visitors folded in) first, then the
 * `customer-<id>` stream backwards for the older history the read model cut. Every page reads
 * the customer's document, so an unknown customer is a 404 and the freshness is the model's.
 */
export class ArchivedTimeline implements TimelineSource {
  constructor(
    private readonly reader: Pick<CustomerReader, 'customer360'>,
    private readonly eventStore: EventStore,
    private readonly retained = TIMELINE_RETAINED,
  ) {}

  async page(customerId: string, before: TimelinePageCursor | undefined, limit: number) {
    const served = await this.reader.customer360(customerId);
    const page = isStreamCursor(before)
      ? await streamPage(this.streamOf(customerId), before, limit, TIMELINE_MAX_LIMIT)
      : readModelPage(retainedTimeline(served.state), before, limit, this.retained);
    return { ...page, freshness: served.freshness };
  }

  private streamOf(customerId: string): StreamReader {
    const key = customerKey(customerId);
    return async (before, count) => {
      let read;
      try {
        read = await readCustomerTimeline(this.eventStore, customerId, {
          limit: count,
          ...(before === null ? {} : { before: String(before) }),
        });
      } catch (e) {
        if (isAppError(e) && e.category !== 'unavailable') throw e;
        throw AppError.unavailable(
          'event_store_unavailable',
          `the event store holding the older timeline cannot be read: ${errorMessage(e)}`,
        );
      }
      return read.items.map((i) => ({
        revision: i.revision,
        entry: customer360TimelineEntry(i.event, key),
      }));
    };
  }
}
