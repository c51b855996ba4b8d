import fc from 'fast-check';
import { type RecordedEvent, stableStringify } from '@touchpoint/contracts';
import { customerKey, visitorKey } from '../projection.types';
import { crosssellRelatedKeys, joinCrosssellStates, mergeCrosssellStates } from './crosssell.merge';
import {
  erased,
  identified,
  line,
  merged,
  positioned,
  purchase,
  refund,
} from './crosssell.fixtures';
import { DEFAULT_CROSSSELL_POLICY } from './crosssell.policy';
import { crosssellProjection } from './crosssell.projection';
import { basketsProfile, type BasketsProfile, type CustomerBasketsState } from './crosssell.state';
import { recommend } from './recommendations';

const profile = (s: CustomerBasketsState): BasketsProfile =>
  basketsProfile(s, DEFAULT_CROSSSELL_POLICY);

// Every record stays in detail: the join sums compacted figures, so it is idempotent on detail
// only, and the reader passes each related document once (crosssell.merge.ts).
const P = { ...DEFAULT_CROSSSELL_POLICY, horizonDays: 36_500, detailRecords: 10_000 };
const AS_OF = new Date('2025-06-01T00:00:00Z');
const canonical = (v: unknown): string => stableStringify(v);
const BOTTLE = line('BB-260', 'baby/feeding', 8900);
const FOOD = line('BF-STAGE1', 'baby/food', 1550);
const STROLLER = line('ST-1', 'baby/strollers', 99000);
const GIFT = line('GIFT-SCARF', 'gifts/apparel', 12000);

/** Routes every event to the documents `keys` names and folds each, as the shell does. */
function foldDocuments(events: readonly RecordedEvent[]): Map<string, CustomerBasketsState> {
  const docs = new Map<string, CustomerBasketsState>();
  events.forEach((event, i) => {
    for (const key of crosssellProjection.keys(event)) {
      const state = docs.get(key) ?? crosssellProjection.initial(key);
      docs.set(key, crosssellProjection.evolve(state, positioned(event, i), key, P));
    }
  });
  return docs;
}

/** What a reader does: follow `crosssellRelatedKeys` to closure, then merge. */
function readMerged(
  docs: ReadonlyMap<string, CustomerBasketsState>,
  customerId: string,
): CustomerBasketsState {
  const primaryKey = customerKey(customerId);
  const primary = docs.get(primaryKey) ?? crosssellProjection.initial(primaryKey);
  const seen = new Set([primaryKey]);
  const related: CustomerBasketsState[] = [];
  let frontier = crosssellRelatedKeys(primary);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const key of frontier) {
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = docs.get(key);
      if (doc === undefined) continue;
      related.push(doc);
      next.push(...crosssellRelatedKeys(doc));
    }
    frontier = next;
  }
  return mergeCrosssellStates(primary, related, P);
}

const recs = (state: CustomerBasketsState) =>
  recommend(state, { rules: [], spendDecileThreshold: Number.POSITIVE_INFINITY, asOf: AS_OF }, P);

describe('crosssellRelatedKeys', () => {
  it('Given a customer with linked visitors and absorbed customers, When asked, Then it names their documents', () => {
    const docs = foldDocuments([
      identified(1, 'c-1', 'v-2'),
      identified(2, 'c-1', 'v-1'),
      merged(3, 'c-1', 'c-9'),
    ]);
    expect(crosssellRelatedKeys(docs.get(customerKey('c-1'))!)).toEqual([
      visitorKey('v-1'),
      visitorKey('v-2'),
      customerKey('c-9'),
    ]);
    expect(crosssellRelatedKeys(docs.get(customerKey('c-9'))!)).toEqual([]);
  });
});

describe('mergeCrosssellStates', () => {
  // SCENARIOS 2 with a checkout: v-77f buys a bottle, is linked to c-2031, buys a stroller as a
  // visitor again after the link.
  const bottle = purchase({
    id: 1,
    anonymousId: 'v-77f',
    orderId: 'O-1',
    at: '2025-04-01T10:00:00+08:00',
    items: [BOTTLE],
  });
  const link = identified(2, 'c-2031', 'v-77f', '2025-04-02T10:00:00+08:00');
  const stroller = purchase({
    id: 3,
    anonymousId: 'v-77f',
    orderId: 'O-2',
    at: '2025-04-03T10:00:00+08:00',
    items: [STROLLER],
  });

  it("Given a visitor's baskets before and after the link, When merged in any arrival order, Then the customer owns both and is offered baby food", () => {
    const views = [
      [bottle, link, stroller],
      [stroller, bottle, link],
      [link, stroller, bottle],
    ].map((events) => {
      const state = readMerged(foldDocuments(events), 'c-2031');
      return { view: crosssellProjection.view(state, AS_OF, P), recs: recs(state) };
    });
    expect(views[0]?.view.orders).toBe(2);
    expect(views[0]?.view.ownedSkus).toEqual(['BB-260', 'ST-1']);
    expect(views[0]?.recs.map((r) => [r.source, r.target])).toEqual([
      ['category_chain', 'baby/food'],
    ]);
    for (const v of views) expect(canonical(v)).toBe(canonical(views[0]));
  });

  it('Given the customer already owns the recommended category through a visitor basket, When merged, Then it is not recommended', () => {
    const food = purchase({
      id: 4,
      anonymousId: 'v-77f',
      orderId: 'O-3',
      at: '2025-04-04T10:00:00+08:00',
      items: [FOOD],
    });
    const state = readMerged(foldDocuments([bottle, link, food]), 'c-2031');
    expect(recs(state)).toEqual([]);
  });

  it('Given the same order on the visitor and the customer documents, When merged, Then it is one basket (lowest event id)', () => {
    const resent = purchase({
      id: 9,
      customerId: 'c-2031',
      orderId: 'O-1',
      at: '2025-04-01T10:00:00+08:00',
      items: [BOTTLE],
    });
    const state = readMerged(foldDocuments([bottle, link, resent]), 'c-2031');
    expect(state.baskets.map((b) => [b.orderId, b.eventId])).toEqual([['O-1', bottle.eventId]]);
    expect(profile(state).netSpend).toEqual({ CNY: 8900 });
  });

  it('Given a refund on the customer for a visitor order, When merged, Then the item is returned, not owned', () => {
    const back = refund({
      id: 5,
      customerId: 'c-2031',
      orderId: 'O-1',
      refundId: 'R-1',
      amount: 8900,
      at: '2025-04-05T10:00:00+08:00',
      items: [{ sku: 'BB-260', quantity: 1 }],
    });
    const state = readMerged(foldDocuments([bottle, back, link]), 'c-2031');
    expect(profile(state).ownedSkus).toEqual([]);
    expect(profile(state).returnedSkus).toEqual(['BB-260']);
    expect(profile(state).netSpend).toEqual({ CNY: 0 });
  });

  it('Given c-9 merged into c-1 with gifts bought in May by each, When read as c-1, Then the occasion spans both; read as c-9, no offers', () => {
    const docs = foldDocuments([
      purchase({
        id: 1,
        customerId: 'c-1',
        orderId: 'O-1',
        at: '2023-05-10T10:00:00+08:00',
        items: [GIFT],
      }),
      purchase({
        id: 2,
        customerId: 'c-9',
        orderId: 'O-9',
        at: '2024-05-12T10:00:00+08:00',
        items: [GIFT, BOTTLE],
      }),
      merged(3, 'c-1', 'c-9'),
    ]);
    const state = readMerged(docs, 'c-1');
    const view = crosssellProjection.view(state, new Date('2025-05-01T00:00:00+08:00'), P);
    expect(view.mergedInto).toBeNull();
    expect(view.mergedFrom).toEqual(['c-9']);
    expect(view.occasions.map((o) => [o.category, o.month])).toEqual([['gifts', 5]]);
    expect(recs(readMerged(docs, 'c-9'))).toEqual([]);
  });

  it('Given related states repeated, reordered, or the primary itself among them, When merged, Then nothing changes', () => {
    const docs = foldDocuments([bottle, link, stroller]);
    const primary = docs.get(customerKey('c-2031'))!;
    const visitor = docs.get(visitorKey('v-77f'))!;
    const once = mergeCrosssellStates(primary, [visitor], P);
    expect(mergeCrosssellStates(primary, [visitor, primary, visitor], P)).toEqual(once);
    expect(mergeCrosssellStates(once, [visitor], P)).toEqual(once);
  });

  describe('erasure (SCENARIOS 8)', () => {
    const erasure = erased(7, 'c-2031');

    it('Given an erased customer with a linked visitor, When merged, Then no dates, amounts, occasions or offers come back', () => {
      const state = readMerged(foldDocuments([bottle, link, stroller, erasure]), 'c-2031');
      expect(state.erased).toBe(true);
      expect(state.baskets.every((b) => b.occurredAt === null && b.total === null)).toBe(true);
      expect(profile(state).netSpend).toEqual({});
      expect(recs(state)).toEqual([]);
      expect(crosssellProjection.view(state, AS_OF, P).occasions).toEqual([]);
    });

    it('Given an absorbed customer erased, When the survivor is read, Then the person is erased', () => {
      const docs = foldDocuments([
        purchase({
          id: 1,
          customerId: 'c-1',
          orderId: 'O-1',
          at: '2025-04-01T10:00:00Z',
          items: [BOTTLE],
        }),
        merged(2, 'c-1', 'c-9'),
        erased(3, 'c-9'),
      ]);
      expect(readMerged(docs, 'c-1').erased).toBe(true);
    });
  });
});

// ---- properties ---------------------------------------------------------------------------------

const SKUS = [BOTTLE, FOOD, STROLLER, GIFT];
const DATES = ['2023-05-10T10:00:00+08:00', '2024-05-31T23:30:00+08:00', '2025-04-21T10:05:00Z'];
const CUSTOMERS = ['c-1', 'c-9'] as const;
const VISITORS = ['v-1', 'v-2', 'v-3'] as const;

type Draft = (id: number) => RecordedEvent;

const fact: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        who: fc.constantFrom<string>(...CUSTOMERS, ...VISITORS),
        order: fc.nat(5),
        items: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
        date: fc.nat(2),
      })
      .map(
        ({ who, order, items, date }): Draft =>
          (id) =>
            purchase({
              id,
              orderId: `O-${order}`,
              at: DATES[date]!,
              items: items.map((i) => SKUS[i]!),
              ...(who.startsWith('v-') ? { anonymousId: who } : { customerId: who }),
            }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        who: fc.constantFrom(...CUSTOMERS),
        order: fc.nat(5),
        amount: fc.nat(20000),
        item: fc.option(fc.nat(3)),
        date: fc.nat(2),
      })
      .map(
        ({ who, order, amount, item, date }): Draft =>
          (id) =>
            refund({
              id,
              customerId: who,
              orderId: `O-${order}`,
              refundId: 'R-1',
              amount,
              at: DATES[date]!,
              ...(item === null ? {} : { items: [{ sku: SKUS[item]!.sku, quantity: 1 }] }),
            }),
      ),
  },
);

const person = fc
  .tuple(fc.array(fact, { maxLength: 16 }), fc.option(fc.constantFrom(...CUSTOMERS), { freq: 5 }))
  .map(([facts, erasedWho]) => ({
    factEvents: [
      ...facts.map((d, i) => d(i + 1)),
      ...(erasedWho === null ? [] : [erased(900, erasedWho)]),
    ],
    linkEvents: [
      identified(501, 'c-1', 'v-1'),
      identified(502, 'c-1', 'v-2'),
      identified(503, 'c-9', 'v-3'),
      merged(504, 'c-1', 'c-9'),
    ],
  }));

/** Everything as if the channels had always known the person as c-1 (links kept on c-1). */
function oracle(
  factEvents: readonly RecordedEvent[],
  linkEvents: readonly RecordedEvent[],
): CustomerBasketsState {
  const key = customerKey('c-1');
  let state = crosssellProjection.initial(key);
  [...factEvents, ...linkEvents].forEach((event, i) => {
    const { anonymousId: _a, ...rest } = event;
    const asC1 = (
      event.type === 'customer.identified' || event.type === 'customer.merged'
        ? event
        : { ...rest, customerId: 'c-1' }
    ) as RecordedEvent;
    state = crosssellProjection.evolve(state, positioned(asC1, i), key, P);
  });
  return state;
}

describe('mergeCrosssellStates properties', () => {
  it('Given one person spread over customer, absorbed and visitor documents in any arrival order, When merged, Then the state equals folding everything as c-1', () => {
    fc.assert(
      fc.property(
        person.chain(({ factEvents, linkEvents }) =>
          fc.tuple(
            fc.constant({ factEvents, linkEvents }),
            fc.shuffledSubarray([...factEvents, ...linkEvents], {
              minLength: factEvents.length + linkEvents.length,
              maxLength: factEvents.length + linkEvents.length,
            }),
          ),
        ),
        ([{ factEvents, linkEvents }, arrival]) => {
          const merged = readMerged(foldDocuments(arrival), 'c-1');
          const expected = oracle(factEvents, linkEvents);
          expect(canonical(merged)).toBe(canonical(expected));
          expect(canonical(recs(merged))).toBe(canonical(recs(expected)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Given related documents in any order and with repeats, When merged, Then the merged state is the same', () => {
    fc.assert(
      fc.property(
        person,
        fc.array(fc.nat(), { maxLength: 6 }),
        ({ factEvents, linkEvents }, picks) => {
          const docs = foldDocuments([...linkEvents, ...factEvents]);
          const primary = docs.get(customerKey('c-1'))!;
          const related = [...docs.entries()]
            .filter(([k]) => k !== customerKey('c-1'))
            .map(([, s]) => s);
          const base = mergeCrosssellStates(primary, related, P);
          const repeats = picks.map((p) => related[p % related.length]!);
          expect(
            canonical(mergeCrosssellStates(primary, [...related].reverse().concat(repeats), P)),
          ).toBe(canonical(base));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('Given any three documents, When joined, Then the join is commutative, associative and idempotent', () => {
    const stateArb = (k: number) =>
      fc
        .tuple(fc.array(fact, { maxLength: 8 }), fc.boolean())
        .map(([drafts, erase]) =>
          oracle(
            [
              ...drafts.map((d, i) => d(1000 * k + i + 1)),
              ...(erase ? [erased(1000 * k + 999)] : []),
            ],
            [],
          ),
        );
    const join = (a: CustomerBasketsState, b: CustomerBasketsState) => joinCrosssellStates(a, b, P);
    fc.assert(
      fc.property(stateArb(1), stateArb(2), stateArb(3), (a, b, c) => {
        expect(canonical(join(a, b))).toBe(canonical(join(b, a)));
        expect(canonical(join(join(a, b), c))).toBe(canonical(join(a, join(b, c))));
        expect(canonical(join(a, a))).toBe(canonical(a));
      }),
      { numRuns: 200 },
    );
  });
});
