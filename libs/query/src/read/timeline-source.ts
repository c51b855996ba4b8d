import type { TimelineEntry } from '@touchpoint/projections';
import { type TimelineCursor, type TimelinePage, timelinePage } from '../domain/timeline-page';
import type { CustomerReader } from './customer-reader';
import type { Freshness } from './freshness';

/**
 * Where a customer's timeline pages come from. Today: the read model's retained entries
 * (TIMELINE_RETAINED, visitors folded in). The seam for the event store: an implementation
 * that serves the first pages from here and continues `before` the oldest retained entry by
 * reading the `customer-<id>` stream backwards.
 */
export interface TimelineSource {
  page(
    customerId: string,
    before: TimelineCursor | undefined,
    limit: number,
  ): Promise<TimelinePage & { readonly freshness: Freshness }>;
}

export const TIMELINE_SOURCE = Symbol('TimelineSource');

export class ReadModelTimeline implements TimelineSource {
  constructor(private readonly reader: CustomerReader) {}

  async page(customerId: string, before: TimelineCursor | undefined, limit: number) {
    const served = await this.reader.customer360(customerId);
    const entries: readonly TimelineEntry[] = served.state.timeline;
    return { ...timelinePage(entries, before, limit), freshness: served.freshness };
  }
}
