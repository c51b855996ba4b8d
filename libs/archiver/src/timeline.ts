import type { RecordedEvent } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { EventStore } from '@touchpoint/ports';
import { type KafkaPosition, fromStreamEvent } from './archive-record';
import { customerStream } from './stream-names';

export const TIMELINE_MAX_LIMIT = 200;

export interface TimelineItem {
  /** Place in `customer-<id>`; the paging cursor is built from it. */
  readonly revision: number;
  readonly event: RecordedEvent;
  readonly kafka: KafkaPosition;
}

export interface TimelinePage {
  readonly items: readonly TimelineItem[];
  /** Pass as `before` for the next (older) page; null once the oldest event is in `items`. */
  readonly next: string | null;
}

/**
 * The cursor is the revision of the oldest item already shown: stream revisions never change,
 * so pages stay stable while new events arrive at the head.
 */
export function parseTimelineCursor(before: string | undefined): number | undefined {
  if (before === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,15})$/.test(before)) {
    throw AppError.validation(
      'invalid_cursor',
      `before must be a cursor from a previous page's next, not '${before}'`,
      [{ path: 'before', code: 'invalid_cursor', message: 'not a timeline cursor' }],
    );
  }
  return Number(before);
}

export function nextTimelineCursor(
  oldestRevision: number | undefined,
  count: number,
  limit: number,
): string | null {
  if (oldestRevision === undefined || count < limit || oldestRevision === 0) return null;
  return String(oldestRevision);
}

/** A customer's full timeline from its stream, newest first, one page at a time. */
export async function readCustomerTimeline(
  store: EventStore,
  customerId: string,
  options: { readonly before?: string; readonly limit: number },
): Promise<TimelinePage> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > TIMELINE_MAX_LIMIT) {
    throw AppError.validation(
      'invalid_limit',
      `limit must be between 1 and ${TIMELINE_MAX_LIMIT}`,
      [{ path: 'limit', code: 'out_of_range', message: `1 to ${TIMELINE_MAX_LIMIT}` }],
    );
  }
  const before = parseTimelineCursor(options.before);
  if (before === 0) return { items: [], next: null };
  const read = await store.read(customerStream(customerId), {
    direction: 'backwards',
    ...(before === undefined ? {} : { fromRevision: before - 1 }),
    maxCount: options.limit,
  });
  const items = read.map((stored) => {
    const archived = fromStreamEvent(stored);
    return { revision: stored.revision, event: archived.event, kafka: archived.metadata.kafka };
  });
  return {
    items,
    next: nextTimelineCursor(items[items.length - 1]?.revision, items.length, options.limit),
  };
}
