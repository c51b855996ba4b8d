import fc from 'fast-check';
import { EVENT_TYPES, EXAMPLE_EVENTS, type RecordedEvent } from '@touchpoint/contracts';
import { customerKey, visitorKey } from '../projection.types';
import { basketStats } from './basket-stats';
import {
  erased,
  fold,
  fold as foldWith,
  line,
  merged,
  positioned,
  purchase,
  recorded,
  refund,
  roundTrip,
  uuid,
} from './crosssell.fixtures';
import { DEFAULT_CROSSSELL_POLICY } from './crosssell.policy';
import { crosssellProjection } from './crosssell.projection';
import {
  EMPTY_BASKETS_STATE,
  basketsProfile,
  type BasketsProfile,
  type CustomerBasketsState,
} from './crosssell.state';
import { recommend } from './recommendations';

const profile = (s: CustomerBasketsState): BasketsProfile =>
  basketsProfile(s, DEFAULT_CROSSSELL_POLICY);

const KEY = customerKey('c-1');
const AS_OF = new Date('2025-06-01T00:00:00Z');
const BOTTLE = line('BB-260', 'baby/feeding', 8900, 2, 'Anti-colic baby bottle 260 ml');
const FOOD = line('BF-STAGE1', 'baby/food', 1550, 6, 'Organic baby food, stage 1');
const RATTLE = line('TOY-RATTLE', 'toys', 3000);

// 2 * 8900 + 6 * 1550 = 27100
const order1 = purchase({
  id: 1,
  orderId: 'O-1',
  at: '2025-04-21T10:05:00+08:00',
  items: [BOTTLE, FOOD],
});
// 3000
const order2 = purchase({
  id: 2,
  orderId: 'O-2',
  at: '2025-05-02T10:00:00+08:00',
  items: [RATTLE],
});

describe('crosssellProjection.evolve', () => {
  describe('Given a customer with two orders', () => {
    const state = fold([order1, order2]);

    it('When folded, Then each order is a basket and owned items, categories and spend follow', () => {
      expect(state.baskets.map((b) => b.orderId)).toEqual(['O-1', 'O-2']);
      expect(profile(state).ownedSkus).toEqual(['BB-260', 'BF-STAGE1', 'TOY-RATTLE']);
      expect(profile(state).ownedCategories).toEqual(['baby/feeding', 'baby/food', 'toys']);
      expect(profile(state).netSpend).toEqual({ CNY: 30100 });
      expect(state.baskets.map((b) => b.eventId)).toEqual([uuid(1), uuid(2)]);
    });

    it('When the same event is delivered again, Then the state is returned untouched', () => {
      const again = crosssellProjection.evolve(
        state,
        positioned(order1, 9),
        KEY,
        DEFAULT_CROSSSELL_POLICY,
      );
      expect(again).toEqual(state);
    });

    it('When the POS re-sends order O-1 with a new event id, Then it counts once', () => {
      const resent = purchase({
        id: 50,
        orderId: 'O-1',
        at: '2025-04-21T10:05:00+08:00',
        items: [BOTTLE, FOOD],
      });
      const after = fold([resent], KEY, DEFAULT_CROSSSELL_POLICY, state);
      expect(after).toEqual(state);
      expect(basketStats(after).baskets).toBe(2);
    });

    it('When a re-send with a lower id arrives (or arrives first), Then the same version is kept either way', () => {
      const early = purchase({
        id: 0,
        orderId: 'O-1',
        at: '2025-04-21T10:05:00+08:00',
        items: [BOTTLE, FOOD],
      });
      expect(fold([early, order1, order2])).toEqual(fold([order1, order2, early]));
      expect(fold([order1, early, order2]).baskets.find((b) => b.orderId === 'O-1')?.eventId).toBe(
        uuid(0),
      );
      expect(basketStats(fold([order1, early, order2]))).toEqual(basketStats(state));
    });
  });

  describe('Given refunds', () => {
    it('When the bottles are returned, Then they are no longer owned, are marked returned, and spend drops', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 17800,
        at: '2025-04-25T09:00:00+08:00',
        items: [{ sku: 'BB-260', quantity: 2 }],
      });
      const state = fold([order1, r]);
      expect(profile(state).ownedSkus).toEqual(['BF-STAGE1']);
      expect(profile(state).ownedCategories).toEqual(['baby/food']);
      expect(profile(state).returnedSkus).toEqual(['BB-260']);
      expect(profile(state).netSpend).toEqual({ CNY: 27100 - 17800 });
    });

    it('When only one of two bottles is returned, Then the bottle is still owned', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 8900,
        at: '2025-04-25T09:00:00+08:00',
        items: [{ sku: 'BB-260', quantity: 1 }],
      });
      expect(profile(fold([order1, r])).ownedSkus).toEqual(['BB-260', 'BF-STAGE1']);
    });

    it('When a refund names no items and is less than the total (a delivery fee), Then everything is still owned', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 2500,
        at: '2025-04-25T09:00:00+08:00',
      });
      const state = fold([order1, r]);
      expect(profile(state).ownedSkus).toEqual(['BB-260', 'BF-STAGE1']);
      expect(profile(state).netSpend).toEqual({ CNY: 24600 });
    });

    it('When item-less refunds add up to the total, Then the whole order is returned', () => {
      const r1 = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 20000,
        at: '2025-04-25T09:00:00+08:00',
      });
      const r2 = refund({
        id: 4,
        orderId: 'O-1',
        refundId: 'R-2',
        amount: 7100,
        at: '2025-04-26T09:00:00+08:00',
      });
      const state = fold([order1, r1, r2]);
      expect(profile(state).ownedSkus).toEqual([]);
      expect(profile(state).returnedSkus).toEqual(['BB-260', 'BF-STAGE1']);
      expect(profile(state).netSpend).toEqual({ CNY: 0 });
    });

    it('When a refund arrives before its order, Then the result is the same as after', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 8900,
        at: '2025-04-25T09:00:00+08:00',
        items: [{ sku: 'BB-260', quantity: 2 }],
      });
      const early = fold([r]);
      expect(profile(early).netSpend).toEqual({});
      expect(fold([r, order1])).toEqual(fold([order1, r]));
    });

    it('When the same refund is re-sent with a new event id, Then it counts once', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 2500,
        at: '2025-04-25T09:00:00+08:00',
      });
      const again = refund({
        id: 7,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 2500,
        at: '2025-04-25T09:00:00+08:00',
      });
      expect(fold([order1, r, again])).toEqual(fold([order1, r]));
    });

    it('When items are refunded, Then the co-purchase statistics still count the basket as bought', () => {
      const r = refund({
        id: 3,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 27100,
        at: '2025-04-25T09:00:00+08:00',
      });
      expect(basketStats(fold([order1, r]))).toEqual(basketStats(fold([order1])));
    });
  });

  describe('Given an anonymous visitor who buys', () => {
    const event = purchase({
      id: 1,
      anonymousId: 'v-77f',
      orderId: 'O-9',
      at: '2025-04-21T10:05:00+08:00',
      items: [BOTTLE],
    });

    it('When keyed, Then the basket lives under the visitor key and still counts in the aggregates', () => {
      expect(crosssellProjection.keys(event)).toEqual([visitorKey('v-77f')]);
      expect(basketStats(fold([event], visitorKey('v-77f'))).baskets).toBe(1);
    });
  });

  describe('Given customer c-0042 who bought, then asked to be erased (scenario 8)', () => {
    const key = customerKey('c-0042');
    const registered = recorded({ ...EXAMPLE_EVENTS['customer.registered'], customerId: 'c-0042' });
    const buy = purchase({
      id: 1,
      customerId: 'c-0042',
      orderId: 'O-1',
      at: '2024-05-10T10:00:00+08:00',
      items: [BOTTLE, FOOD, line('GIFT-1', 'gifts', 5000)],
    });
    const gift = purchase({
      id: 2,
      customerId: 'c-0042',
      orderId: 'O-2',
      at: '2023-05-11T10:00:00+08:00',
      items: [line('GIFT-2', 'gifts', 5000)],
    });
    const money = refund({
      id: 3,
      customerId: 'c-0042',
      orderId: 'O-1',
      refundId: 'R-1',
      amount: 500,
      at: '2024-05-12T10:00:00+08:00',
    });
    const erase = erased(4, 'c-0042');
    const state = fold([registered, buy, gift, money, erase], key);

    it('When her document is read, Then it holds basket contents but no dates, amounts, refunds or gift dates', () => {
      expect(state.erased).toBe(true);
      expect(state.baskets.map((b) => [b.orderId, b.occurredAt, b.total, b.currency])).toEqual([
        ['O-1', null, null, null],
        ['O-2', null, null, null],
      ]);
      expect(state.refunds).toEqual([]);
      expect(profile(state).giftPurchases).toEqual({});
      expect(profile(state).netSpend).toEqual({});
      expect(profile(state).ownedSkus).toEqual([]);
      const json = JSON.stringify(state);
      for (const personal of [
        'Mei',
        'Lin',
        'mei.lin@example.cn',
        '138',
        '1990-05-14',
        'Century',
        '2024-',
        '2023-',
      ]) {
        expect(json).not.toContain(personal);
      }
    });

    it('When co-purchase statistics are taken, Then both baskets still count', () => {
      const stats = basketStats(state);
      expect(stats.baskets).toBe(2);
      expect(stats.item.pairs).toContainEqual(['BB-260', 'BF-STAGE1', 1]);
    });

    it('When read or asked for recommendations, Then nothing personal comes back', () => {
      const view = crosssellProjection.view(
        state,
        new Date('2025-05-01T00:00:00+08:00'),
        DEFAULT_CROSSSELL_POLICY,
      );
      expect(view.occasions).toEqual([]);
      expect(view.dueReminders).toEqual([]);
      expect(
        recommend(
          state,
          { rules: [], spendDecileThreshold: 0, asOf: AS_OF },
          DEFAULT_CROSSSELL_POLICY,
        ),
      ).toEqual([]);
    });

    it('When the history is replayed in another order or a purchase arrives after the erasure, Then the same anonymous state results', () => {
      expect(fold([erase, money, gift, buy, registered], key)).toEqual(state);
      expect(fold([buy, erase, gift, money], key)).toEqual(state);
    });
  });

  describe('Given customer c-2099 merged into c-2031', () => {
    const dupBuy = purchase({
      id: 1,
      customerId: 'c-2099',
      orderId: 'O-1',
      at: '2025-04-01T10:00:00+08:00',
      items: [BOTTLE],
    });
    const merge = merged(2, 'c-2031', 'c-2099');

    it('When keyed, Then both documents are touched', () => {
      expect(crosssellProjection.keys(merge)).toEqual([
        customerKey('c-2031'),
        customerKey('c-2099'),
      ]);
    });

    it('When folded, Then the survivor records whom it absorbed and the duplicate is retired but still counted', () => {
      const survivor = fold([merge], customerKey('c-2031'));
      const duplicate = fold([dupBuy, merge], customerKey('c-2099'));
      expect(survivor.mergedFrom).toEqual(['c-2099']);
      expect(survivor.mergedInto).toBeNull();
      expect(duplicate.mergedInto).toBe('c-2031');
      expect(basketStats(duplicate).baskets).toBe(1);
      const rec = recommend(
        duplicate,
        { rules: [], spendDecileThreshold: 0, asOf: AS_OF },
        DEFAULT_CROSSSELL_POLICY,
      );
      expect(rec).toEqual([]);
    });
  });

  describe('Given one example of every event type in the catalogue', () => {
    const relevant = new Set([
      'purchase.completed',
      'purchase.refunded',
      'customer.erased',
      'customer.merged',
      'customer.identified',
    ]);

    it.each(EVENT_TYPES)(
      'When %s is keyed and folded, Then it is handled or ignored as documented',
      (type) => {
        const event = recorded(EXAMPLE_EVENTS[type]);
        const keys = crosssellProjection.keys(event);
        if (!relevant.has(type)) {
          expect(keys).toEqual([]);
          const initial = crosssellProjection.initial(KEY);
          expect(
            crosssellProjection.evolve(initial, positioned(event), KEY, DEFAULT_CROSSSELL_POLICY),
          ).toBe(initial);
          return;
        }
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          const state = crosssellProjection.evolve(
            crosssellProjection.initial(key),
            positioned(event),
            key,
            DEFAULT_CROSSSELL_POLICY,
          );
          expect(state).not.toEqual(crosssellProjection.initial(key));
          expect(roundTrip(state)).toEqual(state);
        }
      },
    );
  });

  it('Given a fresh key, When initial is asked for, Then it is the empty JSON state', () => {
    expect(crosssellProjection.initial(KEY)).toEqual(EMPTY_BASKETS_STATE);
    expect(roundTrip(EMPTY_BASKETS_STATE)).toEqual(EMPTY_BASKETS_STATE);
  });
});

// ---- properties -----------------------------------------------------------------------------

const SKUS = [
  line('BB-260', 'baby/feeding', 8900),
  line('BF-STAGE1', 'baby/food', 1550, 3),
  line('GIFT-SCARF', 'gifts/apparel', 12000),
  line('LT-X1-PRO', 'electronics/laptops', 1299900),
];
const DATES = [
  '2023-05-10T10:00:00+08:00',
  '2024-05-31T23:30:00+08:00',
  '2024-11-11T16:40:00+08:00',
  '2025-04-21T10:05:00Z',
];

type Spec =
  | { kind: 'purchase'; order: number; items: number[]; date: number }
  | {
      kind: 'refund';
      order: number;
      refundNo: number;
      amount: number;
      items: number[] | null;
      date: number;
    }
  | { kind: 'erase' }
  | { kind: 'merge' };

const specArb: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('purchase' as const),
      order: fc.nat(3),
      items: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 4 }),
      date: fc.nat(3),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat(3),
      refundNo: fc.nat(1),
      amount: fc.nat(20000),
      items: fc.option(fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 2 })),
      date: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'erase' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'merge' as const }) },
);

function build(spec: Spec, id: number): RecordedEvent {
  const pick = (i: number): ReturnType<typeof line> => SKUS[i] ?? line('X', 'x');
  // Every version of one order (or refund) carries the same event time, as re-sends do: a
  // version dated elsewhere would be another order as far as the horizon is concerned.
  const at =
    DATES[
      spec.kind === 'purchase'
        ? spec.order % DATES.length
        : spec.kind === 'refund'
          ? (spec.order + spec.refundNo + 1) % DATES.length
          : 0
    ] ?? '2025-01-01T00:00:00Z';
  switch (spec.kind) {
    case 'purchase':
      return purchase({ id, orderId: `O-${spec.order}`, at, items: spec.items.map(pick) });
    case 'refund':
      return refund({
        id,
        orderId: `O-${spec.order}`,
        refundId: `R-${spec.refundNo}`,
        amount: spec.amount,
        at,
        ...(spec.items === null
          ? {}
          : { items: spec.items.map((i) => ({ sku: pick(i).sku, quantity: 1 })) }),
      });
    case 'erase':
      return erased(id);
    case 'merge':
      return merged(id, 'c-1', 'c-dup');
  }
}

/** A customer's history: distinct event ids; orders and refunds may repeat under new ids. */
const historyArb = fc
  .array(specArb, { maxLength: 14 })
  .map((specs) => specs.map((s, i) => build(s, i + 1)));

const ignoredArb = fc.constantFrom(
  ...EVENT_TYPES.filter(
    (t) =>
      !t.startsWith('purchase.') &&
      t !== 'customer.erased' &&
      t !== 'customer.merged' &&
      t !== 'customer.identified',
  ).map((t) => recorded({ ...EXAMPLE_EVENTS[t], customerId: 'c-1' })),
);

describe('crosssellProjection properties', () => {
  it('(a) Given any history, When its events are re-ordered, Then the state is the same', () => {
    // A re-send of an order older than the horizon is a duplicate the document cannot see, so
    // re-sends are kept within it here; crosssell.bounded.spec.ts re-orders compacting histories.
    const wide = { ...DEFAULT_CROSSSELL_POLICY, horizonDays: 36_500, detailRecords: 10_000 };
    const fold = (events: readonly RecordedEvent[]): CustomerBasketsState =>
      foldWith(events, KEY, wide);
    fc.assert(
      fc.property(
        historyArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
          ),
        ),
        ([events, shuffled]) => {
          expect(fold(shuffled)).toEqual(fold(events));
        },
      ),
    );
  });

  // Duplicates are recognised within the horizon only (DESIGN §4), so this one keeps every
  // record in detail; the bounded properties (crosssell.bounded.spec.ts) cover compaction.
  it('(b) Given any history, When events are delivered twice or orders re-sent under new ids, Then nothing changes', () => {
    const wide = { ...DEFAULT_CROSSSELL_POLICY, horizonDays: 36_500, detailRecords: 10_000 };
    const fold = (events: readonly RecordedEvent[]): CustomerBasketsState =>
      foldWith(events, KEY, wide);
    fc.assert(
      fc.property(
        historyArb,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(ignoredArb, { maxLength: 3 }),
        (events, picks, ignored) => {
          const once = fold(events);
          if (events.length === 0) return;
          const redelivered = picks
            .map((p) => events[p % events.length])
            .filter((e): e is RecordedEvent => e !== undefined);
          // Re-sends carry ids above every original, like a reconnecting POS with v7 ids.
          const resent = redelivered.flatMap((e, i) =>
            e.type === 'purchase.completed' || e.type === 'purchase.refunded'
              ? [{ ...e, eventId: uuid(1000 + i) }]
              : [],
          );
          expect(fold([...events, ...redelivered, ...resent, ...ignored])).toEqual(once);
          expect(fold([...resent, ...events, ...redelivered])).toEqual(once);
        },
      ),
    );
  });

  it('(c) Given any history, When folded in chunks with JSON round-trips between them, Then it equals folding at once', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { maxLength: 4 }), (events, cuts) => {
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
        let state = roundTrip(crosssellProjection.initial(KEY));
        let from = 0;
        for (const to of [...bounds, events.length]) {
          state = roundTrip(fold(events.slice(from, to), KEY, DEFAULT_CROSSSELL_POLICY, state));
          from = to;
        }
        expect(state).toStrictEqual(roundTrip(fold(events)));
        expect(roundTrip(fold(events))).toEqual(fold(events));
      }),
    );
  });
});
