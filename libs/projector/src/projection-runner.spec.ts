import fc from 'fast-check';
import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { EXAMPLE_EVENTS, type RecordedEvent } from '@touchpoint/contracts';
import { type Projection, customerKey } from '@touchpoint/projections';
import { ProjectionRunner } from '@touchpoint/projector';

/** A deliberately small model: orders per customer, idempotent by eventId. */
interface Orders {
  readonly ids: string[];
  readonly spend: number;
}
const ordersProjection: Projection<Orders, Orders, null> = {
  model: 'orders',
  defaultPolicy: null,
  keys: (e) => (e.type === 'purchase.completed' && e.customerId ? [customerKey(e.customerId)] : []),
  initial: () => ({ ids: [], spend: 0 }),
  evolve: (state, { event }) =>
    event.type !== 'purchase.completed' || state.ids.includes(event.eventId)
      ? state
      : { ids: [...state.ids, event.eventId].sort(), spend: state.spend + event.payload.total },
  view: (s) => s,
};

function purchase(customerId: string, n: number): RecordedEvent {
  const base = EXAMPLE_EVENTS['purchase.completed'];
  return {
    ...base,
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    customerId,
    receivedAt: '2026-01-01T00:00:00.000Z',
    source: 'test',
    correlationId: 'c',
    payload: { ...base.payload, total: 100 + n },
  };
}

const positioned = (events: RecordedEvent[], partition = 0) =>
  events.map((event, i) => ({ event, position: { partition, offset: String(i) } }));

describe('ProjectionRunner', () => {
  it('given a batch applied twice (redelivery after a crash), then documents count each event once', async () => {
    const store = new EmbeddedReadModelStore();
    const runner = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    const batch = positioned([purchase('c-1', 1), purchase('c-2', 2), purchase('c-1', 3)]);
    expect((await runner.apply(batch)).documentsWritten).toBe(2);
    const again = await runner.apply(batch);
    expect(again).toMatchObject({ documentsWritten: 0, redelivered: 3 });
    expect(await runner.state(customerKey('c-1'))).toEqual({
      ids: [purchase('c-1', 1).eventId, purchase('c-1', 3).eventId],
      spend: 204,
    });
  });

  it('given any split of a stream into batches, then the documents equal those of one batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('c-1', 'c-2', 'c-3'), fc.integer({ min: 1, max: 30 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 45 }),
        async (spec, cuts, chunkEvents) => {
          const stream = positioned(spec.map(([c, n]) => purchase(c, n)));
          const whole = new ProjectionRunner(
            ordersProjection,
            new EmbeddedReadModelStore(),
            'o',
            null,
          );
          await whole.apply(stream);
          const split = new ProjectionRunner(
            ordersProjection,
            new EmbeddedReadModelStore(),
            'o',
            null,
          );
          const bounds = [
            ...new Set([0, ...cuts.filter((c) => c < stream.length), stream.length]),
          ].sort((a, b) => a - b);
          for (let i = 0; i < bounds.length - 1; i++)
            await split.apply(stream.slice(bounds[i], bounds[i + 1]), { chunkEvents });
          for (const c of ['c-1', 'c-2', 'c-3']) {
            expect(await split.state(customerKey(c))).toEqual(await whole.state(customerKey(c)));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('given two writers of one document at once (two partitions), then neither update is lost', async () => {
    const store = new EmbeddedReadModelStore();
    const a = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    const b = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    const [ra, rb] = await Promise.all([
      a.apply(positioned([purchase('c-9', 1)], 0)),
      b.apply(positioned([purchase('c-9', 2)], 1)),
    ]);
    expect(ra.retries + rb.retries).toBeGreaterThanOrEqual(1);
    expect((await a.state(customerKey('c-9')))?.spend).toBe(203);
  });

  it('given a batch larger than a chunk, then it is folded chunk by chunk with a heartbeat after every store round-trip, and each document gets one change notice', async () => {
    const store = new EmbeddedReadModelStore();
    const calls: string[] = [];
    const traced = {
      ...store,
      getMany: (...args: Parameters<typeof store.getMany>) => {
        calls.push('load');
        return store.getMany(...args);
      },
      writeVersioned: (...args: Parameters<typeof store.writeVersioned>) => {
        calls.push('write');
        return store.writeVersioned(...args);
      },
      get: (...args: Parameters<typeof store.get>) => store.get(...args),
    } as unknown as EmbeddedReadModelStore;
    const runner = new ProjectionRunner(ordersProjection, traced, 'orders_v1', null);
    const events = Array.from({ length: 25 }, (_, i) => purchase(`c-${i % 3}`, i + 1));
    const outcome = await runner.apply(positioned(events), {
      chunkEvents: 10,
      heartbeat: () => {
        calls.push('heartbeat');
        return Promise.resolve();
      },
    });
    // 3 chunks (10 + 10 + 5), each one write followed by a heartbeat; only the first loads:
    // the later chunks find the documents the first one wrote in the runner's state cache.
    expect(calls).toEqual([
      ...['load', 'heartbeat', 'write', 'heartbeat'],
      ...['write', 'heartbeat', 'write', 'heartbeat'],
    ]);
    expect(outcome.documentsWritten).toBe(9);
    const notices = outcome.changed.map((c) => [c.key, c.revision, c.position.offset]);
    expect(notices.sort()).toEqual([
      [customerKey('c-0'), 3, '24'],
      [customerKey('c-1'), 3, '22'],
      [customerKey('c-2'), 3, '23'],
    ]);
    const whole = new ProjectionRunner(ordersProjection, new EmbeddedReadModelStore(), 'o', null);
    await whole.apply(positioned(events));
    for (const c of ['c-0', 'c-1', 'c-2']) {
      expect(await runner.state(customerKey(c))).toEqual(await whole.state(customerKey(c)));
    }
  });

  it('given a heartbeat that fails (the group is rebalancing), then the batch is abandoned before the next chunk', async () => {
    const store = new EmbeddedReadModelStore();
    const runner = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    const events = positioned(Array.from({ length: 6 }, (_, i) => purchase('c-1', i + 1)));
    let beats = 0;
    await expect(
      runner.apply(events, {
        chunkEvents: 3,
        heartbeat: () =>
          ++beats === 2 ? Promise.reject(new Error('rebalancing')) : Promise.resolve(),
      }),
    ).rejects.toThrow('rebalancing');
    // The first chunk was written before the failure; a redelivery skips it by watermark.
    expect((await runner.state(customerKey('c-1')))?.ids).toHaveLength(3);
    expect(await runner.apply(events)).toMatchObject({ redelivered: 3 });
    expect((await runner.state(customerKey('c-1')))?.ids).toHaveLength(6);
  });

  it('given a projection with evolveBatch, when a batch is redelivered in part, then evolveBatch gets exactly the events past the watermark, in log order', async () => {
    const seen: string[][] = [];
    const batched: Projection<Orders, Orders, null> = {
      ...ordersProjection,
      evolveBatch: (state, events, key, policy) => {
        seen.push(events.map((e) => e.position.offset));
        return events.reduce((s, e) => ordersProjection.evolve(s, e, key, policy), state);
      },
    };
    const runner = new ProjectionRunner(batched, new EmbeddedReadModelStore(), 'orders_v1', null);
    const events = positioned([1, 2, 3, 4, 5].map((n) => purchase('c-1', n)));
    await runner.apply(events.slice(0, 2));
    await runner.apply(events);
    expect(seen).toEqual([
      ['0', '1'],
      ['2', '3', '4'],
    ]);
    const plain = new ProjectionRunner(ordersProjection, new EmbeddedReadModelStore(), 'o', null);
    await plain.apply(events);
    expect(await runner.state(customerKey('c-1'))).toEqual(await plain.state(customerKey('c-1')));
  });

  it('given another process wrote a document this runner has cached, when it folds the document again, then the guarded write fails, it reloads and nothing is lost', async () => {
    const store = new EmbeddedReadModelStore();
    const a = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    const b = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    await a.apply(positioned([purchase('c-9', 1)], 0));
    await b.apply(positioned([purchase('c-9', 2)], 1));
    const outcome = await a.apply([
      { event: purchase('c-9', 3), position: { partition: 0, offset: '1' } },
    ]);
    expect(outcome.retries).toBe(1);
    expect(await a.state(customerKey('c-9'))).toEqual({
      ids: [1, 2, 3].map((n) => purchase('c-9', n).eventId),
      spend: 306,
    });
  });

  it('given an evolveBatch that updates its state in place, when a write fails and the batch is retried, then the cache never serves the half-folded state', async () => {
    // Like a compacted aggregate beyond the horizon: the delta cannot be recognised twice.
    const summing: Projection<Orders, Orders, null> = {
      ...ordersProjection,
      evolveBatch: (state, events) => {
        const s = state as { ids: string[]; spend: number };
        for (const { event } of events)
          if (event.type === 'purchase.completed') s.spend += event.payload.total;
        return s;
      },
    };
    const store = new EmbeddedReadModelStore();
    let failNext = false;
    const flaky = {
      ...store,
      getMany: (...args: Parameters<typeof store.getMany>) => store.getMany(...args),
      get: (...args: Parameters<typeof store.get>) => store.get(...args),
      writeVersioned: (...args: Parameters<typeof store.writeVersioned>) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('store went away'));
        }
        return store.writeVersioned(...args);
      },
    } as unknown as EmbeddedReadModelStore;
    const runner = new ProjectionRunner(summing, flaky, 'orders_v1', null);
    const events = positioned([purchase('c-1', 1), purchase('c-1', 2)]);
    await runner.apply(events.slice(0, 1));
    failNext = true;
    await expect(runner.apply(events.slice(1))).rejects.toThrow('store went away');
    await runner.apply(events.slice(1));
    expect((await runner.state(customerKey('c-1')))?.spend).toBe(101 + 102);
    expect(runner.cache.size).toBe(1);
  });

  it('given folded documents, when cached, then each entry holds the parsed state and its stored size but not the stored JSON text again', async () => {
    // Given
    const store = new EmbeddedReadModelStore();
    const runner = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    // When
    await runner.apply(positioned([purchase('c-1', 1), purchase('c-1', 2)]));
    // Then
    const key = customerKey('c-1');
    const stored = await store.get<{ state: string }>('orders_v1', key);
    const entry = runner.cache.take(key);
    expect(entry?.state).toEqual(JSON.parse(stored!.state));
    expect(entry?.bytes).toBe(Buffer.byteLength(stored!.state));
    expect(entry?.doc).not.toHaveProperty('state');
    expect(runner.cache.bytes).toBe(0);
  });

  it('given a cache budget smaller than the documents, then it holds nothing and every fold reads the store', async () => {
    const store = new EmbeddedReadModelStore();
    const runner = new ProjectionRunner(ordersProjection, store, 'orders_v1', null, undefined, [], {
      stateCacheBytes: 10,
    });
    await runner.apply(positioned([purchase('c-1', 1), purchase('c-2', 2)]));
    expect(runner.cache.size).toBe(0);
    expect(runner.cache.bytes).toBe(0);
    const outcome = await runner.apply([
      { event: purchase('c-1', 3), position: { partition: 0, offset: '2' } },
    ]);
    expect(outcome.documentsWritten).toBe(1);
    expect(runner.cache.misses).toBe(3);
  });

  it('given a model with figures, when events arrive in any order, then each document stores its figures natively as of the latest event time it has seen', async () => {
    const at = (n: number, day: string) => ({
      ...purchase('c-1', n),
      occurredAt: `2026-03-${day}T10:00:00.000Z`,
    });
    const events = [at(1, '05'), at(2, '20'), at(3, '11')];
    const stored = async (order: RecordedEvent[]) => {
      const store = new EmbeddedReadModelStore();
      const runner = new ProjectionRunner(ordersProjection, store, 'o', null, undefined, [], {
        figures: (state, asOf) => ({
          orders: (state as Orders).ids.length,
          day: asOf.getUTCDate(),
        }),
      });
      for (const [i, event] of order.entries())
        await runner.apply([{ event, position: { partition: 0, offset: String(i) } }]);
      return (await store.get<Record<string, unknown>>('o', customerKey('c-1')))?.figures;
    };
    const expected = { orders: 3, day: 20, asOf: '2026-03-20T10:00:00.000Z' };
    expect(await stored(events)).toEqual(expected);
    expect(await stored([...events].reverse())).toEqual(expected);
  });
  it('given documents another release wrote with an older state schema, when events for them arrive, then the fold refuses them instead of misreading their state, and writes its own schema', async () => {
    const store = new EmbeddedReadModelStore();
    const current = { ...ordersProjection, stateSchema: 2 };
    const older = new ProjectionRunner(ordersProjection, store, 'orders_v1', null);
    await older.apply(positioned([purchase('c-1', 1)]));
    const runner = new ProjectionRunner(current, store, 'orders_v1', null);
    await expect(runner.apply(positioned([purchase('c-1', 2)], 1))).rejects.toMatchObject({
      code: 'state_schema_mismatch',
    });
    await runner.apply(positioned([purchase('c-2', 3)], 1));
    expect((await store.get<{ schema?: number }>('orders_v1', customerKey('c-2')))?.schema).toBe(2);
  });
  describe('a document limit (PROJECTOR_MAX_DOCUMENT_KB)', () => {
    // Ten order ids of 36 characters plus the spend: a little under 500 bytes of JSON.
    const LIMIT = 500;
    const limited = (store = new EmbeddedReadModelStore()) =>
      new ProjectionRunner(ordersProjection, store, 'orders_v1', null, undefined, [], {
        maxDocumentBytes: LIMIT,
      });

    it('given a document near its limit, when events would take it past, then they are refused with a reason, the rest are folded, and the stored state stays within the limit', async () => {
      const runner = limited();
      const stream = positioned(Array.from({ length: 20 }, (_, n) => purchase('c-big', n + 1)));

      const outcome = await runner.apply(stream);

      const state = await runner.state(customerKey('c-big'));
      expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThanOrEqual(LIMIT);
      expect(state!.ids.length + outcome.refused.length).toBe(20);
      expect(outcome.refused.length).toBeGreaterThan(0);
      expect(outcome.refused[0]).toMatchObject({
        key: customerKey('c-big'),
        reason: expect.stringContaining(`over the limit of ${LIMIT}`),
      });
      // The refused events are behind the watermark: a redelivery neither folds nor refuses them.
      const again = await runner.apply(stream);
      expect(again).toMatchObject({ documentsWritten: 0, redelivered: 20, refused: [] });
    });

    it('given any split of a stream into batches, then the same events are refused and the documents are equal', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom('c-1', 'c-2'), fc.integer({ min: 1, max: 30 })), {
            minLength: 1,
            maxLength: 50,
          }),
          fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }),
          async (spec, cuts) => {
            const stream = positioned(spec.map(([c, n]) => purchase(c, n)));
            const whole = limited();
            const refusedWhole = (await whole.apply(stream)).refused.map((r) => r.position.offset);
            const split = limited();
            const refusedSplit: string[] = [];
            const bounds = [
              ...new Set([0, ...cuts.filter((c) => c < stream.length), stream.length]),
            ].sort((a, b) => a - b);
            for (let i = 0; i < bounds.length - 1; i++) {
              const outcome = await split.apply(stream.slice(bounds[i], bounds[i + 1]));
              refusedSplit.push(...outcome.refused.map((r) => r.position.offset));
            }
            expect(refusedSplit.sort()).toEqual(refusedWhole.sort());
            for (const c of ['c-1', 'c-2'])
              expect(await split.state(customerKey(c))).toEqual(await whole.state(customerKey(c)));
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
