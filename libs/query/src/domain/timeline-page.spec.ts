import fc from 'fast-check';
import type { TimelineEntry } from '@touchpoint/projections';
import { type TimelineCursor, timelinePage } from './timeline-page';

const entry = (ms: number, eventId: string): TimelineEntry => ({
  eventId,
  type: 'call.logged',
  channel: 'call_centre',
  at: new Date(ms).toISOString(),
  ms,
  summary: 'call',
  ref: null,
});

describe('timeline pages', () => {
  it('Given any entries and page size, When paged to the end with the cursors given out, Then every entry appears once, newest first', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.uuid()), {
          selector: ([, id]) => id,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 7 }),
        (specs, limit) => {
          const entries = specs.map(([ms, id]) => entry(ms, id));
          const seen: TimelineEntry[] = [];
          let before: TimelineCursor | undefined;
          for (let guard = 0; guard < 100; guard++) {
            const page = timelinePage(entries, before, limit);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            if (page.next === null) break;
            before = page.next;
          }
          expect(seen.map((e) => e.eventId).sort()).toEqual(entries.map((e) => e.eventId).sort());
          for (let i = 1; i < seen.length; i++) {
            const [a, b] = [seen[i - 1]!, seen[i]!];
            expect(a.ms > b.ms || (a.ms === b.ms && a.eventId < b.eventId)).toBe(true);
          }
        },
      ),
    );
  });

  it('Given exactly one page of entries, When paged, Then there is no next cursor', () => {
    expect(timelinePage([entry(1, 'a'), entry(2, 'b')], undefined, 2).next).toBeNull();
  });
});
