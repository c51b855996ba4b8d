import type { TimelineEntry } from '@touchpoint/projections';

/** Where a timeline page ended: the last entry shown, in the timeline's order. */
export interface TimelineCursor {
  readonly ms: number;
  readonly eventId: string;
}

/**
 * Past the read model's retained entries: `customer-<id>` read backwards from below `revision`
 * (from the stream's end when null), showing only events older than `floor`, the oldest entry
 * the read-model pages showed. The floor travels in the cursor so the split between the two
 * sources stays where it was while new events push the read model's oldest entry forward.
 */
export interface StreamCursor {
  readonly source: 'stream';
  readonly floor: TimelineCursor;
  readonly revision: number | null;
}

export type TimelinePageCursor = TimelineCursor | StreamCursor;

export function isTimelineCursor(v: unknown): v is TimelineCursor {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.ms === 'number' && Number.isFinite(c.ms) && typeof c.eventId === 'string';
}

export function isStreamCursor(v: unknown): v is StreamCursor {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  const revision = c.revision;
  return (
    c.source === 'stream' &&
    isTimelineCursor(c.floor) &&
    (revision === null ||
      (typeof revision === 'number' && Number.isSafeInteger(revision) && revision >= 0))
  );
}

export function isTimelinePageCursor(v: unknown): v is TimelinePageCursor {
  return isStreamCursor(v) || isTimelineCursor(v);
}

/** The timeline's order (customer360 state): newest first, equal times by ascending eventId. */
function comesAfter(e: TimelineCursor, c: TimelineCursor): boolean {
  return e.ms < c.ms || (e.ms === c.ms && e.eventId > c.eventId);
}

export interface TimelinePage {
  readonly items: readonly TimelineEntry[];
  readonly next: TimelineCursor | null;
}

function ordered(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return [...entries].sort(
    (x, y) => y.ms - x.ms || (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0),
  );
}

/** One page of entries older than `before` (the first page without it). */
export function timelinePage(
  entries: readonly TimelineEntry[],
  before: TimelineCursor | undefined,
  limit: number,
): TimelinePage {
  const all = ordered(entries);
  const rest = before === undefined ? all : all.filter((e) => comesAfter(e, before));
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    next: rest.length > limit && last ? { ms: last.ms, eventId: last.eventId } : null,
  };
}

export interface ArchivedTimelinePage {
  readonly items: readonly TimelineEntry[];
  readonly next: TimelinePageCursor | null;
}

/**
 * A page of the read model's retained entries. When they run out and the read model held
 * `retained` of them (so it cut older ones), `next` continues in the customer's stream.
 */
export function readModelPage(
  entries: readonly TimelineEntry[],
  before: TimelineCursor | undefined,
  limit: number,
  retained: number,
): ArchivedTimelinePage {
  const page = timelinePage(entries, before, limit);
  const oldest = ordered(entries).at(-1);
  if (page.next !== null || entries.length < retained || oldest === undefined) return page;
  // New events may have pushed entries already shown out of the read model: the stream then
  // starts below the last one shown, not below the oldest still retained.
  const floor = before !== undefined && comesAfter(before, oldest) ? before : oldest;
  return {
    items: page.items,
    next: { source: 'stream', floor: { ms: floor.ms, eventId: floor.eventId }, revision: null },
  };
}

/** An event of `customer-<id>` as the timeline shows it. */
export interface StreamEntry {
  readonly revision: number;
  readonly entry: TimelineEntry;
}

/** Up to `count` stream entries below revision `before` (from the end when null), newest first. */
export type StreamReader = (
  before: number | null,
  count: number,
) => Promise<readonly StreamEntry[]>;

/**
 * A page of the stream's events older than the cursor's floor, in stream order (arrival,
 * newest first): the stream has no index by event time, and revisions never change, so the
 * pages stay stable while new events arrive. Reads `batch` events at a time until the page is
 * full or the stream's start is reached.
 */
export async function streamPage(
  read: StreamReader,
  cursor: StreamCursor,
  limit: number,
  batch: number,
): Promise<ArchivedTimelinePage> {
  const items: TimelineEntry[] = [];
  let before = cursor.revision;
  while (before !== 0) {
    const events = await read(before, batch);
    for (const { revision, entry } of events) {
      before = revision;
      if (!comesAfter(entry, cursor.floor)) continue;
      items.push(entry);
      if (items.length === limit) {
        return { items, next: revision === 0 ? null : { ...cursor, revision } };
      }
    }
    if (events.length < batch) break;
  }
  return { items, next: null };
}
