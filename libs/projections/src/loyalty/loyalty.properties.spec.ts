import fc from 'fast-check';
import { type RecordedEvent, stableStringify, validateRecordedEvent } from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import {
  adjusted,
  callLogged,
  complaintOpened,
  complaintResolved,
  erased,
  feedback,
  foldFor,
  merged,
  purchase,
  redeemed,
  refund,
  registered,
  uuid,
} from './loyalty.fixtures';
import {
  DEFAULT_LOYALTY_POLICY,
  DAY_MS,
  type LoyaltyPolicy,
  type LoyaltyTierRule,
} from './loyalty.policy';
import { evolveLoyalty, initialLoyaltyState, loyaltyKeys } from './loyalty.projection';
import { type LoyaltyState } from './loyalty.types';
import { loyaltyView } from './loyalty.view';

const BASE_MS = Date.parse('2023-01-01T00:00:00Z');
const SPAN_DAYS = 800;
const OFFSETS = [0, 480, -300];

/** The same instant can be written with different offsets; the model must only see the instant. */
function isoAt(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  if (offsetMin === 0) return `${local}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

// Day granularity with two hours a day makes equal instants and exact window boundaries
// (a purchase aging out at the very instant of another event) common rather than rare.
const instant = fc
  .record({
    // Half the events cluster in two months so that windows fill up and tiers move.
    day: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: SPAN_DAYS })),
    half: fc.boolean(),
    offset: fc.constantFrom(...OFFSETS),
  })
  .map(({ day, half, offset }) =>
    isoAt(BASE_MS + day * DAY_MS + (half ? 12 * 3_600_000 : 0), offset),
  );

type Draft = (eventId: string) => RecordedEvent;

const draft: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 1,
    arbitrary: instant.map(
      (at): Draft =>
        (eventId) =>
          registered({ at, eventId }),
    ),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({
        at: instant,
        order: fc.integer({ min: 1, max: 14 }),
        total: fc.integer({ min: 0, max: 200_000 }),
        currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'USD', 'JPY'),
      })
      .map(
        ({ at, order, total, currency }): Draft =>
          (eventId) =>
            purchase({ at, eventId, orderId: `O-${order}`, total, currency }),
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        at: instant,
        order: fc.integer({ min: 1, max: 15 }),
        refundNo: fc.integer({ min: 1, max: 3 }),
        amount: fc.integer({ min: 0, max: 100_000 }),
        currency: fc.constantFrom('CNY', 'CNY', 'USD'),
      })
      .map(
        ({ at, order, refundNo, amount, currency }): Draft =>
          (eventId) =>
            refund({
              at,
              eventId,
              orderId: `O-${order}`,
              refundId: `R-${refundNo}`,
              amount,
              currency,
            }),
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        at: instant,
        no: fc.integer({ min: 1, max: 3 }),
        points: fc.integer({ min: 1, max: 3_000 }),
      })
      .map(
        ({ at, no, points }): Draft =>
          (eventId) =>
            redeemed({ at, eventId, redemptionId: `RD-${no}`, points, reward: 'voucher' }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        at: instant,
        no: fc.integer({ min: 1, max: 3 }),
        points: fc.integer({ min: -2_000, max: 2_000 }).filter((p) => p !== 0),
        complaint: fc.option(fc.constantFrom('K-1', 'K-2'), { nil: undefined }),
      })
      .map(
        ({ at, no, points, complaint }): Draft =>
          (eventId) =>
            adjusted({
              at,
              eventId,
              adjustmentId: `A-${no}`,
              points,
              reason: 'Goodwill',
              complaintId: complaint,
            }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        at: instant,
        complaint: fc.constantFrom('K-1', 'K-2'),
        points: fc.option(fc.integer({ min: 1, max: 1_000 }), { nil: undefined }),
      })
      .map(
        ({ at, complaint, points }): Draft =>
          (eventId) =>
            complaintResolved({ at, eventId, complaintId: complaint, points }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ at: instant, survivor: fc.boolean() }).map(
      ({ at, survivor }): Draft =>
        (eventId) =>
          survivor
            ? merged({ at, eventId, customerId: 'c-1', mergedCustomerId: 'c-9' })
            : merged({ at, eventId, customerId: 'c-8', mergedCustomerId: 'c-1' }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ at: instant, kind: fc.integer({ min: 0, max: 2 }) }).map(
      ({ at, kind }): Draft =>
        (eventId) =>
          kind === 0
            ? callLogged({ at, eventId })
            : kind === 1
              ? feedback({ at, eventId, csat: 4 })
              : complaintOpened({ at, eventId, complaintId: 'K-1' }),
    ),
  },
);

/** A customer's stream with unique event ids; optionally an erasure somewhere in it. */
const stream = (withErasure: boolean): fc.Arbitrary<RecordedEvent[]> =>
  fc
    .tuple(
      fc.array(draft, { minLength: 0, maxLength: 40, size: 'max' }),
      withErasure ? fc.option(instant, { nil: undefined, freq: 4 }) : fc.constant(undefined),
    )
    .map(([drafts, erasureAt]) => {
      const events = drafts.map((d, i) => d(uuid(i + 1)));
      if (erasureAt !== undefined) events.push(erased({ at: erasureAt, eventId: uuid(999) }));
      return events;
    });

const asOfArb = fc
  .integer({ min: -30, max: SPAN_DAYS + 400 })
  .map((d) => new Date(BASE_MS + d * DAY_MS + 6 * 3_600_000));

const V2: LoyaltyPolicy = {
  ...DEFAULT_LOYALTY_POLICY,
  version: 'v2',
  windowDays: 90,
  earning: { pointsPerMajorUnit: 3, rounding: 'half_up' },
};
/** Low thresholds so that short generated streams move through every tier, often. */
const EASY: LoyaltyPolicy = {
  ...DEFAULT_LOYALTY_POLICY,
  version: 'easy',
  windowDays: 120,
  tiers: [
    { ...(DEFAULT_LOYALTY_POLICY.tiers[0] as LoyaltyTierRule) },
    { ...(DEFAULT_LOYALTY_POLICY.tiers[1] as LoyaltyTierRule), minPurchases: 2, minSpend: 5_000 },
    {
      ...(DEFAULT_LOYALTY_POLICY.tiers[2] as LoyaltyTierRule),
      minPurchases: 3,
      minSpend: 20_000,
      minTenureDays: 60,
    },
  ],
};
const policyArb = fc.constantFrom(DEFAULT_LOYALTY_POLICY, V2, EASY, EASY);

const KEY = customerKey('c-1');
/**
 * These properties are about the detail logic (order, duplicates, batches, asOf), so they fold
 * with a horizon wider than the generated span: nothing is compacted and the state does not
 * depend on the policy a view reads it with. Compaction has its own properties against an
 * unbounded reference (loyalty.horizon.spec.ts).
 */
const WIDE: LoyaltyPolicy = { ...DEFAULT_LOYALTY_POLICY, horizonDays: 3_650 };
const fold = (events: readonly RecordedEvent[], from?: LoyaltyState): LoyaltyState =>
  foldFor('c-1', events, WIDE, from);
const canonical = (value: unknown): string => stableStringify(value);

describe('loyalty properties', () => {
  it('Given generated streams, When validated against the contract, Then every event is valid', () => {
    fc.assert(
      fc.property(stream(true), (events) => {
        for (const event of events) {
          const result = validateRecordedEvent(JSON.parse(JSON.stringify(event)));
          if (!result.ok) throw new Error(JSON.stringify(result.violations));
        }
      }),
      { numRuns: 50 },
    );
  });

  it("(a) Given any re-ordering of a customer's events, When folded, Then state and view are the same", () => {
    fc.assert(
      fc.property(
        stream(true).chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
          ),
        ),
        asOfArb,
        policyArb,
        ([events, shuffled], asOf, policy) => {
          const a = fold(events);
          const b = fold(shuffled);
          expect(canonical(b)).toBe(canonical(a));
          expect(canonical(loyaltyView(b, asOf, policy))).toBe(
            canonical(loyaltyView(a, asOf, policy)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(b) Given any event delivered twice, When folded, Then nothing changes', () => {
    fc.assert(
      fc.property(
        stream(true).filter((e) => e.length > 0),
        fc.nat(),
        fc.nat(),
        (events, pick, at) => {
          const dup = events[pick % events.length] as RecordedEvent;
          const position = at % (events.length + 1);
          const twice = [...events.slice(0, position), dup, ...events.slice(position)];
          expect(canonical(fold(twice))).toBe(canonical(fold(events)));
          // And right after itself: the second delivery is a no-op on the very same object.
          const once = fold(events);
          if (loyaltyKeys(dup).includes(KEY)) {
            const again = evolveLoyalty(
              once,
              { event: dup, position: { partition: 0, offset: '1' } },
              KEY,
              WIDE,
            );
            expect(again).toBe(once);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(c) Given a stream split into arbitrary chunks with JSON round-trips between them, When folded, Then the state equals one fold', () => {
    fc.assert(
      fc.property(stream(true), fc.array(fc.nat(), { maxLength: 6 }), (events, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (events.length + 1)))].sort(
          (x, y) => x - y,
        );
        let state: LoyaltyState = initialLoyaltyState(KEY);
        let start = 0;
        for (const cut of [...cuts, events.length]) {
          state = JSON.parse(JSON.stringify(fold(events.slice(start, cut), state))) as LoyaltyState;
          start = cut;
        }
        expect(state).toEqual(fold(events));
        expect(canonical(state)).toBe(canonical(fold(events)));
      }),
      { numRuns: 300 },
    );
  });

  it('(d) Given any asOf, When read, Then tier and view depend only on events that occurred at or before asOf', () => {
    // Erasure is excluded on purpose: it wipes the account for every instant, past ones included.
    fc.assert(
      fc.property(stream(false), asOfArb, policyArb, (events, asOf, policy) => {
        const seen = events.filter((e) => Date.parse(e.occurredAt) <= asOf.getTime());
        const full = loyaltyView(fold(events), asOf, policy);
        const past = loyaltyView(fold(seen), asOf, policy);
        expect(full.tier).toBe(past.tier);
        expect(canonical(full)).toBe(canonical(past));
      }),
      { numRuns: 300 },
    );
  });

  it('Given any stream, When read, Then the tier agrees with its history and the ledger is time-ordered and adds up', () => {
    fc.assert(
      fc.property(stream(false), asOfArb, policyArb, (events, asOf, policy) => {
        const v = loyaltyView(fold(events), asOf, policy);
        expect(v.tier).toBe(v.tierHistory.at(-1)?.to ?? policy.tiers[0]?.name);
        const p = v.points;
        expect(p.balance).toBe(p.earned - p.reversed - p.redeemed + p.adjusted);
        expect(p.opening.balance).toBe(0);
        expect(p.balance).toBe(p.ledger.reduce((sum, l) => sum + l.points, 0));
        expect(p.ledger.at(-1)?.balanceAfter ?? 0).toBe(p.balance);
        // Event-time order, ties by eventId, whatever order the events arrived in.
        const keys = p.ledger.map((l) => [Date.parse(l.occurredAt), l.eventId] as const);
        const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
        expect(keys).toEqual(sorted);
        // Never silently negative: every dip below zero by a debit is reported.
        const dips = p.ledger
          .filter((l) => l.points < 0 && l.balanceAfter < 0)
          .map((l) => l.eventId);
        const reported = v.anomalies
          .filter(
            (a) => a.kind === 'redemption_exceeds_balance' || a.kind === 'debit_exceeds_balance',
          )
          .map((a) => a.eventId);
        expect(reported).toEqual(dips);
        // The history's incremental figures agree with a direct reading at each change instant.
        const state = fold(events);
        for (const c of v.tierHistory) {
          const then = loyaltyView(state, new Date(c.at), policy);
          expect([then.tier, then.window.purchases, then.window.spend]).toEqual([
            c.to,
            c.figures.purchases,
            c.figures.spend,
          ]);
        }
        // Changes alternate direction consistently: each starts where the previous ended.
        v.tierHistory.forEach((c, i) => {
          expect(c.from).toBe(i === 0 ? policy.tiers[0]?.name : v.tierHistory[i - 1]?.to);
          expect(c.causes.length).toBeGreaterThan(0);
        });
      }),
      { numRuns: 300 },
    );
  });
});
