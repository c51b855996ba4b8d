import fc from 'fast-check';
import { type RecordedEvent, stableStringify } from '@touchpoint/contracts';
import { customerKey, visitorKey } from '../projection.types';
import {
  adjusted,
  erased,
  identified,
  merged,
  positioned,
  purchase,
  redeemed,
  refund,
  registered,
  shift,
  uuid,
} from './loyalty.fixtures';
import { DEFAULT_LOYALTY_POLICY } from './loyalty.policy';
import { evolveLoyalty, initialLoyaltyState, loyaltyKeys } from './loyalty.projection';
import { joinLoyaltyStates, loyaltyRelatedKeys, mergeLoyaltyStates } from './loyalty.merge';
import { type LoyaltyState } from './loyalty.types';
import { loyaltyView } from './loyalty.view';

const AT = '2025-04-01T10:00:00+08:00';
const ASOF = new Date('2025-06-01T00:00:00Z');
const canonical = (v: unknown): string => stableStringify(v);

/** Routes every event to the documents `loyaltyKeys` names and folds each, as the shell does. */
function foldDocuments(events: readonly RecordedEvent[]): Map<string, LoyaltyState> {
  const docs = new Map<string, LoyaltyState>();
  events.forEach((event, i) => {
    for (const key of loyaltyKeys(event)) {
      const state = docs.get(key) ?? initialLoyaltyState(key);
      docs.set(key, evolveLoyalty(state, positioned(event, i), key, DEFAULT_LOYALTY_POLICY));
    }
  });
  return docs;
}

/** What a reader does: follow `loyaltyRelatedKeys` to closure, then merge. */
function readMerged(docs: ReadonlyMap<string, LoyaltyState>, customerId: string): LoyaltyState {
  const primaryKey = customerKey(customerId);
  const primary = docs.get(primaryKey) ?? initialLoyaltyState(primaryKey);
  const seen = new Set([primaryKey]);
  const related: LoyaltyState[] = [];
  let frontier = loyaltyRelatedKeys(primary);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const key of frontier) {
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = docs.get(key);
      if (doc === undefined) continue;
      related.push(doc);
      next.push(...loyaltyRelatedKeys(doc));
    }
    frontier = next;
  }
  return mergeLoyaltyStates(primary, related);
}

const view = (state: LoyaltyState) => loyaltyView(state, ASOF, DEFAULT_LOYALTY_POLICY);

describe('loyaltyRelatedKeys', () => {
  it('Given a customer with linked visitors and absorbed customers, When asked, Then it names their documents', () => {
    const docs = foldDocuments([
      identified({ at: AT, customerId: 'c-1', anonymousId: 'v-2' }),
      identified({ at: AT, customerId: 'c-1', anonymousId: 'v-1' }),
      merged({ at: AT, customerId: 'c-1', mergedCustomerId: 'c-9' }),
    ]);
    expect(loyaltyRelatedKeys(docs.get(customerKey('c-1'))!)).toEqual([
      visitorKey('v-1'),
      visitorKey('v-2'),
      customerKey('c-9'),
    ]);
    expect(loyaltyRelatedKeys(docs.get(customerKey('c-9'))!)).toEqual([]);
  });
});

describe('mergeLoyaltyStates', () => {
  // SCENARIOS 2 with purchases: v-77f buys before and after being linked to c-2031.
  const before = purchase({ at: AT, anonymousId: 'v-77f', orderId: 'O-1', total: 30_000 });
  const link = identified({ at: shift(AT, 2), customerId: 'c-2031', anonymousId: 'v-77f' });
  const after = purchase({ at: shift(AT, 3), anonymousId: 'v-77f', orderId: 'O-2', total: 20_000 });
  const own = purchase({ at: shift(AT, 4), customerId: 'c-2031', orderId: 'O-3', total: 10_000 });

  it("Given a visitor's purchases before and after the link, When merged in any arrival order, Then the customer counts all three", () => {
    const orders = [
      [before, link, after, own],
      [after, own, before, link],
      [link, own, after, before],
    ];
    const views = orders.map((events) => view(readMerged(foldDocuments(events), 'c-2031')));
    expect(views[0]?.window.purchases).toBe(3);
    expect(views[0]?.window.spend).toBe(60_000);
    // 1 point per currency unit by default: 300 + 200 + 100.
    expect(views[0]?.points.earned).toBe(600);
    expect(views[0]?.customerId).toBe('c-2031');
    for (const v of views) expect(canonical(v)).toBe(canonical(views[0]));
  });

  it('Given no link yet, When read, Then the visitor purchases are not counted', () => {
    const v = view(readMerged(foldDocuments([before, after, own]), 'c-2031'));
    expect(v.window.purchases).toBe(1);
  });

  it('Given the same order sent as a visitor and again after sign-in, When merged, Then it counts once, earliest report kept', () => {
    const resent = purchase({
      at: shift(AT, 1),
      customerId: 'c-2031',
      orderId: 'O-1',
      total: 30_000,
    });
    const v = view(readMerged(foldDocuments([before, link, resent]), 'c-2031'));
    expect(v.window.purchases).toBe(1);
    expect(v.points.ledger.map((l) => l.eventId)).toEqual([before.eventId]);
  });

  it('Given a refund on the customer for an order bought as a visitor, When merged, Then the refund reverses it', () => {
    const back = refund({
      at: shift(AT, 5),
      customerId: 'c-2031',
      orderId: 'O-1',
      refundId: 'R-1',
      amount: 30_000,
    });
    const v = view(readMerged(foldDocuments([before, link, back]), 'c-2031'));
    expect(v.window.spend).toBe(0);
    expect(v.points.reversed).toBe(300);
    expect(v.anomalies).toEqual([]);
  });

  it('Given c-9 merged into c-1, When read as c-1, Then c-9 history (and its visitor) counts and the ledger adds up', () => {
    const events = [
      registered({ at: AT, customerId: 'c-1' }),
      registered({ at: shift(AT, -400), customerId: 'c-9' }),
      purchase({ at: shift(AT, 1), customerId: 'c-1', orderId: 'O-1', total: 10_000 }),
      purchase({ at: shift(AT, 2), customerId: 'c-9', orderId: 'O-9', total: 50_000 }),
      purchase({ at: shift(AT, 3), anonymousId: 'v-3', orderId: 'O-V', total: 5_000 }),
      identified({ at: shift(AT, 3), customerId: 'c-9', anonymousId: 'v-3' }),
      redeemed({ at: shift(AT, 4), customerId: 'c-9', redemptionId: 'RD-9', points: 100 }),
      merged({ at: shift(AT, 5), customerId: 'c-1', mergedCustomerId: 'c-9' }),
    ];
    const docs = foldDocuments(events);
    const v = view(readMerged(docs, 'c-1'));
    expect(v.status).toBe('active');
    expect(v.mergedInto).toBeNull();
    expect(v.window.purchases).toBe(3);
    expect(v.points).toMatchObject({ earned: 650, redeemed: 100, balance: 550 });
    // Tenure starts at the earliest registration of the person.
    expect(v.registeredAt).toBe(events[1]!.occurredAt);
    // Read as the retired id, it is still marked merged.
    expect(view(readMerged(docs, 'c-9')).status).toBe('merged');
  });

  it('Given related states repeated, reordered, or the primary itself among them, When merged, Then nothing changes', () => {
    const docs = foldDocuments([before, link, after, own]);
    const primary = docs.get(customerKey('c-2031'))!;
    const visitor = docs.get(visitorKey('v-77f'))!;
    const once = mergeLoyaltyStates(primary, [visitor]);
    expect(mergeLoyaltyStates(primary, [visitor, visitor, primary])).toEqual(once);
    expect(mergeLoyaltyStates(once, [visitor])).toEqual(once);
  });

  it('Given customer and visitor documents that each compacted old purchases, When merged, Then the sums add up and views are exact from the later horizon', () => {
    const small = { ...DEFAULT_LOYALTY_POLICY, horizonDays: 30 };
    const fold = (key: string, events: RecordedEvent[]) =>
      events.reduce(
        (s, e, i) => evolveLoyalty(s, positioned(e, i), key, small),
        initialLoyaltyState(key),
      );
    const customer = fold(customerKey('c-2031'), [
      purchase({ at: AT, customerId: 'c-2031', orderId: 'O-1', total: 10_000 }),
      purchase({ at: shift(AT, 100), customerId: 'c-2031', orderId: 'O-2', total: 20_000 }),
      identified({ at: AT, customerId: 'c-2031', anonymousId: 'v-77f' }),
    ]);
    const visitor = fold(visitorKey('v-77f'), [
      purchase({ at: shift(AT, -50), anonymousId: 'v-77f', orderId: 'O-3', total: 40_000 }),
      purchase({ at: shift(AT, 50), anonymousId: 'v-77f', orderId: 'O-4', total: 80_000 }),
    ]);
    expect([customer.purchases.length, visitor.purchases.length]).toEqual([1, 1]);
    const merged = mergeLoyaltyStates(customer, [visitor]);
    const v = loyaltyView(merged, new Date(shift(AT, 100)), small);
    expect(v.points).toMatchObject({ earned: 1_500, balance: 1_500, opening: { earned: 1_300 } });
    expect(v.points.ledger.map((l) => l.reference)).toEqual(['O-2']);
    expect(v.lifetime.purchases).toBe(4);
    expect(v.window.purchases).toBe(4);
    expect(v.horizon.exactFrom).toBe(new Date(customer.exactFromMs ?? 0).toISOString());
  });

  describe('erasure (SCENARIOS 8)', () => {
    const erasure = erased({ at: shift(AT, 10), customerId: 'c-2031' });

    it('Given an erased customer with a linked visitor, When merged, Then only the tombstone is shown', () => {
      const docs = foldDocuments([before, link, after, own, erasure]);
      const merged = readMerged(docs, 'c-2031');
      const v = view(merged);
      expect(v.status).toBe('erased');
      expect(v.points.ledger).toEqual([]);
      expect(v.window.purchases).toBe(0);
      expect(merged.purchases).toEqual([]);
      expect(merged.linkedVisitors).toEqual([]);
    });

    it('Given the erasure first and the history replayed after it, When merged, Then nothing comes back', () => {
      const docs = foldDocuments([erasure, before, link, after, own, before, link, own]);
      expect(canonical(readMerged(docs, 'c-2031'))).toBe(
        canonical(readMerged(foldDocuments([before, link, after, own, erasure]), 'c-2031')),
      );
    });

    it('Given an absorbed customer erased, When the survivor is read, Then the person is erased', () => {
      const docs = foldDocuments([
        purchase({ at: AT, customerId: 'c-1', orderId: 'O-1', total: 100 }),
        purchase({ at: AT, customerId: 'c-9', orderId: 'O-9', total: 100 }),
        merged({ at: shift(AT, 1), customerId: 'c-1', mergedCustomerId: 'c-9' }),
        erased({ at: shift(AT, 2), customerId: 'c-9' }),
      ]);
      expect(view(readMerged(docs, 'c-1')).status).toBe('erased');
    });
  });
});

// ---- properties ---------------------------------------------------------------------------------

const BASE = Date.parse('2025-01-01T00:00:00Z');
const instant = fc
  .integer({ min: 0, max: 200 })
  .map((d) => new Date(BASE + d * 86_400_000).toISOString().replace('.000Z', 'Z'));

type Draft = (eventId: string) => RecordedEvent;
const CUSTOMERS = ['c-1', 'c-9'] as const;
const VISITORS = ['v-1', 'v-2', 'v-3'] as const;

/** Facts of one person under any of their identities; visitors only ever buy (the contract). */
const fact: fc.Arbitrary<Draft> = fc.oneof(
  fc
    .record({
      at: instant,
      who: fc.constantFrom<string>(...CUSTOMERS, ...VISITORS),
      order: fc.integer({ min: 1, max: 8 }),
      total: fc.integer({ min: 0, max: 90_000 }),
    })
    .map(
      ({ at, who, order, total }): Draft =>
        (eventId) =>
          purchase({
            at,
            eventId,
            orderId: `O-${order}`,
            total,
            ...(who.startsWith('v-') ? { anonymousId: who } : { customerId: who }),
          }),
    ),
  fc
    .record({
      at: instant,
      who: fc.constantFrom(...CUSTOMERS),
      order: fc.integer({ min: 1, max: 8 }),
      amount: fc.integer({ min: 0, max: 50_000 }),
    })
    .map(
      ({ at, who, order, amount }): Draft =>
        (eventId) =>
          refund({ at, eventId, customerId: who, orderId: `O-${order}`, refundId: 'R-1', amount }),
    ),
  fc
    .record({
      at: instant,
      who: fc.constantFrom(...CUSTOMERS),
      no: fc.integer({ min: 1, max: 3 }),
      points: fc.integer({ min: 1, max: 900 }),
    })
    .map(
      ({ at, who, no, points }): Draft =>
        (eventId) =>
          redeemed({ at, eventId, customerId: who, redemptionId: `RD-${no}`, points }),
    ),
  fc
    .record({
      at: instant,
      who: fc.constantFrom(...CUSTOMERS),
      points: fc.integer({ min: 1, max: 500 }),
    })
    .map(
      ({ at, who, points }): Draft =>
        (eventId) =>
          adjusted({ at, eventId, customerId: who, adjustmentId: `A-${who}`, points, reason: 'x' }),
    ),
  fc.record({ at: instant, who: fc.constantFrom(...CUSTOMERS) }).map(
    ({ at, who }): Draft =>
      (eventId) =>
        registered({ at, eventId, customerId: who }),
  ),
);

/** The links that make c-1, c-9, v-1, v-2 and v-3 one person, at generated times. */
const links = fc
  .tuple(instant, instant, instant, instant)
  .map(([a, b, c, d]) => [
    (id: string) => identified({ at: a, eventId: id, customerId: 'c-1', anonymousId: 'v-1' }),
    (id: string) => identified({ at: b, eventId: id, customerId: 'c-1', anonymousId: 'v-2' }),
    (id: string) => identified({ at: c, eventId: id, customerId: 'c-9', anonymousId: 'v-3' }),
    (id: string) => merged({ at: d, eventId: id, customerId: 'c-1', mergedCustomerId: 'c-9' }),
  ]);

const person = fc
  .tuple(
    fc.array(fact, { maxLength: 30 }),
    links,
    fc.option(fc.record({ at: instant, who: fc.constantFrom(...CUSTOMERS) }), { freq: 5 }),
  )
  .map(([facts, linkDrafts, erasure]) => {
    const factEvents = facts.map((d, i) => d(uuid(i + 1)));
    const linkEvents = linkDrafts.map((d, i) => d(uuid(500 + i)));
    const erasureEvents =
      erasure === null
        ? []
        : [erased({ at: erasure.at, eventId: uuid(900), customerId: erasure.who })];
    return { factEvents: [...factEvents, ...erasureEvents], linkEvents };
  });

/** The same facts as if every channel had always known the person as c-1. */
function oracle(factEvents: readonly RecordedEvent[]): LoyaltyState {
  const key = customerKey('c-1');
  let state = initialLoyaltyState(key);
  factEvents.forEach((event, i) => {
    const { anonymousId: _a, ...rest } = event;
    const asC1 = { ...rest, customerId: 'c-1' } as RecordedEvent;
    state = evolveLoyalty(state, positioned(asC1, i), key, DEFAULT_LOYALTY_POLICY);
  });
  return state;
}

const asOfArb = fc.integer({ min: 0, max: 600 }).map((d) => new Date(BASE + d * 86_400_000));

describe('mergeLoyaltyStates properties', () => {
  it('Given one person spread over customer, absorbed and visitor documents in any arrival order, When merged, Then the view equals folding everything as c-1', () => {
    fc.assert(
      fc.property(
        person.chain(({ factEvents, linkEvents }) =>
          fc.tuple(
            fc.constant(factEvents),
            fc.shuffledSubarray([...factEvents, ...linkEvents], {
              minLength: factEvents.length + linkEvents.length,
              maxLength: factEvents.length + linkEvents.length,
            }),
          ),
        ),
        asOfArb,
        ([factEvents, arrival], asOf) => {
          const merged = readMerged(foldDocuments(arrival), 'c-1');
          const expected = oracle(factEvents);
          expect(canonical(loyaltyView(merged, asOf, DEFAULT_LOYALTY_POLICY))).toBe(
            canonical(loyaltyView(expected, asOf, DEFAULT_LOYALTY_POLICY)),
          );
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
          const base = mergeLoyaltyStates(primary, related);
          const reordered = [...related].reverse();
          const repeats = picks.map((p) => related[p % related.length]!);
          expect(canonical(mergeLoyaltyStates(primary, [...reordered, ...repeats]))).toBe(
            canonical(base),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('Given any two states, When joined, Then the join is commutative, associative and idempotent', () => {
    // Disjoint event ids per state: one id always names one event, as in the log.
    const stateArb = (k: number) =>
      fc
        .tuple(fc.array(fact, { maxLength: 12 }), fc.option(instant, { freq: 6 }))
        .map(([drafts, erasureAt]) => {
          const events = drafts.map((d, i) => d(uuid(1000 * k + i + 1)));
          return oracle(
            erasureAt === null
              ? events
              : [...events, erased({ at: erasureAt, eventId: uuid(1000 * k + 999) })],
          );
        });
    fc.assert(
      fc.property(stateArb(1), stateArb(2), stateArb(3), (a, b, c) => {
        expect(canonical(joinLoyaltyStates(a, b))).toBe(canonical(joinLoyaltyStates(b, a)));
        expect(canonical(joinLoyaltyStates(joinLoyaltyStates(a, b), c))).toBe(
          canonical(joinLoyaltyStates(a, joinLoyaltyStates(b, c))),
        );
        expect(canonical(joinLoyaltyStates(a, a))).toBe(canonical(a));
      }),
      { numRuns: 200 },
    );
  });
});
