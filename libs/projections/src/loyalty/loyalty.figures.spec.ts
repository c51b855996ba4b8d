import fc from 'fast-check';
import { type RecordedEvent } from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import {
  adjusted,
  complaintResolved,
  erased,
  merged,
  purchase,
  redeemed,
  refund,
  registered,
  uuid,
} from './loyalty.fixtures';
import { type LoyaltyFigures, loyaltyFigures } from './loyalty.figures';
import {
  DAY_MS,
  DEFAULT_LOYALTY_POLICY,
  type LoyaltyPolicy,
  type LoyaltyTierRule,
} from './loyalty.policy';
import { initialLoyaltyState, loyaltyProjection } from './loyalty.projection';
import { type LoyaltyState, type LoyaltyView } from './loyalty.types';
import { loyaltyView } from './loyalty.view';

const KEY = customerKey('c-1');
const BASE_MS = Date.parse('2023-01-01T00:00:00Z');

/** What the runner does: chunks through evolveBatch, a JSON round trip between them. */
function foldInChunks(
  events: readonly RecordedEvent[],
  policy: LoyaltyPolicy,
  chunk = 5,
): LoyaltyState {
  const mine = events.filter((e) => loyaltyProjection.keys(e).includes(KEY));
  let state = initialLoyaltyState(KEY);
  for (let i = 0; i < mine.length; i += chunk) {
    const slice = mine
      .slice(i, i + chunk)
      .map((event, j) => ({ event, position: { partition: 0, offset: String(i + j) } }));
    state = loyaltyProjection.evolveBatch!(state, slice, KEY, policy);
    state = JSON.parse(JSON.stringify(state)) as LoyaltyState;
  }
  return state;
}

/** The runner's `figures.asOf`: the newest event time among the document's events. */
const newestOf = (events: readonly RecordedEvent[]): Date =>
  new Date(
    Math.max(
      ...events
        .filter((e) => loyaltyProjection.keys(e).includes(KEY))
        .map((e) => Date.parse(e.occurredAt)),
    ),
  );

/** The figures as the agent's view states them: what the stored figures must equal. */
function figuresOfView(v: LoyaltyView): Omit<LoyaltyFigures, 'tierChanges' | 'tierUntil'> {
  return {
    status: v.status,
    mergedIntoCustomerId: v.mergedInto,
    registeredAt: v.registeredAt === null ? null : new Date(v.registeredAt).toISOString(),
    tierAtAsOf: v.tier,
    windowDays: v.window.days,
    currency: v.window.currency,
    windowPurchasesAtAsOf: v.window.purchases,
    windowSpendAtAsOf: v.window.spend,
    lifetimePurchases: v.lifetime.purchases,
    lifetimeSpend: v.lifetime.spend,
    pointsBalance: v.points.balance,
    pointsEarned: v.points.earned,
    pointsRedeemed: v.points.redeemed,
  };
}

/** The tier at a later instant with no new event, as the stored figures predict it. */
function predictedTier(f: LoyaltyFigures, at: number): string {
  let tier = f.tierAtAsOf;
  for (const c of f.tierChanges) if (Date.parse(c.at) <= at) tier = c.tier;
  return tier;
}

const at = (day: number, hour: number, offset: string): string => {
  const ms = BASE_MS + day * DAY_MS + hour * 3_600_000;
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${offset}`;
};

const instant = fc
  .record({
    // Half the events cluster so that windows fill up and tiers move.
    day: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 500 })),
    hour: fc.constantFrom(0, 12, 23),
    offset: fc.constantFrom('Z', '+08:00', '-05:00'),
  })
  .map(({ day, hour, offset }) => at(day, hour, offset));

type Draft = (eventId: string) => RecordedEvent;

const draft: fc.Arbitrary<Draft> = fc.oneof(
  {
    weight: 1,
    arbitrary: instant.map(
      (a): Draft =>
        (eventId) =>
          registered({ at: a, eventId }),
    ),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({
        a: instant,
        order: fc.integer({ min: 1, max: 14 }),
        total: fc.integer({ min: 0, max: 200_000 }),
        currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'USD', 'JPY'),
      })
      .map(
        ({ a, order, total, currency }): Draft =>
          (eventId) =>
            purchase({ at: a, eventId, orderId: `O-${order}`, total, currency }),
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        a: instant,
        order: fc.integer({ min: 1, max: 15 }),
        no: fc.integer({ min: 1, max: 3 }),
        amount: fc.integer({ min: 0, max: 100_000 }),
        currency: fc.constantFrom('CNY', 'CNY', 'USD'),
      })
      .map(
        ({ a, order, no, amount, currency }): Draft =>
          (eventId) =>
            refund({
              at: a,
              eventId,
              orderId: `O-${order}`,
              refundId: `R-${no}`,
              amount,
              currency,
            }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ a: instant, no: fc.integer({ min: 1, max: 3 }), points: fc.nat({ max: 3000 }) })
      .map(
        ({ a, no, points }): Draft =>
          (eventId) =>
            redeemed({ at: a, eventId, redemptionId: `RD-${no}`, points: points + 1 }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ a: instant, no: fc.integer({ min: 1, max: 3 }), points: fc.nat({ max: 4000 }) })
      .map(
        ({ a, no, points }): Draft =>
          (eventId) =>
            points % 2 === 0
              ? adjusted({
                  at: a,
                  eventId,
                  adjustmentId: `A-${no}`,
                  points: points - 2000 || 1,
                  reason: 'Goodwill',
                })
              : complaintResolved({ at: a, eventId, complaintId: `K-${no}`, points: points + 1 }),
      ),
  },
  {
    weight: 1,
    arbitrary: instant.map(
      (a): Draft =>
        (eventId) =>
          merged({ at: a, eventId, customerId: 'c-8', mergedCustomerId: 'c-1' }),
    ),
  },
);

const stream: fc.Arbitrary<RecordedEvent[]> = fc
  .tuple(
    fc.array(draft, { minLength: 1, maxLength: 60, size: 'max' }),
    // One stream in eight is erased somewhere: erasure empties everything else.
    fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: instant }),
  )
  .map(([drafts, erasureAt]) => {
    const events = drafts.map((d, i) => d(uuid(i + 1)));
    if (erasureAt !== undefined) events.push(erased({ at: erasureAt, eventId: uuid(999) }));
    return events;
  });

/** Low thresholds and a tenure rule, so that short streams move through every tier. */
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

const policyArb: fc.Arbitrary<LoyaltyPolicy> = fc
  .record({
    base: fc.constantFrom(DEFAULT_LOYALTY_POLICY, EASY, EASY),
    timeZone: fc.constantFrom('UTC', 'Asia/Shanghai', 'Europe/Berlin'),
    horizonDays: fc.constantFrom(15, 30, 60, 200, 3650),
    maxDetailEvents: fc.constantFrom(10, 16, 40),
  })
  .map(({ base, ...rest }) => ({ ...base, ...rest }));

describe('loyalty figures', () => {
  it('Given four purchases of 30 000 on days 0 to 3, When the figures are computed as of day 10, Then the customer is loyal until the first purchase day leaves the window', () => {
    const events = [
      registered({ at: at(0, 9, 'Z'), eventId: uuid(1) }),
      ...[0, 1, 2, 3].map((d) =>
        purchase({ at: at(d, 12, 'Z'), eventId: uuid(10 + d), orderId: `O-${d}`, total: 30_000 }),
      ),
      redeemed({ at: at(10, 12, 'Z'), eventId: uuid(20), redemptionId: 'RD-1', points: 100 }),
    ];
    const state = foldInChunks(events, DEFAULT_LOYALTY_POLICY);

    const f = loyaltyFigures(state, newestOf(events), DEFAULT_LOYALTY_POLICY);

    expect(f).toEqual({
      status: 'active',
      mergedIntoCustomerId: null,
      registeredAt: '2023-01-01T09:00:00.000Z',
      tierAtAsOf: 'loyal',
      // Day 0 leaves the 365-day window at the start of day 365: 3 purchases are not enough.
      tierChanges: [{ at: new Date(BASE_MS + 365 * DAY_MS).toISOString(), tier: 'occasional' }],
      tierUntil: new Date(BASE_MS + 365 * DAY_MS).toISOString(),
      windowDays: 365,
      currency: 'CNY',
      windowPurchasesAtAsOf: 4,
      windowSpendAtAsOf: 120_000,
      lifetimePurchases: 4,
      lifetimeSpend: 120_000,
      pointsBalance: 1_100,
      pointsEarned: 1_200,
      pointsRedeemed: 100,
    });
  });

  it('Given any stream, policy and batch split, When the figures are computed as of the newest event, Then they equal the view as of that instant', () => {
    fc.assert(
      fc.property(stream, policyArb, (events, policy) => {
        if (!events.some((e) => loyaltyProjection.keys(e).includes(KEY))) return;
        const state = foldInChunks(events, policy);
        const asOf = newestOf(events);
        expect(loyaltyFigures(state, asOf, policy)).toMatchObject(
          figuresOfView(loyaltyView(state, asOf, policy)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('Given any stream and policy, When read later with no new event, Then the tier the view gives is the one tierChanges predicts', () => {
    const later = fc.array(fc.integer({ min: 0, max: 3 * 365 * 24 }), { maxLength: 8 });
    fc.assert(
      fc.property(stream, policyArb, later, (events, policy, hours) => {
        if (!events.some((e) => loyaltyProjection.keys(e).includes(KEY))) return;
        const state = foldInChunks(events, policy);
        const asOf = newestOf(events).getTime();
        const f = loyaltyFigures(state, new Date(asOf), policy);
        const instants = [asOf, ...hours.map((h) => asOf + h * 3_600_000)];
        for (const c of f.tierChanges) {
          const t = Date.parse(c.at);
          instants.push(t - 1, t);
        }
        for (const t of instants) {
          expect({
            at: new Date(t).toISOString(),
            tier: loyaltyView(state, new Date(t), policy).tier,
          }).toEqual({ at: new Date(t).toISOString(), tier: predictedTier(f, t) });
        }
        expect(f.tierChanges.length).toBeLessThanOrEqual(2 * policy.tiers.length);
      }),
      { numRuns: 300 },
    );
  });

  it('Given a customer who reaches a tier by tenure alone, When the figures are computed, Then the change is scheduled at the anniversary', () => {
    const events = [
      registered({ at: at(0, 0, 'Z'), eventId: uuid(1) }),
      ...[1, 2, 3].map((d) =>
        purchase({ at: at(d, 12, 'Z'), eventId: uuid(10 + d), orderId: `O-${d}`, total: 10_000 }),
      ),
    ];
    const state = foldInChunks(events, EASY);

    const f = loyaltyFigures(state, newestOf(events), EASY);

    // 60 days of tenure make very_loyal; day 1 leaving the 120-day window ends it.
    expect(f.tierAtAsOf).toBe('loyal');
    expect(f.tierChanges).toEqual([
      { at: new Date(BASE_MS + 60 * DAY_MS).toISOString(), tier: 'very_loyal' },
      { at: new Date(BASE_MS + 121 * DAY_MS).toISOString(), tier: 'loyal' },
      { at: new Date(BASE_MS + 122 * DAY_MS).toISOString(), tier: 'occasional' },
    ]);
  });

  it('Given an erased customer, When the figures are computed, Then they are the empty tombstone the view shows', () => {
    const events = [
      purchase({ at: at(1, 12, 'Z'), eventId: uuid(1), orderId: 'O-1', total: 900_000 }),
      erased({ at: at(2, 12, 'Z'), eventId: uuid(2) }),
    ];
    const state = foldInChunks(events, DEFAULT_LOYALTY_POLICY);
    const asOf = newestOf(events);

    const f = loyaltyFigures(state, asOf, DEFAULT_LOYALTY_POLICY);

    expect(f).toMatchObject({ status: 'erased', tierAtAsOf: 'occasional', tierChanges: [] });
    expect(f).toMatchObject(figuresOfView(loyaltyView(state, asOf, DEFAULT_LOYALTY_POLICY)));
  });

  it('Given the same document, When the figures are computed at two different wall-clock times, Then they are the same', () => {
    const events = [
      purchase({ at: at(1, 12, 'Z'), eventId: uuid(1), orderId: 'O-1', total: 150_000 }),
    ];
    const state = foldInChunks(events, DEFAULT_LOYALTY_POLICY);
    jest.useFakeTimers();
    try {
      jest.setSystemTime(new Date('2023-01-02T00:00:00Z'));
      const early = loyaltyFigures(state, newestOf(events), DEFAULT_LOYALTY_POLICY);
      jest.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      expect(loyaltyFigures(state, newestOf(events), DEFAULT_LOYALTY_POLICY)).toEqual(early);
    } finally {
      jest.useRealTimers();
    }
  });
});
