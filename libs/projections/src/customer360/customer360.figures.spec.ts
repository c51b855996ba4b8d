import fc from 'fast-check';
import { type RecordedEvent } from '@touchpoint/contracts';
import { customerKey, visitorKey } from '../projection.types';
import {
  type Customer360Figures,
  customer360Figures,
  localDayStart,
  monthAndDay,
} from './customer360.figures';
import { monthOfDay } from './customer360.history';
import {
  customerEventsArb,
  day,
  erased,
  feedback,
  oneOfEach,
  purchase,
  webVisit,
} from './customer360.fixtures';
import { DEFAULT_CUSTOMER360_POLICY, type Customer360Policy } from './customer360.policy';
import { customer360Projection } from './customer360.projection';
import { type Customer360State } from './customer360.state';
import { type Customer360View, customer360View } from './customer360.view';

const KEY = customerKey('c-1');
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const utc = (s: string | null): string | null =>
  s === null ? null : new Date(Date.parse(s)).toISOString();

/** The figures as the agent's view states them: what the stored figures must equal. */
function figuresOfView(v: Customer360View): Omit<Customer360Figures, 'atRiskFrom' | 'lapsedFrom'> {
  const last = v.channels.reduce<{ channel: string; ms: number } | null>((m, c) => {
    const ms = Date.parse(c.lastContactAt);
    return m === null || ms > m.ms ? { channel: c.channel, ms } : m;
  }, null);
  return {
    kind: v.kind,
    registeredAt: utc(v.identity.registeredAt),
    erased: v.identity.erased,
    mergedIntoCustomerId: v.identity.mergedIntoCustomerId,
    lifecycleAtAsOf: v.lifecycle.stage,
    daysSinceLastPurchaseAtAsOf: v.lifecycle.daysSinceLastPurchase,
    rfm:
      v.rfm === null
        ? null
        : {
            frequency: v.rfm.frequency,
            recencyDays: v.rfm.recency,
            tDaysAtAsOf: v.rfm.T,
            monetary: v.rfm.monetary,
            currency: v.rfm.currency,
            purchaseDays: v.rfm.purchaseDays,
          },
    orders: v.purchases.orders,
    currency: v.purchases.currency,
    spend: v.purchases.spend,
    spendByCurrency: v.purchases.spendByCurrency,
    firstPurchaseAt: utc(v.purchases.firstPurchaseAt),
    lastPurchaseAt: utc(v.purchases.lastPurchaseAt),
    topCategory: v.purchases.categories[0]?.category ?? null,
    refunds: v.refunds.count,
    refundedByCurrency: v.refunds.amountByCurrency,
    contacts: v.totalContacts,
    lastContactAt: utc(v.lastContactAt),
    lastContactChannel: (last?.channel ?? null) as Customer360Figures['lastContactChannel'],
    openComplaints: v.complaints.openCount,
    oldestOpenComplaintAt: utc(v.complaints.open[0]?.openedAt ?? null),
    resolvedComplaints: v.complaints.resolvedCount,
    consent: v.consent,
    latestNps: v.satisfaction.latestNps?.score ?? null,
    latestCsat: v.satisfaction.latestCsat?.score ?? null,
    webSessions: v.web.sessions,
    lastVisitAt: utc(v.web.lastVisitAt),
  };
}

/** What the runner does: chunks through evolveBatch, a JSON round trip between them. */
function foldInChunks(
  events: readonly RecordedEvent[],
  key: string,
  policy: Customer360Policy,
  chunk = 7,
): Customer360State {
  let state = customer360Projection.initial(key);
  for (let i = 0; i < events.length; i += chunk) {
    const slice = events
      .slice(i, i + chunk)
      .map((event, j) => ({ event, position: { partition: 0, offset: String(i + j) } }));
    state = customer360Projection.evolveBatch!(state, slice, key, policy);
    state = JSON.parse(JSON.stringify(state)) as Customer360State;
  }
  return state;
}

/** The runner's `figures.asOf`: the newest event time the document has seen. */
const newestOf = (events: readonly RecordedEvent[]): Date =>
  new Date(Math.max(...events.map((e) => Date.parse(e.occurredAt))));

/** The stage at a later instant with no new event, as the stored figures predict it. */
function predictedStage(f: Customer360Figures, at: number): string {
  if (f.atRiskFrom === null || f.lapsedFrom === null) return f.lifecycleAtAsOf;
  if (at >= Date.parse(f.lapsedFrom)) return 'lapsed';
  if (at >= Date.parse(f.atRiskFrom)) return 'at_risk';
  return f.lifecycleAtAsOf;
}

const policyArb: fc.Arbitrary<Customer360Policy> = fc.record({
  timeZone: fc.constantFrom('UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/St_Johns'),
  horizonDays: fc.integer({ min: 20, max: 500 }),
  detailEvents: fc.integer({ min: 3, max: 60 }),
  lifecycle: fc.record({
    atRiskAfterDays: fc.integer({ min: 1, max: 200 }),
    lapsedAfterDays: fc.integer({ min: 1, max: 400 }),
    activeMinFrequency: fc.integer({ min: 0, max: 3 }),
  }),
  timelineSize: fc.constant(DEFAULT_CUSTOMER360_POLICY.timelineSize),
});

describe('customer360 figures', () => {
  it('Given one event of every type, When the figures are computed as of the newest event, Then each equals the view as of that instant', () => {
    const events = Object.values(oneOfEach()).filter((e) =>
      customer360Projection.keys(e).includes(KEY),
    );
    const state = foldInChunks(events, KEY, DEFAULT_CUSTOMER360_POLICY);
    const asOf = newestOf(events);

    const figures = customer360Figures(state, asOf, DEFAULT_CUSTOMER360_POLICY);

    expect(figures).toMatchObject(
      figuresOfView(customer360View(state, asOf, DEFAULT_CUSTOMER360_POLICY)),
    );
    expect(figures.orders).toBe(1);
    expect(figures.refunds).toBe(1);
    expect(figures.lifecycleAtAsOf).toBe('new');
  });

  it('Given purchases on days 0, 10 and 30, When the figures are computed as of day 40, Then RFM, spend and the lifecycle instants follow the policy in days', () => {
    const events = [
      purchase(1, 'c-1', day(0, 9), { orderId: 'O-1', total: 1000 }),
      purchase(2, 'c-1', day(10), { orderId: 'O-2', total: 2000 }),
      purchase(3, 'c-1', day(30, 8), { orderId: 'O-3', total: 3000 }),
      feedback(4, { customerId: 'c-1' }, day(40), { nps: 9 }),
    ];
    const state = foldInChunks(events, KEY, DEFAULT_CUSTOMER360_POLICY);

    const f = customer360Figures(state, newestOf(events), DEFAULT_CUSTOMER360_POLICY);

    expect(f.rfm).toEqual({
      frequency: 2,
      recencyDays: 30,
      tDaysAtAsOf: 40,
      monetary: 2500,
      currency: 'CNY',
      purchaseDays: 3,
    });
    expect(f).toMatchObject({
      orders: 3,
      spend: 6000,
      spendByCurrency: { CNY: 6000 },
      lifecycleAtAsOf: 'active',
      daysSinceLastPurchaseAtAsOf: 10,
      // Day 30 + 180 and + 365 (the default policy), at midnight UTC.
      atRiskFrom: new Date(Date.parse(day(210, 0))).toISOString(),
      lapsedFrom: new Date(Date.parse(day(395, 0))).toISOString(),
      lastPurchaseAt: new Date(Date.parse(day(30, 8))).toISOString(),
      latestNps: 9,
    });
  });

  it('Given any history, policy and batch split, When the figures are computed as of the newest event, Then they equal the view as of that instant', () => {
    fc.assert(
      fc.property(customerEventsArb('c-1', 60), policyArb, (events, policy) => {
        for (const key of [KEY, visitorKey('v-1')]) {
          const mine = events.filter((e) => customer360Projection.keys(e).includes(key));
          if (mine.length === 0) continue;
          const state = foldInChunks(mine, key, policy);
          const asOf = newestOf(mine);
          expect(customer360Figures(state, asOf, policy)).toMatchObject(
            figuresOfView(customer360View(state, asOf, policy)),
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('Given any history and policy, When read later with no new event, Then the stage the view gives is the one atRiskFrom and lapsedFrom predict', () => {
    fc.assert(
      fc.property(customerEventsArb('c-1', 40), policyArb, (events, policy) => {
        const state = foldInChunks(events, KEY, policy);
        const asOf = newestOf(events);
        const f = customer360Figures(state, asOf, policy);
        const instants = [asOf.getTime(), asOf.getTime() + 500 * DAY_MS];
        for (const at of [f.atRiskFrom, f.lapsedFrom]) {
          if (at === null) continue;
          const ms = Date.parse(at);
          for (const t of [ms - 1000, ms, ms + HOUR_MS]) if (t >= asOf.getTime()) instants.push(t);
        }
        for (const t of instants) {
          const stage = customer360View(state, new Date(t), policy).lifecycle.stage;
          expect({ t: new Date(t).toISOString(), stage }).toEqual({
            t: new Date(t).toISOString(),
            stage: predictedStage(f, t),
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('Given purchases stated with a UTC offset, When the figures are stored, Then every instant is UTC so that instants compare as strings', () => {
    const events = [
      purchase(1, 'c-1', '2024-03-01T09:30:00+08:00', { orderId: 'O-1', total: 1000 }),
      webVisit(2, { customerId: 'c-1' }, '2024-03-02T23:30:00-05:00', { sessionId: 'S-1' }),
      feedback(3, { customerId: 'c-1' }, '2024-03-05T10:00:00.123Z', { csat: 5 }),
      purchase(4, 'c-1', '2024-03-04T08:00:00.250+00:00', { orderId: 'O-2', total: 500 }),
    ];
    const state = foldInChunks(events, KEY, DEFAULT_CUSTOMER360_POLICY);

    const f = customer360Figures(state, newestOf(events), DEFAULT_CUSTOMER360_POLICY);

    expect(f.firstPurchaseAt).toBe('2024-03-01T01:30:00.000Z');
    expect(f.lastPurchaseAt).toBe('2024-03-04T08:00:00.250Z');
    expect(f.lastVisitAt).toBe('2024-03-03T04:30:00.000Z');
    // Already in the UTC form: stored as it was sent.
    expect(f.lastContactAt).toBe('2024-03-05T10:00:00.123Z');
    expect(f.lastContactChannel).toBe('email');
    expect(f.latestCsat).toBe(5);
  });

  it('Given the same document, When the figures are computed at two different wall-clock times, Then they are the same', () => {
    const events = Object.values(oneOfEach()).filter((e) =>
      customer360Projection.keys(e).includes(KEY),
    );
    const state = foldInChunks(events, KEY, DEFAULT_CUSTOMER360_POLICY);
    const asOf = newestOf(events);
    jest.useFakeTimers();
    try {
      jest.setSystemTime(new Date('2024-01-01T00:00:00Z'));
      const early = customer360Figures(state, asOf, DEFAULT_CUSTOMER360_POLICY);
      jest.setSystemTime(new Date('2031-06-30T12:00:00Z'));
      const late = customer360Figures(state, asOf, DEFAULT_CUSTOMER360_POLICY);
      expect(late).toEqual(early);
    } finally {
      jest.useRealTimers();
    }
  });

  it('Given an erased customer, When the figures are computed, Then they say erased and hold no consent or contact detail beyond what the view keeps', () => {
    const events = [
      purchase(1, 'c-1', day(1), { orderId: 'O-1', total: 1000 }),
      erased(2, 'c-1', day(2)),
    ];
    const state = foldInChunks(events, KEY, DEFAULT_CUSTOMER360_POLICY);
    const asOf = newestOf(events);

    const f = customer360Figures(state, asOf, DEFAULT_CUSTOMER360_POLICY);

    expect(f.erased).toBe(true);
    expect(f).toMatchObject(
      figuresOfView(customer360View(state, asOf, DEFAULT_CUSTOMER360_POLICY)),
    );
    expect(JSON.stringify(f)).not.toMatch(/@|Wang|Road/);
  });

  it.each([
    ['UTC', 19_800, '2024-03-18T00:00:00.000Z'],
    ['Asia/Shanghai', 19_800, '2024-03-17T16:00:00.000Z'],
    // Berlin springs forward at 02:00 on 2024-03-31: midnight still exists, at +01:00.
    ['Europe/Berlin', 19_813, '2024-03-30T23:00:00.000Z'],
    // Santiago moved its clocks from 00:00 to 01:00 on 2024-09-08: that day starts at 01:00.
    ['America/Santiago', 19_974, '2024-09-08T04:00:00.000Z'],
  ])('Given the zone %s, When day %i starts, Then it is %s', (zone, dayNumber, expected) => {
    expect(new Date(localDayStart(dayNumber, zone)).toISOString()).toBe(expected);
  });

  it('Given every day from 1900 to 2100, When its month and day are worked out by arithmetic, Then they are what the history buckets it under', () => {
    for (let d = -25_567; d <= 47_482; d++) {
      const mine = monthAndDay(d);
      const history = monthOfDay(d);
      if (mine.month !== history.month || mine.dayOfMonth !== history.dayOfMonth)
        expect({ d, ...mine }).toEqual({ d, ...history });
    }
  });
});
