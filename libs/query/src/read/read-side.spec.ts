import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import type { EventLog } from '@touchpoint/ports';
import { RuntimeConfig } from '@touchpoint/config';
import { recordEvent } from '@touchpoint/contracts';
import {
  type CustomerBasketsState,
  DEFAULT_CROSSSELL_POLICY,
  type PositionedEvent,
  crosssellProjection,
} from '@touchpoint/projections';
import {
  CopurchaseAggregates,
  type StoredProjectionDoc,
  stateSchemaOf,
} from '@touchpoint/read-models';
import { CrosssellAggregatesCache } from './crosssell-aggregates.cache';
import { EventTimes } from './event-times';
import { ModelLag } from './model-lag.service';

/** Only the two reads ModelLag makes; the real adapters share a contract suite for them. */
function logWith(
  heads: { partition: number; low: string; high: string }[],
  committed: { partition: number; offset: string }[],
): EventLog {
  return {
    offsets: () => Promise.resolve(heads),
    committedOffsets: () => Promise.resolve(committed),
  } as unknown as EventLog;
}

describe('ModelLag', () => {
  const runtime = Object.assign(new RuntimeConfig(), { TOPIC_PREFIX: 'tp' });
  const now = 1_000_000;

  it('Given a projector group that committed up to the head, When measured, Then 0', async () => {
    const lag = new ModelLag(
      logWith([{ partition: 0, low: '0', high: '10' }], [{ partition: 0, offset: '10' }]),
      runtime,
      new EventTimes(),
      () => new Date(now),
    );
    expect(await lag.lagMs('loyalty', 'v1')).toBe(0);
  });

  it('Given pending records whose append times the tail saw, When measured, Then the age of the oldest pending one', async () => {
    const times = new EventTimes();
    times.note(0, '7', now - 4000);
    times.note(1, '3', now - 2500);
    const lag = new ModelLag(
      logWith(
        [
          { partition: 0, low: '0', high: '10' },
          { partition: 1, low: '0', high: '5' },
        ],
        [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '3' },
        ],
      ),
      runtime,
      times,
      () => new Date(now),
    );
    expect(await lag.lagMs('loyalty', 'v1')).toBe(4000);
  });

  it('Given a pending record the tail never saw (or a partition never committed), When measured, Then unknown', async () => {
    const lag = new ModelLag(
      logWith([{ partition: 0, low: '0', high: '10' }], []),
      runtime,
      new EventTimes(),
      () => new Date(now),
    );
    expect(await lag.lagMs('loyalty', 'v1')).toBeNull();
  });
});

describe('CrosssellAggregatesCache', () => {
  const policy = DEFAULT_CROSSSELL_POLICY;
  let offset = 0;
  const purchase = (customerId: string, orderId: string, skus: string[], total: number) => ({
    event: recordEvent(
      {
        eventId: `0190c2a4-0000-7000-8000-${(++offset).toString(16).padStart(12, '0')}`,
        type: 'purchase.completed',
        schemaVersion: 2,
        customerId,
        channel: 'store',
        occurredAt: '2026-01-01T00:00:00Z',
        payload: {
          orderId,
          currency: 'CNY',
          total,
          items: skus.map((sku) => ({
            sku,
            name: sku,
            category: 'c',
            quantity: 1,
            unitPrice: total,
          })),
        },
      },
      { receivedAt: new Date(0), source: 'test' },
    ),
    position: { partition: 0, offset: String(offset) },
  });
  /** What the projector writes for these purchases: the aggregates, then the customer documents. */
  async function fold(store: EmbeddedReadModelStore, events: readonly PositionedEvent[]) {
    const aggregates = new CopurchaseAggregates(store, 'crosssell_v1', policy);
    const byKey = new Map<string, PositionedEvent[]>();
    for (const e of events)
      for (const key of crosssellProjection.keys(e.event))
        byKey.set(key, [...(byKey.get(key) ?? []), e]);
    const writes = [];
    for (const [key, fresh] of byKey) {
      const doc = await store.get<StoredProjectionDoc>('crosssell_v1', key);
      const state = doc
        ? (JSON.parse(doc.state) as CustomerBasketsState)
        : crosssellProjection.initial(key);
      const revision = (doc?.revision ?? 0) + 1;
      const next = JSON.stringify(aggregates.fold(state, fresh, key));
      const schema = stateSchemaOf(crosssellProjection);
      writes.push({
        id: key,
        doc: { state: next, schema, watermarks: {}, revision },
        version: revision,
      });
    }
    await aggregates.flush(() => Promise.resolve());
    await store.writeVersioned('crosssell_v1', writes);
  }

  async function storeWith(n: number) {
    const store = new EmbeddedReadModelStore();
    await fold(
      store,
      Array.from({ length: n }, (_, i) => purchase(`c-${i}`, `O-${i}`, ['A', 'B'], 100 * (i + 1))),
    );
    return store;
  }

  it('Given concurrent requests, When the totals are asked for, Then they are computed once and shared', async () => {
    const store = await storeWith(3);
    const scan = jest.spyOn(store, 'scan');
    const cache = new CrosssellAggregatesCache(store, () => new Date(0));
    const [a, b] = await Promise.all([
      cache.get('crosssell_v1', policy),
      cache.get('crosssell_v1', policy),
    ]);
    expect(a).toBe(b);
    expect([...a.spends].sort((x, y) => x - y)).toEqual([100, 200, 300]);
    expect(a.stats.baskets).toBe(3);
    // One pass over the aggregate documents, one over the customers for the spends.
    expect(scan).toHaveBeenCalledTimes(2);
  });

  it('Given a change notice, When asked within 2 s of the computation, Then the cached totals serve; after that they are recomputed', async () => {
    const store = await storeWith(2);
    let t = 0;
    const cache = new CrosssellAggregatesCache(store, () => new Date(t));
    const first = await cache.get('crosssell_v1', policy);
    await fold(store, [purchase('c-9', 'O-9', ['A'], 50)]);
    t = 60_000;
    expect(await cache.get('crosssell_v1', policy)).toBe(first); // no notice: still current
    cache.invalidate('crosssell_v1');
    const second = await cache.get('crosssell_v1', policy);
    expect(second.stats.baskets).toBe(3);
    cache.invalidate('crosssell_v1');
    t = 61_000;
    expect(await cache.get('crosssell_v1', policy)).toBe(second); // younger than 2 s
    t = 62_500;
    expect(await cache.get('crosssell_v1', policy)).not.toBe(second);
  });
});
