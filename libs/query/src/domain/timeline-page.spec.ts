import fc from 'fast-check';
import type { TimelineEntry } from '@touchpoint/projections';
import { encodeCursor, parseCursor } from './query-params';
import {
  type StreamCursor,
  type StreamReader,
  type TimelineCursor,
  type TimelinePageCursor,
  isStreamCursor,
  isTimelinePageCursor,
  readModelPage,
  streamPage,
  timelinePage,
} from './timeline-page';

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

describe('timeline pages past the read model, into the customer stream', () => {
  /** The stream in revision order; the read model keeps the newest `retained` by timeline order. */
  function world(stream: TimelineEntry[], retained: number) {
    const readModel = () =>
      [...stream]
        .sort((x, y) => y.ms - x.ms || (x.eventId < y.eventId ? -1 : 1))
        .slice(0, retained);
    const read: StreamReader = (before, count) => {
      const below = before === null ? stream.length : before;
      const out = [];
      for (let r = below - 1; r >= 0 && out.length < count; r--) {
        out.push({ revision: r, entry: stream[r]! });
      }
      return Promise.resolve(out);
    };
    return { readModel, read };
  }

  /** As the API hands cursors out and takes them back: an opaque string. */
  const roundTrip = (c: TimelinePageCursor): TimelinePageCursor | undefined =>
    parseCursor({ before: encodeCursor(c) }, 'before', isTimelinePageCursor);

  it('Given any history, read-model size, page size, read batch and events arriving between pages, When paged to the end with the cursors given out, Then every event present at the start appears exactly once, the read-model pages in timeline order and the stream pages in stream order, newest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.uuid()), {
          selector: ([, id]) => id,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 30 }),
        async (specs, retained, limit, batch, arrivals) => {
          const stream = specs.map(([ms, id]) => entry(ms, id));
          const original = stream.map((e) => e.eventId);
          const { readModel, read } = world(stream, retained);
          const fromReadModel: TimelineEntry[] = [];
          const fromStream: { entry: TimelineEntry; revision: number }[] = [];
          let before: TimelinePageCursor | undefined;
          for (let n = 0; n < 200; n++) {
            const page = isStreamCursor(before)
              ? await streamPage(read, before, limit, batch)
              : readModelPage(readModel(), before, limit, retained);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            if (isStreamCursor(before)) {
              const revision = (e: TimelineEntry) => stream.findIndex((s) => s === e);
              fromStream.push(...page.items.map((e) => ({ entry: e, revision: revision(e) })));
            } else {
              fromReadModel.push(...page.items);
            }
            if (page.next === null) break;
            before = roundTrip(page.next);
            // New interactions land at the head of the stream and of the read model.
            for (let k = 0; k < (arrivals[n] ?? 0); k++)
              stream.push(entry(100 + n, `new-${n}-${k}`));
          }
          const shown = [...fromReadModel, ...fromStream.map((s) => s.entry)].map((e) => e.eventId);
          expect(shown.filter((id) => original.includes(id)).sort()).toEqual([...original].sort());
          expect(new Set(shown).size).toBe(shown.length);
          for (let i = 1; i < fromReadModel.length; i++) {
            const [a, b] = [fromReadModel[i - 1]!, fromReadModel[i]!];
            expect(a.ms > b.ms || (a.ms === b.ms && a.eventId < b.eventId)).toBe(true);
          }
          for (let i = 1; i < fromStream.length; i++) {
            expect(fromStream[i - 1]!.revision).toBeGreaterThan(fromStream[i]!.revision);
          }
          if (arrivals.length === 0 && specs.length < retained) expect(fromStream).toEqual([]);
        },
      ),
    );
  });

  it('Given a read model holding fewer entries than it retains, When its last page is served, Then there is no next cursor (no older history exists)', () => {
    const entries = [entry(3, 'a'), entry(2, 'b'), entry(1, 'c')];
    expect(readModelPage(entries, undefined, 5, 4)).toEqual({ items: entries, next: null });
  });

  it('Given a read model that was cut, When its last page is served, Then next continues in the stream from its end, below the oldest retained entry', () => {
    const entries = [entry(3, 'a'), entry(2, 'b'), entry(2, 'c')];
    const page = readModelPage(entries, { ms: 3, eventId: 'a' }, 5, 3);
    expect(page.items.map((e) => e.eventId)).toEqual(['b', 'c']);
    expect(page.next).toEqual({ source: 'stream', floor: { ms: 2, eventId: 'c' }, revision: null });
  });

  it('Given a stream whose newest events the read model already showed, When a stream page is read, Then those are skipped and the page fills from older ones across batches', async () => {
    const stream = [entry(1, 'old-1'), entry(2, 'old-2'), entry(5, 'shown-1'), entry(6, 'shown-2')];
    const { read } = world(stream, 2);
    const floor = { ms: 5, eventId: 'shown-1' };
    const page = await streamPage(read, { source: 'stream', floor, revision: null }, 1, 1);
    expect(page.items.map((e) => e.eventId)).toEqual(['old-2']);
    expect(page.next).toEqual({ source: 'stream', floor, revision: 1 });
    const last = await streamPage(read, page.next as StreamCursor, 1, 1);
    expect(last).toEqual({ items: [stream[0]], next: null });
  });

  it.each([
    ['not base64 JSON', '%%%'],
    [
      'a stream cursor with a negative revision',
      encodeCursor({ source: 'stream', floor: { ms: 1, eventId: 'a' }, revision: -1 }),
    ],
    ['a stream cursor without a floor', encodeCursor({ source: 'stream', revision: 3 })],
    ['a number', encodeCursor(42)],
  ])('Given %s as before, When parsed, Then it is a 400 naming before', (_what, raw) => {
    let thrown: unknown;
    try {
      parseCursor({ before: raw }, 'before', isTimelinePageCursor);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({
      category: 'validation',
      code: 'invalid_query_parameter',
      violations: [{ path: 'before', code: 'invalid_cursor' }],
    });
  });
});
