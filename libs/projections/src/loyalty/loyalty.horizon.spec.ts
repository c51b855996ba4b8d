import fc from 'fast-check';
import { type RecordedEvent, stableStringify } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import { customerKey } from '../projection.types';
import { DAY_MS } from './loyalty.calendar';
import {
  adjusted,
  complaintResolved,
  positioned,
  purchase,
  redeemed,
  refund,
  registered,
  uuid,
} from './loyalty.fixtures';
import { DEFAULT_LOYALTY_POLICY, type LoyaltyPolicy, type LoyaltyTierRule } from './loyalty.policy';
import {
  evolveLoyaltyBatch,
  initialLoyaltyState,
  loyaltyBeyondHorizon,
  loyaltyKeys,
} from './loyalty.projection';
import { type LoyaltyState, type LoyaltyView } from './loyalty.types';
import { loyaltyView } from './loyalty.view';
import {
  evolveLoyalty as referenceEvolve,
  initialLoyaltyState as referenceInitial,
} from './reference/loyalty.projection.reference';
import { type LoyaltyState as ReferenceState } from './reference/loyalty.types.reference';
import { loyaltyView as referenceView } from './reference/loyalty.view.reference';

/*
 * The bounded model against the unbounded reference (today's model before bounded documents,
 * copied under reference/), over histories of six years with horizons of weeks and detail caps
 * of a dozen events, so compaction happens in nearly every run.
 *
 * The one change by design: the window counts whole calendar days of the policy time zone
 * (purchases of the W local days ending with asOf's day, up to asOf) where the reference counts
 * the 24-hour spans (asOf - W days, asOf]. The generated purchases happen at UTC midnight and the
 * policy zone is UTC, where the two agree exactly: for p = k days and t = m days + f (0 <= f < 1
 * day), "p > t - W days" holds iff k > m - W + f/day iff k >= m - W + 1, which is the calendar
 * rule; the exit instant p + W days is the start of day k + W in both. Refunds, redemptions,
 * adjustments and registrations happen at any hour. The difference itself is shown by the view
 * specs (a purchase at 04:00 leaves the window at midnight, not at 04:00).
 *
 * Cases outside exactness (documented on `evolveLoyaltyBatch` and `compact`; the first is counted
 * by `beyondHorizon`): a duplicate or re-sent report of an event older than the horizon when it
 * arrives, and a refund whose order was compacted before the two met. Runs that contain one are discarded (fc.pre),
 * detected from the state before each batch.
 */

const BASE = Date.parse('2019-01-01T00:00:00Z');
const SPAN_DAYS = 6 * 365;
const KEY = customerKey('c-1');

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

// Bursts of activity a few months long, years apart, so windows fill up and empty again.
const dayArb = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 120 }))
  .map(([burst, day]) => Math.min(SPAN_DAYS, burst * 400 + day));

interface Plan {
  readonly purchases: { day: number; total: number; currency: string }[];
  readonly refunds: { order: number; delay: number; hour: number; share: number; no: number }[];
  readonly foreignRefunds: number[];
  readonly points: { day: number; hour: number; points: number; kind: 0 | 1 | 2 }[];
  readonly registrationDay: number | null;
  readonly resend: number[];
  readonly duplicate: number[];
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  purchases: fc.array(
    fc.record({
      day: dayArb,
      total: fc.integer({ min: 0, max: 60_000 }),
      currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'USD', 'JPY'),
    }),
    { maxLength: 35 },
  ),
  refunds: fc.array(
    fc.record({
      order: fc.nat(),
      delay: fc.integer({ min: 0, max: 12 }),
      hour: fc.integer({ min: 0, max: 23 }),
      share: fc.integer({ min: 1, max: 12 }),
      no: fc.integer({ min: 1, max: 2 }),
    }),
    { maxLength: 12 },
  ),
  foreignRefunds: fc.array(dayArb, { maxLength: 2 }),
  points: fc.array(
    fc.record({
      day: dayArb,
      hour: fc.integer({ min: 0, max: 23 }),
      points: fc.integer({ min: 1, max: 3_000 }),
      kind: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    }),
    { maxLength: 14 },
  ),
  registrationDay: fc.option(dayArb, { nil: null }),
  resend: fc.array(fc.nat(), { maxLength: 4 }),
  duplicate: fc.array(fc.nat(), { maxLength: 6 }),
});

/** The distinct events of a plan (re-sent reports included), then the arrival extras. */
function eventsOf(plan: Plan): { unique: RecordedEvent[]; duplicates: RecordedEvent[] } {
  let n = 0;
  const id = (): string => uuid(++n);
  const unique: RecordedEvent[] = [];
  const orders = plan.purchases.map((p, i) => ({ ...p, orderId: `O-${i + 1}` }));
  for (const o of orders) {
    const at = iso(BASE + o.day * DAY_MS);
    unique.push(
      purchase({ at, eventId: id(), orderId: o.orderId, total: o.total, currency: o.currency }),
    );
  }
  for (const r of plan.refunds) {
    const o = orders[r.order % Math.max(1, orders.length)];
    if (o === undefined) continue;
    const at = iso(BASE + (o.day + r.delay) * DAY_MS + r.hour * 3_600_000);
    // Shares of 1..12 tenths: partial refunds, whole ones and ones above the order.
    const amount = Math.floor((o.total * r.share) / 10);
    const currency = r.share === 7 ? (o.currency === 'USD' ? 'CNY' : 'USD') : o.currency;
    unique.push(
      refund({ at, eventId: id(), orderId: o.orderId, refundId: `R-${r.no}`, amount, currency }),
    );
  }
  plan.foreignRefunds.forEach((day, i) => {
    const at = iso(BASE + day * DAY_MS + 5 * 3_600_000);
    unique.push(refund({ at, eventId: id(), orderId: `X-${i}`, refundId: 'R-1', amount: 100 }));
  });
  plan.points.forEach((p, i) => {
    const at = iso(BASE + p.day * DAY_MS + p.hour * 3_600_000);
    if (p.kind === 0) {
      unique.push(redeemed({ at, eventId: id(), redemptionId: `RD-${i}`, points: p.points }));
    } else if (p.kind === 1) {
      const points = p.points % 2 === 0 ? p.points : -p.points;
      unique.push(
        adjusted({ at, eventId: id(), adjustmentId: `A-${i}`, points, reason: 'Goodwill' }),
      );
    } else {
      unique.push(
        complaintResolved({ at, eventId: id(), complaintId: `K-${i}`, points: p.points }),
      );
    }
  });
  if (plan.registrationDay !== null) {
    unique.push(
      registered({ at: iso(BASE + plan.registrationDay * DAY_MS + 3_600_000), eventId: id() }),
    );
  }
  // Another report of the same business fact under a new eventId, the same day or a bit later.
  for (const pick of plan.resend) {
    const original = unique[pick % Math.max(1, unique.length)];
    if (original === undefined || original.type === 'customer.registered') continue;
    const eventId = id();
    const later = iso(Date.parse(original.occurredAt) + (pick % 3) * DAY_MS);
    unique.push({ ...original, eventId, correlationId: eventId, occurredAt: later });
  }
  const duplicates = plan.duplicate
    .map((pick) => unique[pick % Math.max(1, unique.length)])
    .filter((e): e is RecordedEvent => e !== undefined);
  return { unique, duplicates };
}

function businessKey(e: RecordedEvent): string | null {
  if (e.type === 'purchase.completed') return `p:${e.payload.orderId}`;
  if (e.type === 'purchase.refunded') return `r:${e.payload.orderId}\u0000${e.payload.refundId}`;
  if (e.type === 'loyalty.points_redeemed') return `d:${e.payload.redemptionId}`;
  if (e.type === 'loyalty.points_adjusted') return `a:${e.payload.adjustmentId}`;
  if (e.type === 'complaint.resolved') return `a:complaint:${e.payload.complaintId}`;
  return null;
}

/** The error code a read fails with, if it fails with an AppError. */
function failure(read: () => unknown): string | undefined {
  try {
    read();
  } catch (e) {
    return e instanceof AppError ? e.code : undefined;
  }
  return undefined;
}

function detailKeys(s: LoyaltyState): Set<string> {
  return new Set([
    ...s.purchases.map((p) => `p:${p.orderId}`),
    ...s.refunds.map((r) => `r:${r.orderId}\u0000${r.refundId}`),
    ...s.redemptions.map((r) => `d:${r.redemptionId}`),
    ...s.adjustments.map((a) => `a:${a.adjustmentKey}`),
  ]);
}

/**
 * Folds the arrival order in batches as the runner does (JSON between batches: the stored
 * document), or undefined when the run leaves exactness: a fact reported again after its detail
 * was compacted, or a refund and its order that were never in detail together.
 */
function foldBounded(
  arrival: readonly RecordedEvent[],
  cuts: readonly number[],
  policy: LoyaltyPolicy,
): LoyaltyState | undefined {
  let state = initialLoyaltyState(KEY);
  const seen = new Set<string>();
  let start = 0;
  for (const cut of [...cuts, arrival.length]) {
    const batch = arrival.slice(start, cut).filter((e) => loyaltyKeys(e).includes(KEY));
    start = cut;
    const inDetail = detailKeys(state);
    for (const e of batch) {
      const key = businessKey(e);
      if (key === null) continue;
      if (seen.has(key) && (!inDetail.has(key) || loyaltyBeyondHorizon(state, positioned(e)))) {
        return undefined;
      }
      if (e.type === 'purchase.refunded' && seen.has(`p:${e.payload.orderId}`)) {
        if (!inDetail.has(`p:${e.payload.orderId}`)) return undefined;
      }
      if (e.type === 'purchase.completed') {
        const prefix = `r:${e.payload.orderId}\u0000`;
        for (const k of seen) if (k.startsWith(prefix) && !inDetail.has(k)) return undefined;
      }
    }
    for (const e of batch) {
      const key = businessKey(e);
      if (key !== null) seen.add(key);
    }
    if (batch.length === 0) continue;
    const next = evolveLoyaltyBatch(
      state,
      batch.map((e, i) => positioned(e, i)),
      KEY,
      policy,
    );
    state = JSON.parse(JSON.stringify(next)) as LoyaltyState;
  }
  return state;
}

function foldReference(events: readonly RecordedEvent[], policy: LoyaltyPolicy): ReferenceState {
  let state = referenceInitial(KEY);
  events.forEach((e, i) => {
    state = referenceEvolve(state, positioned(e, i), KEY, policy);
  });
  return state;
}

/** Lifetime figures of the reference state at asOf, written out directly (no window). */
function referenceLifetime(s: ReferenceState, asOfMs: number, policy: LoyaltyPolicy) {
  let purchases = 0;
  let spend = 0;
  const other = new Map<string, number>();
  for (const p of s.purchases) {
    if (p.atMs > asOfMs) continue;
    const refunds = s.refunds.filter(
      (r) => r.orderId === p.orderId && r.atMs <= asOfMs && r.currency === p.currency,
    );
    const refunded = Math.min(
      refunds.reduce((sum, r) => sum + r.amount, 0),
      p.amount,
    );
    if (refunded > 0 && refunded >= p.amount) continue;
    purchases += 1;
    if (p.currency === policy.spendCurrency) spend += p.amount - refunded;
    else other.set(p.currency, (other.get(p.currency) ?? 0) + p.amount - refunded);
  }
  const otherCurrencies = [...other]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amount]) => ({ currency, amount }));
  return { currency: policy.spendCurrency, purchases, spend, otherCurrencies };
}

const sortedJson = (list: readonly unknown[]): string[] =>
  list.map((x) => stableStringify(x)).sort();

/** Every figure the bounded view promises exact, against the reference view of the same asOf. */
function expectExact(
  bounded: LoyaltyState,
  reference: ReferenceState,
  times: ReadonlyMap<string, number>,
  asOf: Date,
  policy: LoyaltyPolicy,
): void {
  const v: LoyaltyView = loyaltyView(bounded, asOf, policy);
  const r = referenceView(reference, asOf, policy);
  const exactFrom = bounded.exactFromMs ?? -Infinity;
  // All-time figures.
  const { ledger: _l, opening, ...points } = v.points;
  const { ledger: refLedger, ...refPoints } = r.points;
  expect(points).toEqual(refPoints);
  expect(v.lifetime).toEqual(referenceLifetime(reference, asOf.getTime(), policy));
  // The window, the tier and what follows from them.
  expect([v.tier, v.window.purchases, v.window.spend, v.window.otherCurrencies]).toEqual([
    r.tier,
    r.window.purchases,
    r.window.spend,
    r.window.otherCurrencies,
  ]);
  expect([v.status, v.mergedInto, v.registeredAt, v.tenureDays, v.outreach]).toEqual([
    r.status,
    r.mergedInto,
    r.registeredAt,
    r.tenureDays,
    r.outreach,
  ]);
  // The ledger from the horizon on, with its running balances; what is before it, summed.
  const after = refLedger.filter((l) => Date.parse(l.occurredAt) >= exactFrom);
  expect(v.points.ledger).toEqual(after);
  const before = refLedger.slice(0, refLedger.length - after.length);
  expect(opening.balance).toBe(before.reduce((sum, l) => sum + l.points, 0));
  // Tier changes after the horizon, and the tier at it.
  const strip = (c: {
    at: string;
    from: string;
    to: string;
    direction: string;
    figures: unknown;
  }) => [c.at, c.from, c.to, c.direction, c.figures] as const;
  expect(v.tierHistory.map(strip)).toEqual(
    r.tierHistory.filter((c) => Date.parse(c.at) > exactFrom).map(strip),
  );
  if (bounded.exactFromMs === null) {
    expect(v.tierHistory).toEqual(r.tierHistory);
    expect(v.tierSince).toBe(r.tierSince);
  } else {
    const atHorizon = referenceView(reference, new Date(bounded.exactFromMs), policy);
    expect(v.horizon.tierAtExactFrom).toBe(atHorizon.tier);
    if (v.tierHistory.length === 0) {
      // Held since the horizon at least: the reference knows when it began (or that it never
      // changed), which is at or before the horizon.
      expect(v.tierSince).toBe(new Date(bounded.exactFromMs).toISOString());
      expect(r.tierSince === null || Date.parse(r.tierSince) <= bounded.exactFromMs).toBe(true);
    } else {
      expect(v.tierSince).toBe(r.tierSince);
    }
  }
  // Anomalies about detail still held; older ones were compacted with their events.
  const held = (id: string): boolean => (times.get(id) ?? -Infinity) >= exactFrom;
  const expected = r.anomalies.filter((a) =>
    'eventId' in a ? held(a.eventId) : a.eventIds.every(held),
  );
  expect(sortedJson(v.anomalies)).toEqual(sortedJson(expected));
}

const EASY_TIERS: readonly LoyaltyTierRule[] = [
  { ...(DEFAULT_LOYALTY_POLICY.tiers[0] as LoyaltyTierRule) },
  { ...(DEFAULT_LOYALTY_POLICY.tiers[1] as LoyaltyTierRule), minPurchases: 2, minSpend: 5_000 },
  {
    ...(DEFAULT_LOYALTY_POLICY.tiers[2] as LoyaltyTierRule),
    minPurchases: 4,
    minSpend: 30_000,
    minTenureDays: 90,
  },
];

const policyArb: fc.Arbitrary<LoyaltyPolicy> = fc
  .record({
    windowDays: fc.constantFrom(30, 90, 365),
    horizonDays: fc.constantFrom(15, 60, 200),
    maxDetailEvents: fc.constantFrom(10, 16, 40),
    earning: fc.constantFrom(DEFAULT_LOYALTY_POLICY.earning, {
      pointsPerMajorUnit: 3,
      rounding: 'half_up',
    } as const),
  })
  .map((p) => ({ ...DEFAULT_LOYALTY_POLICY, version: 'small', tiers: EASY_TIERS, ...p }));

const arrivalArb = planArb.chain((plan) => {
  const { unique, duplicates } = eventsOf(plan);
  const all = [...unique, ...duplicates];
  const byTime = [...all].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  return fc.record({
    unique: fc.constant(unique),
    arrival: fc.oneof(
      fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      // Nearly in time order, as a live log delivers: exercises refunds meeting their order.
      fc.constant(byTime),
    ),
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
  });
});

const cutsOf = (raw: readonly number[], length: number): number[] =>
  [...new Set(raw.map((c) => c % (length + 1)))].sort((a, b) => a - b);

describe('loyalty bounded model against the unbounded reference', () => {
  it('Given many years of history in any arrival order, batches and duplicates within the horizon, When folded with small horizons and caps, Then every all-time figure and every view from the horizon on equals the reference', () => {
    let compactedRuns = 0;
    fc.assert(
      fc.property(
        arrivalArb,
        policyArb,
        fc.integer({ min: 0, max: 400 }),
        ({ unique, arrival, cuts }, policy, late) => {
          const bounded = foldBounded(arrival, cutsOf(cuts, arrival.length), policy);
          fc.pre(bounded !== undefined);
          if (bounded === undefined) return;
          const reference = foldReference(unique, policy);
          const times = new Map(unique.map((e) => [e.eventId, Date.parse(e.occurredAt)]));
          if (bounded.exactFromMs !== null) compactedRuns += 1;
          const newest = bounded.newestMs ?? BASE;
          // The default read (now, at or after the newest event) and later ones.
          expectExact(bounded, reference, times, new Date(newest), policy);
          expectExact(
            bounded,
            reference,
            times,
            new Date(newest + late * DAY_MS + 7_200_000),
            policy,
          );
          if (bounded.exactFromMs !== null) {
            // Any instant from the horizon on is exact; before it, refused.
            const span = newest - bounded.exactFromMs;
            expectExact(
              bounded,
              reference,
              times,
              new Date(bounded.exactFromMs + Math.floor(span / 2)),
              policy,
            );
            expectExact(bounded, reference, times, new Date(bounded.exactFromMs), policy);
            const early = new Date(bounded.exactFromMs - 1);
            expect(failure(() => loyaltyView(bounded, early, policy))).toBe('as_of_beyond_horizon');
          }
        },
      ),
      { numRuns: 400 },
    );
    // The properties are about compaction: most runs must have compacted something.
    expect(compactedRuns).toBeGreaterThan(200);
  });

  it('Given the same events in two arrival orders and batch splits, When folded, Then the stored documents are identical', () => {
    fc.assert(
      fc.property(
        arrivalArb.chain((a) =>
          fc.tuple(
            fc.constant(a),
            fc.shuffledSubarray(a.arrival, {
              minLength: a.arrival.length,
              maxLength: a.arrival.length,
            }),
            fc.array(fc.nat(), { maxLength: 12 }),
          ),
        ),
        policyArb,
        ([{ arrival, cuts }, other, otherCuts], policy) => {
          const a = foldBounded(arrival, cutsOf(cuts, arrival.length), policy);
          const b = foldBounded(other, cutsOf(otherCuts, other.length), policy);
          fc.pre(a !== undefined && b !== undefined);
          expect(stableStringify(b)).toBe(stableStringify(a));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('loyalty horizon', () => {
  const SMALL: LoyaltyPolicy = { ...DEFAULT_LOYALTY_POLICY, horizonDays: 30, maxDetailEvents: 10 };
  const day = (d: number, hour = 0): string => iso(BASE + d * DAY_MS + hour * 3_600_000);
  const fold = (
    events: readonly RecordedEvent[],
    policy = SMALL,
    from = initialLoyaltyState(KEY),
  ) =>
    evolveLoyaltyBatch(
      from,
      events.map((e, i) => positioned(e, i)),
      KEY,
      policy,
    );

  it('Given detail older than the horizon, When folded, Then it is compacted and a late duplicate of it is reported beyond the horizon', () => {
    const old = purchase({ at: day(0), eventId: uuid(1), orderId: 'O-1', total: 10_000 });
    const recent = purchase({ at: day(100), eventId: uuid(2), orderId: 'O-2', total: 20_000 });
    const state = fold([old, recent]);
    expect(state.purchases.map((p) => p.orderId)).toEqual(['O-2']);
    expect(state.exactFromMs).toBe(BASE + 70 * DAY_MS);
    expect(state.compacted).toMatchObject({
      earned: 100,
      spend: [{ currency: 'CNY', purchases: 1, amount: 10_000 }],
    });
    expect(loyaltyBeyondHorizon(state, positioned(old))).toBe(true);
    expect(loyaltyBeyondHorizon(state, positioned(recent))).toBe(false);
    // Within the horizon a re-delivery is recognised: the very same state comes back.
    expect(fold([recent], SMALL, state)).toBe(state);
  });

  it('Given more detail events than the cap within the horizon, When folded, Then only the newest are kept and all-time points stay exact', () => {
    const events = Array.from({ length: 25 }, (_, i) =>
      purchase({ at: day(i), eventId: uuid(i + 1), orderId: `O-${i}`, total: 1_000 }),
    );
    const state = fold(events);
    expect(state.purchases).toHaveLength(10);
    const v = loyaltyView(state, new Date(BASE + 30 * DAY_MS), SMALL);
    expect(v.points).toMatchObject({ earned: 250, balance: 250, opening: { earned: 150 } });
    expect(v.points.ledger).toHaveLength(10);
    expect(v.lifetime.purchases).toBe(25);
    expect(v.window.purchases).toBe(25);
  });

  it('Given an asOf before the horizon, When read, Then the view refuses with as_of_beyond_horizon rather than approximating', () => {
    const state = fold([
      purchase({ at: day(0), eventId: uuid(1), orderId: 'O-1', total: 100 }),
      purchase({ at: day(100), eventId: uuid(2), orderId: 'O-2', total: 100 }),
    ]);
    let error: unknown;
    try {
      loyaltyView(state, new Date(BASE + 50 * DAY_MS), SMALL);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'as_of_beyond_horizon', category: 'validation' });
    expect(loyaltyView(state, new Date(BASE + 70 * DAY_MS), SMALL).horizon.exactFrom).toBe(
      iso(BASE + 70 * DAY_MS).replace('Z', '.000Z'),
    );
  });

  it('Given a document compacted under one window, When read with a policy of another window, Then it refuses rather than misreads the day sums', () => {
    const state = fold([
      purchase({ at: day(0), eventId: uuid(1), orderId: 'O-1', total: 100 }),
      purchase({ at: day(100), eventId: uuid(2), orderId: 'O-2', total: 100 }),
    ]);
    const other = { ...SMALL, windowDays: 90 };
    expect(failure(() => loyaltyView(state, new Date(BASE + 100 * DAY_MS), other))).toBe(
      'policy_mismatch',
    );
  });

  it('Given an order compacted while its refund is still in detail, When read between and after, Then the refund takes effect at its own instant', () => {
    const order = purchase({ at: day(0), eventId: uuid(1), orderId: 'O-1', total: 50_000 });
    const back = refund({
      at: day(40, 12),
      eventId: uuid(2),
      orderId: 'O-1',
      refundId: 'R-1',
      amount: 50_000,
    });
    const later = purchase({ at: day(60), eventId: uuid(3), orderId: 'O-2', total: 100 });
    const state = fold([later], SMALL, fold([order, back]));
    expect(state.purchases.map((p) => p.orderId)).toEqual(['O-2']);
    expect(state.refunds[0]?.order).toMatchObject({
      applied: 50_000,
      completes: true,
      points: 500,
    });
    const before = loyaltyView(state, new Date(BASE + 40 * DAY_MS), SMALL);
    const after = loyaltyView(state, new Date(BASE + 41 * DAY_MS), SMALL);
    expect([before.window.purchases, before.window.spend, before.points.balance]).toEqual([
      1, 50_000, 500,
    ]);
    expect([after.window.purchases, after.window.spend, after.points.balance]).toEqual([0, 0, 0]);
  });

  it('Given a refund that arrives after its order was compacted, When folded, Then it cannot be netted: it is reported and counted, never guessed', () => {
    const order = purchase({ at: day(0), eventId: uuid(1), orderId: 'O-1', total: 50_000 });
    const later = purchase({ at: day(60), eventId: uuid(3), orderId: 'O-2', total: 100 });
    const back = refund({
      at: day(40, 12),
      eventId: uuid(2),
      orderId: 'O-1',
      refundId: 'R-1',
      amount: 50_000,
    });
    const state = fold([back], SMALL, fold([order, later]));
    const v = loyaltyView(state, new Date(BASE + 60 * DAY_MS), SMALL);
    expect(v.points.reversed).toBe(0);
    expect(v.anomalies).toContainEqual(
      expect.objectContaining({ kind: 'refund_without_purchase', orderId: 'O-1' }),
    );
    const compacted = fold(
      [purchase({ at: day(200), eventId: uuid(4), orderId: 'O-3', total: 100 })],
      SMALL,
      state,
    );
    expect(
      loyaltyView(compacted, new Date(BASE + 200 * DAY_MS), SMALL).horizon.unmatchedRefunds,
    ).toBe(1);
  });
});
