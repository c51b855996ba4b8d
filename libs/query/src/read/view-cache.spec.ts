import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { RuntimeConfig } from '@touchpoint/config';
import { recordEvent } from '@touchpoint/contracts';
import {
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_CROSSSELL_POLICY,
  DEFAULT_LOYALTY_POLICY,
  type LoyaltyState,
  type PositionedEvent,
  customerKey,
  loyaltyProjection,
  loyaltyView,
} from '@touchpoint/projections';
import {
  type ModelPolicies,
  type StoredProjectionDoc,
  stateSchemaOf,
} from '@touchpoint/read-models';
import type { EventLog } from '@touchpoint/ports';
import { CustomerReader } from './customer-reader';
import { EventTimes } from './event-times';
import { ModelLag } from './model-lag.service';
import { type CachedRead, ViewCache, type ViewCacheOptions } from './view-cache';

function read(
  state: string,
  revisions: Record<string, number>,
  bytes = 100,
): CachedRead<{ readonly s: string }> {
  return {
    state: { s: state },
    last: undefined,
    revisions: new Map(Object.entries(revisions)),
    bytes,
  };
}

const missing = (key: string): CachedRead<never> => ({
  state: undefined,
  last: undefined,
  revisions: new Map([[key, 0]]),
  bytes: 0,
});

function cache(options: Partial<ViewCacheOptions> & { now?: () => number } = {}) {
  const counts = { hits: 0, negativeHits: 0, misses: 0, evictions: 0, bytes: 0 };
  const c = new ViewCache({
    maxBytes: 10_000,
    ttlMs: 5000,
    negativeTtlMs: 1000,
    now: () => 0,
    metrics: {
      hit: (_m, kind) => void (kind === 'entry' ? counts.hits++ : counts.negativeHits++),
      miss: () => void counts.misses++,
      evicted: (n) => void (counts.evictions += n),
      size: (bytes) => void (counts.bytes = bytes),
    },
    ...options,
  });
  return { c, counts };
}

/** A loader that counts its calls. */
function loader<S>(value: () => CachedRead<S>) {
  const calls = { n: 0 };
  const load = () => {
    calls.n++;
    return Promise.resolve(value());
  };
  return { load, calls };
}

describe('ViewCache', () => {
  it('Given a cached customer, When read again, Then the loader is not called (no store round-trip)', async () => {
    const { c, counts } = cache();
    const { load, calls } = loader(() => read('a', { 'customer:c-1': 1 }));
    const first = await c.read('customer360', 'v1', 'c-1', load);
    const second = await c.read('customer360', 'v1', 'c-1', load);
    expect(second).toBe(first);
    expect(calls.n).toBe(1);
    expect(counts).toMatchObject({ hits: 1, misses: 1 });
  });

  it('Given entries weighing more than the budget, When one more is stored, Then the least recently used go first, by bytes', async () => {
    // 256 bytes of bookkeeping are counted per entry on top of the stored JSON.
    const { c, counts } = cache({ maxBytes: 3 * (1000 + 256) });
    for (const id of ['a', 'b', 'c']) {
      await c.read('loyalty', 'v1', id, () =>
        Promise.resolve(read(id, { [`customer:${id}`]: 1 }, 1000)),
      );
    }
    expect(c.size).toBe(3);
    expect(counts.bytes).toBe(3 * 1256);
    // a is used again, so b is now the least recently used.
    await c.read('loyalty', 'v1', 'a', () => Promise.reject(new Error('a must be cached')));
    await c.read('loyalty', 'v1', 'd', () => Promise.resolve(read('d', { 'customer:d': 1 }, 1000)));
    expect(counts.evictions).toBe(1);
    expect(c.known('loyalty', 'v1', 'b')).toBeUndefined();
    expect(c.known('loyalty', 'v1', 'a')).toBe(true);
    // A heavy entry pushes out as many as it takes.
    await c.read('loyalty', 'v1', 'e', () => Promise.resolve(read('e', { 'customer:e': 1 }, 2200)));
    expect(counts.evictions).toBe(3);
    expect(c.size).toBe(2);
    expect(c.known('loyalty', 'v1', 'd')).toBe(true);
    expect(c.bytes).toBeLessThanOrEqual(3 * 1256);
    // One larger than the whole budget is served but not kept.
    const huge = await c.read('loyalty', 'v1', 'f', () =>
      Promise.resolve(read('f', { 'customer:f': 1 }, 10_000)),
    );
    expect(huge.state).toEqual({ s: 'f' });
    expect(c.known('loyalty', 'v1', 'f')).toBeUndefined();
    expect(c.known('loyalty', 'v1', 'e')).toBe(true);
  });

  it('Given an entry merged from the customer and a linked visitor, When a notice names either document at a newer revision, Then the entry is read again', async () => {
    const { c } = cache();
    let version = 1;
    const { load, calls } = loader(() =>
      read(`r${version}`, { 'customer:c-1': 3, 'visitor:v-9': version }),
    );
    await c.read('customer360', 'v1', 'c-1', load);
    // The same or an older revision, another version or another model: nothing changed here.
    c.noticed({ model: 'customer360', version: 'v1', key: 'visitor:v-9', revision: 1 });
    c.noticed({ model: 'customer360', version: 'v2', key: 'visitor:v-9', revision: 7 });
    c.noticed({ model: 'loyalty', version: 'v1', key: 'customer:c-1', revision: 7 });
    await c.read('customer360', 'v1', 'c-1', load);
    expect(calls.n).toBe(1);
    // The related visitor's document changed.
    version = 2;
    c.noticed({ model: 'customer360', version: 'v1', key: 'visitor:v-9', revision: 2 });
    expect((await c.read('customer360', 'v1', 'c-1', load)).state).toEqual({ s: 'r2' });
    expect(calls.n).toBe(2);
    // The customer's own document changed.
    c.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-1', revision: 4 });
    await c.read('customer360', 'v1', 'c-1', load);
    expect(calls.n).toBe(3);
    // A related document that did not exist yet (revision 0) counts as well.
    const { load: load2, calls: calls2 } = loader(() =>
      read('x', { 'customer:c-2': 1, 'visitor:v-new': 0 }),
    );
    await c.read('customer360', 'v1', 'c-2', load2);
    c.noticed({ model: 'customer360', version: 'v1', key: 'visitor:v-new', revision: 1 });
    await c.read('customer360', 'v1', 'c-2', load2);
    expect(calls2.n).toBe(2);
  });

  it('Given a notice that arrives while the read is in flight, When the read completes, Then its result serves that request but is not kept', async () => {
    const { c } = cache();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const inFlight = c.read('loyalty', 'v1', 'c-1', async () => {
      await slow;
      return read('old', { 'customer:c-1': 1 });
    });
    c.noticed({ model: 'loyalty', version: 'v1', key: 'customer:c-1', revision: 2 });
    release();
    expect((await inFlight).state).toEqual({ s: 'old' });
    expect(c.known('loyalty', 'v1', 'c-1')).toBeUndefined();
    // A caller arriving after the notice does not join the old read either.
    const { load, calls } = loader(() => read('new', { 'customer:c-1': 2 }));
    expect((await c.read('loyalty', 'v1', 'c-1', load)).state).toEqual({ s: 'new' });
    expect(calls.n).toBe(1);
  });

  it('Given concurrent reads of one customer, When nothing changed meanwhile, Then the store is read once', async () => {
    const { c } = cache();
    const { load, calls } = loader(() => read('a', { 'customer:c-1': 1 }));
    const [a, b] = await Promise.all([
      c.read('loyalty', 'v1', 'c-1', load),
      c.read('loyalty', 'v1', 'c-1', load),
    ]);
    expect(a).toBe(b);
    expect(calls.n).toBe(1);
  });

  it('Given a lost notice, When the TTL has passed, Then the entry is read from the store again (the staleness bound)', async () => {
    let now = 0;
    const { c } = cache({ ttlMs: 5000, now: () => now });
    let revision = 1;
    const { load, calls } = loader(() => read(`r${revision}`, { 'customer:c-1': revision }));
    await c.read('customer360', 'v1', 'c-1', load);
    revision = 2; // folded, but its notice never arrives
    now = 4999;
    expect((await c.read('customer360', 'v1', 'c-1', load)).state).toEqual({ s: 'r1' });
    now = 5000;
    expect((await c.read('customer360', 'v1', 'c-1', load)).state).toEqual({ s: 'r2' });
    expect(calls.n).toBe(2);
  });

  it('Given an unknown id, When asked again within the negative TTL, Then the store is not asked; after it, or after a notice for that customer, it is', async () => {
    let now = 0;
    const { c, counts } = cache({ negativeTtlMs: 1000, now: () => now });
    const { load, calls } = loader(() => missing('customer:ghost'));
    for (let i = 0; i < 50; i++) {
      expect((await c.read('customer360', 'v1', 'ghost', load)).state).toBeUndefined();
    }
    expect(calls.n).toBe(1);
    expect(counts.negativeHits).toBe(49);
    expect(c.known('customer360', 'v1', 'ghost')).toBe(false);
    now = 1000;
    await c.read('customer360', 'v1', 'ghost', load);
    expect(calls.n).toBe(2);
    // The customer registers: its first document's notice ends the negative at once.
    c.noticed({ model: 'customer360', version: 'v1', key: 'customer:ghost', revision: 1 });
    const { load: found } = loader(() => read('hello', { 'customer:ghost': 1 }));
    expect((await c.read('customer360', 'v1', 'ghost', found)).state).toEqual({ s: 'hello' });
  });

  it('Given a flood of distinct unknown ids, When they are read, Then the working set stays cached and the negatives stay within their bound', async () => {
    const { c, counts } = cache({ maxBytes: 5 * 356, maxNegatives: 100 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      await c.read('customer360', 'v1', id, () =>
        Promise.resolve(read(id, { [`customer:${id}`]: 1 })),
      );
    }
    for (let i = 0; i < 5000; i++) {
      await c.read('customer360', 'v1', `unknown-${i}`, () =>
        Promise.resolve(missing(`customer:unknown-${i}`)),
      );
    }
    expect(counts.evictions).toBe(0);
    expect(c.size).toBe(5);
    expect(c.negativeSize).toBe(100);
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(c.known('customer360', 'v1', id)).toBe(true);
    // The most recent unknown ids are the ones remembered.
    expect(c.known('customer360', 'v1', 'unknown-4999')).toBe(false);
    expect(c.known('customer360', 'v1', 'unknown-0')).toBeUndefined();
  });

  it('Given a version switch, When the new version is read, Then entries of the old version are not served for it', async () => {
    const { c } = cache();
    await c.read('loyalty', 'v1', 'c-1', () => Promise.resolve(read('v1', { 'customer:c-1': 1 })));
    const { load, calls } = loader(() => read('v2', { 'customer:c-1': 1 }));
    expect((await c.read('loyalty', 'v2', 'c-1', load)).state).toEqual({ s: 'v2' });
    expect(calls.n).toBe(1);
  });

  it('Given a cached exact-search resolution, When a notice names a matched document at a newer revision, Then it is resolved again; other notices leave it', async () => {
    const { c } = cache();
    let matches = { 'customer:c-1': 1, 'customer:c-2': 4 };
    const { load, calls } = loader(() => read('found', matches));
    await c.resolve('customer360', 'v1', 'emails', 'a@x.cn', load);
    c.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-9', revision: 3 });
    c.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-2', revision: 4 });
    await c.resolve('customer360', 'v1', 'emails', 'a@x.cn', load);
    expect(calls.n).toBe(1);
    // c-1 changed its e-mail: the next search reads the lookup again and c-1 is gone from it.
    matches = { 'customer:c-2': 4 } as typeof matches;
    c.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-1', revision: 2 });
    const again = await c.resolve('customer360', 'v1', 'emails', 'a@x.cn', load);
    expect(calls.n).toBe(2);
    expect([...again.revisions.keys()]).toEqual(['customer:c-2']);
  });

  it('Given a customer, a resolution and a document of the same names, When each is read, Then none is served for another', async () => {
    const { c } = cache();
    await c.read('customer360', 'v1', 'emails', () =>
      Promise.resolve(read('customer', { 'customer:emails': 1 })),
    );
    const resolved = await c.resolve('customer360', 'v1', 'emails', 'customer:emails', () =>
      Promise.resolve(read('resolution', { 'customer:emails': 1 })),
    );
    const document = await c.document('customer360', 'v1', 'customer:emails', () =>
      Promise.resolve(read('document', { 'customer:emails': 1 })),
    );
    expect([resolved.state, document.state]).toEqual([{ s: 'resolution' }, { s: 'document' }]);
  });

  it('Given a document known to be absent, When its first write is noticed, Then it is read again before the negative TTL ends', async () => {
    const { c } = cache({ negativeTtlMs: 1000 });
    let found = false;
    const { load, calls } = loader(() =>
      found ? read('new', { 'customer:c-1': 1 }) : missing('customer:c-1'),
    );
    await c.document('loyalty', 'v1', 'customer:c-1', load);
    await c.document('loyalty', 'v1', 'customer:c-1', load);
    expect(calls.n).toBe(1);
    found = true;
    c.noticed({ model: 'loyalty', version: 'v1', key: 'customer:c-1', revision: 1 });
    expect((await c.document('loyalty', 'v1', 'customer:c-1', load)).state).toEqual({ s: 'new' });
  });

  it('Given a budget of 0, When read, Then every read goes to the store (the cache is off)', async () => {
    const { c } = cache({ maxBytes: 0 });
    const { load, calls } = loader(() => read('a', { 'customer:c-1': 1 }));
    await c.read('loyalty', 'v1', 'c-1', load);
    await c.read('loyalty', 'v1', 'c-1', load);
    expect(calls.n).toBe(2);
  });
});

describe('CustomerReader with the cache', () => {
  const DAY = 86_400_000;
  const t0 = Date.parse('2026-01-10T10:00:00Z');
  let offset = 0;

  function purchase(customerId: string, at: number, total: number): PositionedEvent {
    const event = recordEvent(
      {
        eventId: `0190c2a4-0000-7000-8000-${(++offset).toString(16).padStart(12, '0')}`,
        type: 'purchase.completed',
        schemaVersion: 2,
        customerId,
        channel: 'store',
        occurredAt: new Date(at).toISOString(),
        payload: {
          orderId: `O-${offset}`,
          currency: 'CNY',
          total,
          items: [{ sku: 'A', name: 'A', category: 'c', quantity: 1, unitPrice: total }],
        },
      },
      { receivedAt: new Date(at), source: 'test' },
    );
    return { event, position: { partition: 0, offset: String(offset) } };
  }

  async function setup() {
    const store = new EmbeddedReadModelStore();
    await store.connect();
    const key = customerKey('c-1');
    let state: LoyaltyState = loyaltyProjection.initial(key);
    for (let i = 0; i < 4; i++) {
      state = loyaltyProjection.evolve(
        state,
        purchase('c-1', t0 + i * DAY, 30_000),
        key,
        DEFAULT_LOYALTY_POLICY,
      );
    }
    const doc: StoredProjectionDoc = {
      state: JSON.stringify(state),
      schema: stateSchemaOf(loyaltyProjection),
      watermarks: {},
      revision: 1,
    };
    await store.writeVersioned('loyalty_v1', [{ id: key, doc, version: 1 }]);
    let now = t0 + 5 * DAY;
    const clock = () => new Date(now);
    const log = {
      offsets: () => Promise.resolve([]),
      committedOffsets: () => Promise.resolve([]),
    } as unknown as EventLog;
    const lag = new ModelLag(log, new RuntimeConfig(), new EventTimes(), clock);
    const policies: ModelPolicies = {
      customer360: DEFAULT_CUSTOMER360_POLICY,
      loyalty: DEFAULT_LOYALTY_POLICY,
      crosssell: DEFAULT_CROSSSELL_POLICY,
    };
    const views = new ViewCache({
      maxBytes: 1 << 20,
      ttlMs: 60_000,
      negativeTtlMs: 1000,
      // The cache's own clock stands still: the entry stays fresh while asOf moves on.
      now: () => t0,
    });
    const reader = new CustomerReader(store, lag, policies, clock, views);
    return { store, reader, views, setNow: (t: number) => (now = t) };
  }

  it('Given a cached loyalty state, When read at a later asOf, Then the view gives the later tier (the window rolled) without reading the store', async () => {
    const { store, reader, setNow } = await setup();
    const first = await reader.loyalty('c-1');
    expect(loyaltyView(first.state, new Date(t0 + 5 * DAY), first.policy).tier).toBe('loyal');
    const get = jest.spyOn(store, 'get');
    const getMany = jest.spyOn(store, 'getMany');
    setNow(t0 + 400 * DAY);
    const later = await reader.loyalty('c-1');
    expect(later.state).toBe(first.state);
    // Only the catalog's active pointer, re-read once a second (ACTIVE_VERSION_CACHE_MS).
    expect(get.mock.calls.map(([collection]) => collection)).toEqual(['touchpoint_models']);
    expect(getMany).not.toHaveBeenCalled();
    expect(loyaltyView(later.state, new Date(t0 + 400 * DAY), later.policy).tier).toBe(
      'occasional',
    );
  });

  it('Given a cached state, When views are computed from it, Then they do not modify it (it is shared by every request)', async () => {
    const { reader } = await setup();
    const served = await reader.loyalty('c-1');
    const before = JSON.stringify(served.state);
    deepFreeze(served.state);
    for (const days of [5, 200, 400]) {
      loyaltyView(served.state, new Date(t0 + days * DAY), served.policy);
    }
    expect(JSON.stringify(served.state)).toBe(before);
  });

  it('Given an unknown customer, When required repeatedly, Then the store is asked once within the negative TTL', async () => {
    const { store, reader } = await setup();
    const versions = jest.spyOn(store, 'versions');
    for (let i = 0; i < 20; i++) {
      await expect(reader.requireCustomer('nobody')).rejects.toMatchObject({
        code: 'customer_not_found',
      });
    }
    expect(versions).toHaveBeenCalledTimes(1);
  });
});

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
