import type { TimelineEntry } from '@touchpoint/projections';

/** Where a timeline page ended: the last entry shown, in the timeline's order. */
export interface TimelineCursor {
  readonly ms: number;
  readonly eventId: string;
}

export function isTimelineCursor(v: unknown): v is TimelineCursor {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.ms === 'number' && Number.isFinite(c.ms) && typeof c.eventId === 'string';
}

/** The timeline's order (customer360 state): newest first, equal times by ascending eventId. */
function comesAfter(e: TimelineEntry, c: TimelineCursor): boolean {
  return e.ms < c.ms || (e.ms === c.ms && e.eventId > c.eventId);
}

export interface TimelinePage {
  readonly items: readonly TimelineEntry[];
  readonly next: TimelineCursor | null;
}

/** One page of entries older than `before` (the first page without it). */
export function timelinePage(
  entries: readonly TimelineEntry[],
  before: TimelineCursor | undefined,
  limit: number,
): TimelinePage {
  const ordered = [...entries].sort(
    (x, y) => y.ms - x.ms || (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0),
  );
  const rest = before === undefined ? ordered : ordered.filter((e) => comesAfter(e, before));
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    next: rest.length > limit && last ? { ms: last.ms, eventId: last.eventId } : null,
  };
}
