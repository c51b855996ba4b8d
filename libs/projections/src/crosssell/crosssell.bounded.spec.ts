import fc from 'fast-check';
import { type RecordedEvent } from '@touchpoint/contracts';
import { customerKey, type PositionedEvent } from '../projection.types';
import { type BasketStats } from './basket-stats';
import {
  copurchaseDeltas,
  applyCopurchaseDeltas,
  copurchaseStats,
  type CopurchaseDoc,
} from './copurchase';
import { foldBaskets, type BasketContribution } from './crosssell.evolve';
import { DEFAULT_CROSSSELL_POLICY, type CrosssellPolicy } from './crosssell.policy';
import { crosssellProjection } from './crosssell.projection';
import { EMPTY_BASKETS_STATE, type CustomerBasketsState } from './crosssell.state';
import { sumStats, basketStats as referenceStats } from './reference/basket-stats.reference';
import { crosssellProjection as reference } from './reference/crosssell.projection.reference';
import { type CustomerBasketsState as ReferenceState } from './reference/crosssell.state.reference';

const DAY = 86_400_000;
const KEY = customerKey('c-1');

/** A deterministic PRNG (mulberry32), so the generated histories are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function uuid(n: number): string {
  return `0190c2a4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

const CATEGORIES = [
  'baby/feeding',
  'baby/food',
  'gifts/toys',
  'electronics/laptops',
  'home/kitchen',
  'toys',
];

function base(id: number, customerId: string, at: number) {
  return {
    eventId: uuid(id),
    schemaVersion: 1,
    customerId,
    channel: 'store' as const,
    occurredAt: new Date(at).toISOString(),
    receivedAt: '2026-12-01T00:00:00.000Z',
    source: 'bounded-spec',
  };
}

/**
 * One event of a heavy customer's realistic mix: web visits, calls, e-mails, complaints,
 * feedback, points (ignored by this model, so `keys` filters them as the runner does),
 * purchases of one to four of `skus` catalogue items, and refunds of earlier orders.
 */
function mixedEvent(
  rnd: () => number,
  id: number,
  customerId: string,
  at: number,
  skus: number,
  orders: string[],
): RecordedEvent {
  const r = rnd();
  if (r < 0.25) {
    const n = 1 + Math.floor(rnd() * 4);
    const items = Array.from({ length: n }, () => {
      const s = Math.floor(rnd() * skus);
      return {
        sku: `SKU-${s}`,
        name: `Product ${s}`,
        category: CATEGORIES[s % CATEGORIES.length] ?? 'toys',
        quantity: 1 + Math.floor(rnd() * 2),
        unitPrice: 100 + s,
      };
    });
    const orderId = `O-${id}`;
    orders.push(orderId);
    return {
      ...base(id, customerId, at),
      schemaVersion: 2,
      type: 'purchase.completed',
      payload: {
        orderId,
        currency: rnd() < 0.9 ? 'CNY' : 'EUR',
        items,
        total: items.reduce((s, i) => s + i.quantity * i.unitPrice, 0),
      },
    } as unknown as RecordedEvent;
  }
  if (r < 0.28 && orders.length > 0) {
    const orderId =
      orders[Math.floor(rnd() * Math.min(orders.length, 50)) + Math.max(0, orders.length - 50)] ??
      'O-0';
    return {
      ...base(id, customerId, at),
      channel: 'call_centre',
      type: 'purchase.refunded',
      payload: { orderId, refundId: `R-${id}`, amount: 150, currency: 'CNY' },
    } as unknown as RecordedEvent;
  }
  return WEB_VISIT;
}

/** The model ignores web visits (its `keys` are empty for them), so one object stands for all. */
const WEB_VISIT = {
  ...base(0, 'c-1', 0),
  channel: 'web',
  type: 'web.visited',
  payload: { sessionId: 's-0', pages: ['/'], productsViewed: [], cartAdds: [] },
} as unknown as RecordedEvent;

function positioned(event: RecordedEvent, offset: number): PositionedEvent {
  return { event, position: { partition: 0, offset: String(offset) } };
}

function size(state: unknown): number {
  return JSON.stringify(state).length;
}

describe('crosssell bounded documents', () => {
  it('Given one customer with 1 000 000 mixed events over ten years, When folded in batches of 1 000, Then no document exceeds 64 KB', () => {
    const rnd = random(14);
    const start = Date.parse('2016-01-01T00:00:00Z');
    const span = 10 * 365 * DAY;
    const total = 1_000_000;
    const orders: string[] = [];
    let state = crosssellProjection.initial(KEY);
    let largest = 0;
    let batch: PositionedEvent[] = [];
    const began = Date.now();
    for (let i = 0; i < total; i++) {
      // Mostly in time order, some late by up to 30 days.
      const at =
        start + Math.floor((i / total) * span) - (rnd() < 0.05 ? Math.floor(rnd() * 30 * DAY) : 0);
      const event = mixedEvent(rnd, i + 1, 'c-1', at, 400, orders);
      if (crosssellProjection.keys(event).includes(KEY)) batch.push(positioned(event, i));
      if ((i + 1) % 1000 === 0) {
        state = crosssellProjection.evolveBatch!(state, batch, KEY, DEFAULT_CROSSSELL_POLICY);
        batch = [];
        largest = Math.max(largest, size(state));
      }
    }
    const seconds = (Date.now() - began) / 1000;
    expect(largest).toBeLessThanOrEqual(64 * 1024);
    expect(
      crosssellProjection.view(state, new Date(start + span), DEFAULT_CROSSSELL_POLICY).orders,
    ).toBe(orders.length);
    // For the report: the hot key's fold rate and largest document.
    process.stdout.write(
      `crosssell hot key: largest ${largest} B, ${Math.round(total / seconds)} events/s\n`,
    );
  }, 60_000);

  it('Given a seeded population with heavy-tailed histories, When each customer is folded, Then p99 of the documents is at most 16 KB', () => {
    const rnd = random(7);
    const start = Date.parse('2021-01-01T00:00:00Z');
    const sizes: number[] = [];
    for (let c = 0; c < 1500; c++) {
      // Pareto(α = 1.2) history lengths from 5 events: most are short, a few are very long.
      const n = Math.min(40_000, Math.floor(5 / Math.pow(1 - rnd(), 1 / 1.2)));
      const orders: string[] = [];
      const key = customerKey(`c-${c}`);
      const events: PositionedEvent[] = [];
      for (let i = 0; i < n; i++) {
        const at = start + Math.floor(rnd() * 5 * 365 * DAY);
        const e = mixedEvent(rnd, c * 100_000 + i + 1, `c-${c}`, at, 2000, orders);
        if (crosssellProjection.keys(e).includes(key)) events.push(positioned(e, i));
      }
      events.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
      let state = crosssellProjection.initial(key);
      for (let i = 0; i < events.length; i += 1000) {
        state = crosssellProjection.evolveBatch!(
          state,
          events.slice(i, i + 1000),
          key,
          DEFAULT_CROSSSELL_POLICY,
        );
      }
      sizes.push(size(state));
    }
    sizes.sort((a, b) => a - b);
    const p = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] ?? 0;
    process.stdout.write(
      `crosssell population: p50 ${p(0.5)} B, p99 ${p(0.99)} B, max ${p(1)} B\n`,
    );
    expect(p(0.99)).toBeLessThanOrEqual(16 * 1024);
  }, 60_000);
});

// ---- equality with the unbounded reference -------------------------------------------------

const SMALL: CrosssellPolicy = {
  ...DEFAULT_CROSSSELL_POLICY,
  horizonDays: 200,
  detailRecords: 4,
  pastSkus: 1000,
};

interface Draft {
  readonly day: number;
  readonly items: readonly number[];
  readonly refund: {
    readonly amount: number;
    readonly items: boolean;
    readonly after: number;
  } | null;
}

const draftArb: fc.Arbitrary<Draft> = fc.record({
  day: fc.nat(8 * 365),
  items: fc.uniqueArray(fc.nat(7), { minLength: 1, maxLength: 4 }),
  refund: fc.option(fc.record({ amount: fc.nat(3000), items: fc.boolean(), after: fc.nat(20) }), {
    freq: 3,
  }),
});

/** Orders spread over eight years (several May gifts among them), each with its refund. */
function history(drafts: readonly Draft[], customerId = 'c-1'): RecordedEvent[] {
  const start = Date.parse('2017-01-01T08:00:00Z');
  const out: RecordedEvent[] = [];
  drafts.forEach((d, n) => {
    const at = start + d.day * DAY;
    const items = d.items.map((s) => ({
      sku: `S-${s}`,
      name: `Product ${s}`,
      category: s < 2 ? 'gifts/toys' : (CATEGORIES[s % CATEGORIES.length] ?? 'toys'),
      quantity: 1,
      unitPrice: 500 + s,
    }));
    out.push({
      ...base(2 * n + 1, customerId, at),
      schemaVersion: 2,
      type: 'purchase.completed',
      payload: {
        orderId: `O-${n}`,
        currency: 'CNY',
        items,
        total: items.reduce((s, i) => s + i.unitPrice, 0),
      },
    } as unknown as RecordedEvent);
    if (d.refund !== null) {
      out.push({
        ...base(2 * n + 2, customerId, at + d.refund.after * DAY),
        channel: 'call_centre',
        type: 'purchase.refunded',
        payload: {
          orderId: `O-${n}`,
          refundId: 'R-1',
          amount: d.refund.amount,
          currency: 'CNY',
          ...(d.refund.items ? { items: [{ sku: items[0]?.sku ?? 'S-0', quantity: 1 }] } : {}),
        },
      } as unknown as RecordedEvent);
    }
  });
  return out;
}

function foldIn(
  events: readonly RecordedEvent[],
  cuts: readonly number[],
  policy: CrosssellPolicy,
  sink?: (c: BasketContribution) => void,
): CustomerBasketsState {
  let state = crosssellProjection.initial(KEY);
  const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...bounds, events.length]) {
    const batch = events.slice(from, to).map((e, i) => positioned(e, from + i));
    state = JSON.parse(
      JSON.stringify(foldBaskets(state, batch, KEY, policy, sink)),
    ) as CustomerBasketsState;
    from = to;
  }
  return state;
}

function referenceFold(events: readonly RecordedEvent[]): ReferenceState {
  return events.reduce(
    (s, e, i) => reference.evolve(s, positioned(e, i), KEY, DEFAULT_CROSSSELL_POLICY),
    reference.initial(KEY),
  );
}

/** Duplicates of events the final document keeps in detail: within the horizon, whenever they come. */
function withinHorizonDuplicates(
  events: readonly RecordedEvent[],
  picks: readonly number[],
): RecordedEvent[] {
  const final = foldIn(events, [], SMALL);
  const cut = final.compactedBeforeMs ?? Number.NEGATIVE_INFINITY;
  const kept = events.filter((e) => Date.parse(e.occurredAt) >= cut);
  return kept.length === 0 ? [] : picks.map((p) => kept[p % kept.length]!).filter(Boolean);
}

const scenarioArb = fc.array(draftArb, { minLength: 1, maxLength: 14 }).chain((drafts) => {
  const events = history(drafts);
  return fc.record({
    events: fc.constant(events),
    arrival: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    cuts: fc.array(fc.nat(), { maxLength: 5 }),
    picks: fc.array(fc.nat(), { maxLength: 4 }),
  });
});

describe('crosssell bounded vs the unbounded reference', () => {
  it('Given histories over eight years compacted by a 200-day horizon and 4 detail records, When folded in any order, split and with duplicates within the horizon, Then every all-time figure equals the reference', () => {
    let compacted = 0;
    fc.assert(
      fc.property(scenarioArb, ({ events, arrival, cuts, picks }) => {
        const dups = withinHorizonDuplicates(events, picks);
        const bounded = foldIn([...arrival, ...dups], cuts, SMALL);
        const oracle = referenceFold(events);
        if (bounded.past.orders > 0) compacted++;
        const asOf = new Date((bounded.newestMs ?? 0) + DAY);
        const mine = crosssellProjection.view(bounded, asOf, SMALL);
        const theirs = reference.view(oracle, asOf, DEFAULT_CROSSSELL_POLICY);
        expect(mine.orders).toBe(theirs.orders);
        expect(mine.netSpend).toEqual(theirs.netSpend);
        expect(mine.occasions).toEqual(theirs.occasions);
        // What is never recommended again: a compacted order's returned lines count as owned
        // (returns are matched within the detail), so owned and returned are compared together.
        expect([...mine.ownedSkus, ...mine.returnedSkus].sort()).toEqual(
          [...theirs.ownedSkus, ...theirs.returnedSkus].sort(),
        );
        // The same document whatever the order, split and duplicates: replay equals live.
        expect(bounded).toEqual(foldIn(events, [], SMALL));
      }),
      { numRuns: 300 },
    );
    // The property is about compaction: most generated histories must have compacted something.
    expect(compacted).toBeGreaterThan(150);
  });

  it('Given a history and an asOf within its horizon, When viewed, Then the occasions equal the reference; before it, the view is refused', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(1000), ({ events }, back) => {
        const bounded = foldIn(events, [], SMALL);
        const oracle = referenceFold(events);
        const newest = bounded.newestMs ?? 0;
        const asOf = new Date(newest - back * DAY);
        const exact =
          bounded.past.orders === 0 || asOf.getTime() >= (bounded.compactedBeforeMs ?? 0);
        if (!exact) {
          expect(() => crosssellProjection.view(bounded, asOf, SMALL)).toThrow(
            /as_of_beyond_horizon|older than/,
          );
          return;
        }
        expect(crosssellProjection.view(bounded, asOf, SMALL).occasions).toEqual(
          reference.view(oracle, asOf, DEFAULT_CROSSSELL_POLICY).occasions,
        );
      }),
      { numRuns: 200 },
    );
  });
});

// ---- store-wide aggregates against a full recount ------------------------------------------

describe('co-purchase aggregates', () => {
  function foldPartitioned(
    customers: readonly (readonly RecordedEvent[])[],
    cuts: readonly number[],
    redeliver: boolean,
    neighbours: number,
  ): CopurchaseDoc[] {
    const docs = new Map<string, CopurchaseDoc>();
    customers.forEach((events, c) => {
      const partition = c % 3;
      const key = customerKey(`c-${c}`);
      let state: CustomerBasketsState = EMPTY_BASKETS_STATE;
      const bounds = [...new Set(cuts.map((x) => x % (events.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      for (const to of [...bounds, events.length]) {
        const batch = events.slice(from, to).map((e, i) => ({
          event: e,
          position: { partition, offset: String(c * 1000 + from + i) },
        }));
        const contributions: BasketContribution[] = [];
        state = foldBaskets(state, batch, key, SMALL, (x) => contributions.push(x));
        const apply = () => {
          const byId = new Map<string, ReturnType<typeof copurchaseDeltas>>();
          for (const d of copurchaseDeltas(contributions))
            byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
          for (const [id, deltas] of byId) {
            const next = applyCopurchaseDeltas(docs.get(id), deltas, neighbours);
            if (next !== null) docs.set(id, next);
          }
        };
        apply();
        // A crash after the aggregate write: the same contributions come again and are skipped.
        if (redeliver) apply();
        from = to;
      }
    });
    return [...docs.values()];
  }

  function recount(customers: readonly (readonly RecordedEvent[])[]): BasketStats {
    return sumStats(
      customers.map((events, c) => {
        const key = customerKey(`c-${c}`);
        return referenceStats(
          events.reduce(
            (s, e, i) =>
              reference.evolve(s, positioned({ ...e, customerId: `c-${c}` }, i), key, SMALL),
            reference.initial(key),
          ),
        );
      }),
    );
  }

  const populationArb = fc.array(fc.array(draftArb, { minLength: 1, maxLength: 10 }), {
    minLength: 1,
    maxLength: 6,
  });

  it('Given customers on three partitions, When their baskets are folded in any split, re-sent and redelivered, Then the aggregates equal a full recount of every basket', () => {
    fc.assert(
      fc.property(
        populationArb,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        (drafts, cuts, redeliver) => {
          const customers = drafts.map((d, c) => {
            const events = history(d, `c-${c}`);
            // Each customer's orders re-sent under higher ids, within the horizon (same instant).
            // The newest order re-sent under another id: within the horizon by construction.
            const newest = events
              .filter((e) => e.type === 'purchase.completed')
              .reduce<RecordedEvent | undefined>(
                (x, e) =>
                  x === undefined || Date.parse(e.occurredAt) > Date.parse(x.occurredAt) ? e : x,
                undefined,
              );
            const resent = newest === undefined ? [] : [{ ...newest, eventId: uuid(900_000 + c) }];
            return [...events, ...resent];
          });
          const stats = copurchaseStats(foldPartitioned(customers, cuts, redeliver, 1000));
          const expected = recount(customers);
          expect(stats.baskets).toBe(expected.baskets);
          expect(stats.item).toEqual(expected.item);
          expect(stats.category).toEqual(expected.category);
          expect(stats.names).toEqual(expected.names);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('Given more neighbours than the capacity, When summarised, Then every pair count lies within its stated bound of the recount', () => {
    fc.assert(
      fc.property(populationArb, (drafts) => {
        const customers = drafts.map((d, c) => history(d, `c-${c}`));
        const stats = copurchaseStats(foldPartitioned(customers, [], false, 2));
        const expected = recount(customers);
        const truth = new Map(expected.item.pairs.map(([a, b, n]) => [`${a}|${b}`, n]));
        const bounds = new Map(
          (stats.item.bounds ?? []).map(([a, b, o, u]) => [`${a}|${b}`, [o, u]]),
        );
        for (const [a, b, n] of stats.item.pairs) {
          const [over, under] = bounds.get(`${a}|${b}`) ?? [0, 0];
          const t = truth.get(`${a}|${b}`) ?? 0;
          expect(t).toBeGreaterThanOrEqual(n - (over ?? 0));
          expect(t).toBeLessThanOrEqual(n + (under ?? 0));
        }
        expect(stats.item.singles).toEqual(expected.item.singles);
      }),
      { numRuns: 150 },
    );
  });
});
