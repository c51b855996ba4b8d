import { MongoReadModelStore } from '@touchpoint/adapters';
import { type RecordedEvent, recordEvent } from '@touchpoint/contracts';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  type BasketStats,
  type CustomerBasketsState,
  DEFAULT_CROSSSELL_POLICY,
  basketStats,
  sumStats,
} from '@touchpoint/projections';
import { realEngines, uniqueName } from '@touchpoint/testing';
import {
  type StoredProjectionDoc,
  copurchaseCollectionName,
  crosssellStats,
  modelKind,
} from '@touchpoint/read-models';
import { instantiate } from './model-registry';

const COLLECTION = 'crosssell_v1';
const SKUS = ['BB-260', 'BF-STAGE1', 'TOY-RATTLE', 'GIFT-SCARF', 'LT-X1', 'CAM-P9'];

function purchase(n: number, customerId: string, skus: readonly string[]): RecordedEvent {
  return recordEvent(
    {
      eventId: `0190c2a4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
      type: 'purchase.completed',
      schemaVersion: 2,
      customerId,
      channel: 'store',
      occurredAt: new Date(Date.parse('2026-03-01T10:00:00Z') + n * 3_600_000).toISOString(),
      payload: {
        orderId: `O-${n}`,
        currency: 'CNY',
        total: 100 * skus.length,
        items: skus.map((sku) => ({
          sku,
          name: sku,
          category: `cat/${sku[0]}`,
          quantity: 1,
          unitPrice: 100,
        })),
      },
    },
    { receivedAt: new Date('2026-03-01T00:00:00Z'), source: 'int-spec' },
  );
}

/** 30 customers on three partitions, 120 baskets, offsets per partition in log order. */
function batch(): { event: RecordedEvent; position: { partition: number; offset: string } }[] {
  const offsets = new Map<number, number>();
  const out = [];
  for (let n = 1; n <= 120; n++) {
    const c = n % 30;
    const partition = c % 3;
    const skus = SKUS.filter((_, i) => (n * (i + 3)) % 5 < 2);
    const offset = offsets.get(partition) ?? 0;
    offsets.set(partition, offset + 1);
    out.push({
      event: purchase(n, `c-${c}`, skus.length > 0 ? skus : ['BB-260']),
      position: { partition, offset: String(offset) },
    });
  }
  return out;
}

/** The co-purchase statistics recounted from the customer documents' baskets. */
async function recount(store: ReadModelStore): Promise<BasketStats> {
  const parts: BasketStats[] = [];
  for await (const { doc } of store.scan<StoredProjectionDoc>(COLLECTION))
    parts.push(basketStats(JSON.parse(doc.state) as CustomerBasketsState));
  return sumStats(parts);
}

function runner(store: ReadModelStore, stateCacheBytes = 0) {
  return instantiate(modelKind('crosssell'), 'v1', DEFAULT_CROSSSELL_POLICY).runner(store, {
    stateCacheBytes,
  });
}

/** The store, counting the documents each aggregate read asks for. */
function countingAggregateReads(store: ReadModelStore): {
  store: ReadModelStore;
  reads: string[][];
} {
  const reads: string[][] = [];
  const counting = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'getMany') {
        return (collection: string, ids: readonly string[]) => {
          if (collection === copurchaseCollectionName(COLLECTION)) reads.push([...ids]);
          return target.getMany(collection, ids);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return { store: counting, reads };
}

/** The store, except that writes of the customer documents fail: a crash between the two writes. */
function crashingBeforeCustomers(store: ReadModelStore): ReadModelStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'writeVersioned') {
        return (collection: string, writes: never[]) =>
          collection === COLLECTION
            ? Promise.reject(new Error('killed before the customer documents were written'))
            : target.writeVersioned(collection, writes);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

describe('crosssell co-purchase aggregates on the real store', () => {
  let store: MongoReadModelStore;

  beforeEach(async () => {
    store = new MongoReadModelStore(
      realEngines().mongoUrl,
      uniqueName('xsell').replace(/-/g, '_'),
      10000,
    );
    await store.connect();
  });

  afterEach(async () => {
    await store.dropCollection(COLLECTION);
    await store.dropCollection(copurchaseCollectionName(COLLECTION));
    await store.close();
  });

  it('Given baskets on three partitions folded in two chunks, When the statistics are read, Then they equal a recount of every basket', async () => {
    const events = batch();
    await runner(store).apply(events.slice(0, 50));
    await runner(store).apply(events.slice(50));
    const stats = await crosssellStats(store, COLLECTION);
    expect(stats.baskets).toBe(120);
    expect(stats).toEqual(await recount(store));
    // One document per partition and key, not per customer.
    expect(await store.count(copurchaseCollectionName(COLLECTION))).toBeLessThanOrEqual(
      3 * (1 + SKUS.length * 2),
    );
  });

  it('Given a crash after the aggregate write and before the customer write, When the batch is redelivered to a fresh runner, Then nothing counts twice', async () => {
    const events = batch();
    await runner(store).apply(events.slice(0, 40));
    await expect(runner(crashingBeforeCustomers(store)).apply(events.slice(40))).rejects.toThrow(
      /killed/,
    );
    // The aggregates already hold the lost batch; the customer documents do not.
    expect((await crosssellStats(store, COLLECTION)).baskets).toBe(120);
    expect((await recount(store)).baskets).toBe(40);
    // Redelivery (from the last committed offset) folds the customers to the same deltas,
    // which every aggregate document skips by its watermark.
    await runner(store).apply(events.slice(40));
    expect(await crosssellStats(store, COLLECTION)).toEqual(await recount(store));
    // And a redelivery of everything changes nothing.
    await runner(store).apply(events);
    const stats = await crosssellStats(store, COLLECTION);
    expect(stats.baskets).toBe(120);
    expect(stats).toEqual(await recount(store));
  });

  it('Given two runners with caches folding alternate chunks, When each writes aggregates the other holds cached, Then the stale copies are reloaded and the statistics equal a recount', async () => {
    const events = batch();
    const a = countingAggregateReads(store);
    const first = runner(a.store, 8 * 1024 * 1024);
    const second = runner(store, 8 * 1024 * 1024);
    await first.apply(events.slice(0, 30));
    const written = new Set<string>();
    for await (const { id } of store.scan(copurchaseCollectionName(COLLECTION))) written.add(id);
    const readsBefore = a.reads.length;
    await first.apply(events.slice(30, 60));
    // Its next fold found every aggregate it had written in its cache: it read only new ones.
    const reread = a.reads
      .slice(readsBefore)
      .flat()
      .filter((id) => written.has(id));
    expect(reread).toEqual([]);
    await second.apply(events.slice(60, 90));
    // The first runner's copies are now older than the store's: its guarded writes fail and
    // it reloads them, so nothing written by the second is lost or counted twice.
    const readsBeforeLast = a.reads.length;
    await first.apply(events.slice(90));
    expect(a.reads.length).toBeGreaterThan(readsBeforeLast);
    const stats = await crosssellStats(store, COLLECTION);
    expect(stats.baskets).toBe(120);
    expect(stats).toEqual(await recount(store));
  });
});
