import fc from 'fast-check';
import { EmbeddedEventStore } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import { recordedExample } from '@touchpoint/testing';
import { toStreamEvent } from './archive-record';
import { customerStream, streamsOf } from './stream-names';
import { type ArchiveInput, StreamArchiver, chunks } from './stream-archiver';

const options = { maxAppendBytes: 1_000_000, cachedStreams: 100, concurrency: 4 };

function input(event: RecordedEvent, offset: number): ArchiveInput {
  return { event, position: { topic: 't', partition: 0, offset: String(offset) } };
}

async function ids(store: EmbeddedEventStore, stream: string) {
  return (await store.read(stream, { direction: 'forwards', maxCount: 10000 })).map((e) => e.id);
}

describe('StreamArchiver', () => {
  it('property: whatever the batch boundaries, redeliveries and repeated event ids, each stream holds each event id once, in first-seen order', async () => {
    const pool = Array.from({ length: 12 }, (_, i) =>
      recordedExample('call.logged', { customerId: `c-${i % 3}` }),
    );
    await fc.assert(
      fc.asyncProperty(
        // The log: events drawn from a small pool, so the same id can reappear at a new offset.
        fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 5 }),
        async (picks, sizes, redeliver, cachedStreams) => {
          const log = picks.map((p, offset) => input(pool[p]!, offset));
          const store = new EmbeddedEventStore();
          let archiver = new StreamArchiver(store, { ...options, cachedStreams });
          let at = 0;
          for (let b = 0; at < log.length; b++) {
            const size = sizes[b % sizes.length]!;
            const batch = log.slice(at, at + size);
            await archiver.archive(batch);
            if (redeliver[b % redeliver.length]) {
              // A crash before the commit: a new process sees the batch again.
              archiver = new StreamArchiver(store, { ...options, cachedStreams });
              await archiver.archive(batch);
            }
            at += size;
          }
          for (const c of ['c-0', 'c-1', 'c-2']) {
            const expected = [
              ...new Set(log.filter((i) => i.event.customerId === c).map((i) => i.event.eventId)),
            ];
            expect(await ids(store, customerStream(c))).toEqual(expected);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('given another writer moved the stream on behind the cache, when archiving, then it reloads and appends only what is missing', async () => {
    const store = new EmbeddedEventStore();
    const [a, b, c] = [0, 1, 2].map(() => recordedExample('call.logged', { customerId: 'c-1' }));
    const mine = new StreamArchiver(store, options);
    const theirs = new StreamArchiver(store, options);
    await mine.archive([input(a!, 0)]);
    await theirs.archive([input(a!, 0), input(b!, 1)]);
    const outcome = await mine.archive([input(b!, 1), input(c!, 2)]);
    expect(outcome).toMatchObject({ appended: 1, duplicates: 1 });
    expect(await ids(store, 'customer-c-1')).toEqual([a, b, c].map((e) => e!.eventId));
  });

  it('given an identification, then it is appended to the customer and the visitor stream', async () => {
    const store = new EmbeddedEventStore();
    const e = recordedExample('customer.identified', { customerId: 'c-1', anonymousId: 'v-1' });
    const outcome = await new StreamArchiver(store, options).archive([input(e, 0)]);
    expect(outcome.appended).toBe(2);
    for (const stream of streamsOf(e)) expect(await ids(store, stream)).toEqual([e.eventId]);
  });

  it('given many small events, then they go in as few appends as the size limit allows', async () => {
    const store = new EmbeddedEventStore();
    const events = Array.from({ length: 30 }, () =>
      recordedExample('call.logged', { customerId: 'c-1' }),
    );
    const one = JSON.stringify(toStreamEvent(events[0]!, input(events[0]!, 0).position)).length;
    const archiver = new StreamArchiver(store, { ...options, maxAppendBytes: one * 10 });
    const outcome = await archiver.archive(events.map((e, i) => input(e, i)));
    expect(outcome.appended).toBe(30);
    expect(outcome.appends).toBeGreaterThanOrEqual(3);
    expect(outcome.appends).toBeLessThanOrEqual(4);
  });

  it('given an event over the limit, then it is reported too large and its neighbours are archived', async () => {
    const store = new EmbeddedEventStore();
    const small = recordedExample('call.logged', { customerId: 'c-1' });
    const big = recordedExample(
      'call.logged',
      { customerId: 'c-1' },
      { summary: 'y'.repeat(1900) },
    );
    const archiver = new StreamArchiver(store, { ...options, maxAppendBytes: 1500 });
    const outcome = await archiver.archive([input(small, 0), input(big, 1)]);
    expect(outcome.tooLarge).toEqual([
      { input: input(big, 1), streamId: 'customer-c-1', bytes: expect.any(Number) },
    ]);
    expect(outcome.tooLarge[0]!.bytes).toBeGreaterThan(1500);
    expect(await ids(store, 'customer-c-1')).toEqual([small.eventId]);
  });

  it('given a store whose limit is below ours, then appends are halved until single oversize events remain', async () => {
    const store = new EmbeddedEventStore(3000);
    const events = Array.from({ length: 8 }, () =>
      recordedExample('call.logged', { customerId: 'c-1' }),
    );
    const outcome = await new StreamArchiver(store, options).archive(
      events.map((e, i) => input(e, i)),
    );
    expect(outcome.tooLarge).toEqual([]);
    expect(await ids(store, 'customer-c-1')).toEqual(events.map((e) => e.eventId));
  });
});

describe('chunks', () => {
  it('property: chunks keep order, cover every item once and stay within the limit unless one item alone exceeds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 40 }),
        fc.integer({ min: 50, max: 1000 }),
        (sizes, limit) => {
          const items = sizes.map((n, i) => ({
            n: i,
            event: { id: String(i), type: 't', data: { s: 'x'.repeat(n) } },
          }));
          const out = chunks(items, limit);
          expect(out.flat().map((i) => i.n)).toEqual(items.map((i) => i.n));
          for (const chunk of out) {
            const bytes = chunk.reduce(
              (s, i) => s + 1 + JSON.stringify(i.event.data).length + 2,
              0,
            );
            if (chunk.length > 1) expect(bytes).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});
