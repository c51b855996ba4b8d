import fc from 'fast-check';
import { EVENT_TYPES, type RecordedEvent } from '@touchpoint/contracts';
import { isAppError } from '@touchpoint/core';
import { customerKey } from '../projection.types';
import { mergeCustomerStates } from './customer360.merge';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY, type Customer360Policy } from './customer360.policy';
import { type Customer360State, isBelowHorizon } from './customer360.state';
import { type Customer360View } from './customer360.view';
import {
  canonical,
  complaintOpened,
  complaintResolved,
  day,
  eventFromSeed,
  purchase,
  refund,
  webVisit,
} from './customer360.fixtures';
import { customer360Projection as referenceProjection } from './reference/customer360.projection.reference';
import { type Customer360View as ReferenceView } from './reference/customer360.view.reference';

/**
 * The bounded model against the unbounded one it replaces (reference/, the model as it was
 * validated): histories spanning ten years, small horizons and detail caps so that compaction
 * happens, any arrival order, any batch split, redeliveries and re-reports within the horizon.
 */

const KEY = customerKey('c-1');
const RUNS = { numRuns: 150 };
const YEARS = 10;

interface Seed {
  readonly type: (typeof EVENT_TYPES)[number];
  readonly day: number;
  readonly hour: number;
  readonly pick: number;
  readonly flag: boolean;
  /** Re-report the order / session with a new eventId shortly after. */
  readonly resend: boolean;
}

const seedArb: fc.Arbitrary<Seed> = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  day: fc.integer({ min: 0, max: YEARS * 365 }),
  hour: fc.integer({ min: 0, max: 23 }),
  pick: fc.nat({ max: 1000 }),
  flag: fc.boolean(),
  resend: fc.boolean(),
});

const SPECIAL = [
  'purchase.completed',
  'web.visited',
  'purchase.refunded',
  'complaint.opened',
  'complaint.resolved',
] as const;

interface History {
  readonly events: readonly RecordedEvent[];
  /** Events that state the same business id (an order re-sent, a session reported twice). */
  readonly sameBusinessId: readonly (readonly RecordedEvent[])[];
}

/** Business ids unique per seed, except deliberate re-reports and complaint halves. */
function historyOf(seeds: readonly Seed[]): History {
  const events: RecordedEvent[] = [];
  const sameBusinessId: RecordedEvent[][] = [];
  let n = 1000;
  const c = 'c-1';
  for (const [i, s] of seeds.entries()) {
    const at = day(s.day, s.hour);
    const later = day(s.day, s.hour, 40);
    // Types whose business ids this history controls; the others come from the fixtures.
    const special = SPECIAL.find((t) => t === s.type);
    if (special === undefined) {
      events.push(eventFromSeed({ ...s, type: s.type }, n++, c));
      continue;
    }
    switch (special) {
      case 'purchase.completed': {
        const spec = {
          orderId: `O-${i}`,
          total: 100 * (1 + (s.pick % 50)),
          currency: s.pick % 7 === 0 ? 'EUR' : 'CNY',
          items: [
            {
              sku: `SKU-${s.pick % 4}`,
              name: 'Thing',
              category: ['gifts', 'baby/food', 'home/tea'][s.pick % 3] ?? 'gifts',
              quantity: 1 + (s.pick % 3),
              unitPrice: 100,
            },
          ],
        };
        const first = purchase(n++, c, at, spec);
        events.push(first);
        if (s.resend) {
          const again = purchase(n++, c, later, { ...spec, total: spec.total + 1 });
          events.push(again);
          sameBusinessId.push([first, again]);
        }
        break;
      }
      case 'web.visited': {
        const visit = (viewed: string[], when: string) =>
          webVisit(n++, { customerId: c }, when, {
            sessionId: `s-${i}`,
            viewed,
            cart: s.flag ? ['STR-400'] : [],
            checkout: s.pick % 5 === 0,
            converted: s.pick % 7 === 0,
          });
        const first = visit(['STR-400', 'STR-520', 'CAR-110'].slice(0, 1 + (s.pick % 3)), at);
        events.push(first);
        if (s.resend) {
          const again = visit(['CAR-110'], later);
          events.push(again);
          sameBusinessId.push([first, again]);
        }
        break;
      }
      case 'purchase.refunded':
        events.push(refund(n++, c, at, `O-${s.pick % 9}`, `R-${i}`, 10 * (1 + (s.pick % 9))));
        break;
      case 'complaint.opened': {
        const opened = complaintOpened(n++, c, at, `K-${i}`);
        events.push(opened);
        if (s.flag) {
          // Resolved hours to weeks later: the halves may straddle the horizon.
          const resolvedAt = day(s.day + (s.pick % 30), (s.hour + 5) % 24);
          events.push(
            complaintResolved(n++, c, resolvedAt, `K-${i}`, s.pick % 3 === 0 ? 200 : undefined),
          );
        }
        break;
      }
      case 'complaint.resolved':
        events.push(complaintResolved(n++, c, at, `K-${i}`));
        break;
    }
  }
  return { events, sameBusinessId };
}

const historyArb = fc.array(seedArb, { minLength: 1, maxLength: 70 }).map(historyOf);

const policyArb: fc.Arbitrary<Customer360Policy> = fc.record({
  timeZone: fc.constantFrom('UTC', 'Asia/Shanghai'),
  horizonDays: fc.integer({ min: 20, max: 500 }),
  detailEvents: fc.integer({ min: 3, max: 60 }),
  lifecycle: fc.constant(DEFAULT_CUSTOMER360_POLICY.lifecycle),
  timelineSize: fc.constant(DEFAULT_CUSTOMER360_POLICY.timelineSize),
});

const positioned = (events: readonly RecordedEvent[]) =>
  events.map((event, i) => ({ event, position: { partition: 0, offset: String(i) } }));

/** What the runner does: chunks through evolveBatch, each state stored as JSON in between. */
function foldInBatches(
  events: readonly RecordedEvent[],
  cuts: readonly number[],
  policy: Customer360Policy,
): Customer360State {
  const bounds = [0, ...[...cuts].filter((c) => c < events.length).sort((a, b) => a - b)];
  bounds.push(events.length);
  let state = customer360Projection.initial(KEY);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const chunk = positioned(events.slice(bounds[i], bounds[i + 1]));
    state = customer360Projection.evolveBatch!(state, chunk, KEY, policy);
    state = JSON.parse(JSON.stringify(state)) as Customer360State;
  }
  return state;
}

function referenceFold(events: readonly RecordedEvent[]) {
  return events.reduce(
    (s, e, i) =>
      referenceProjection.evolve(
        s,
        { event: e, position: { partition: 0, offset: String(i) } },
        KEY,
        referenceProjection.defaultPolicy,
      ),
    referenceProjection.initial(KEY),
  );
}

const keyOf = (e: RecordedEvent) => ({ ms: Date.parse(e.occurredAt), eventId: e.eventId });

/** The case the horizon promises nothing for: reports of one business id on both sides. */
function reReportsWithinHorizon(h: History, state: Customer360State): boolean {
  return h.sameBusinessId.every((group) =>
    group.every((e) => !isBelowHorizon(state.horizon, keyOf(e).ms, keyOf(e).eventId)),
  );
}

/**
 * Every figure of the reference view, with the lists that are bounded by design compared as
 * what they keep: resolved complaints within the horizon, the newest timeline entries.
 */
function expectSameFigures(mine: Customer360View, ref: ReferenceView, asOfNow: boolean) {
  const { complaints: mc, timeline: mt, exactFrom, web: mw, ...mineRest } = mine;
  const { complaints: rc, timeline: rt, web: rw, ...refRest } = ref;
  expect(typeof exactFrom === 'string' || exactFrom === null).toBe(true);
  expect(canonical(mineRest)).toBe(canonical(refRest));
  const { productsViewed: mp, ...mineWeb } = mw;
  const { productsViewed: rp, ...refWeb } = rw;
  expect(mineWeb).toEqual(refWeb);
  // Fewer than RECENT_PRODUCTS skus here: now, all of them; earlier, those not viewed since.
  if (asOfNow) expect(mp).toEqual(rp);
  else for (const p of mp) expect(rp).toContainEqual(p);
  expect(mc.open).toEqual(rc.open);
  expect(mc.openCount).toBe(rc.open.length);
  expect(mc.resolvedCount).toBe(rc.resolved.length);
  for (const r of mc.resolved) {
    expect(r).toEqual(rc.resolved.find((x) => x.complaintId === r.complaintId));
  }
  if (rc.averageTimeToResolveHours === null) expect(mc.averageTimeToResolveHours).toBeNull();
  // One division of a sum of milliseconds against a sum of per-complaint divisions.
  else expect(mc.averageTimeToResolveHours).toBeCloseTo(rc.averageTimeToResolveHours, 6);
  if (asOfNow) expect(mt).toEqual(rt);
  else expect(mt).toEqual(rt.slice(0, mt.length));
}

const newestMs = (events: readonly RecordedEvent[]) =>
  Math.max(...events.map((e) => Date.parse(e.occurredAt)));

/** A history, a policy, then an arrival: shuffled, cut into batches, with redeliveries. */
const scenarioArb = fc
  .tuple(historyArb, policyArb)
  .chain(([history, policy]) =>
    fc.tuple(
      fc.constant(history),
      fc.constant(policy),
      fc.shuffledSubarray([...history.events], { minLength: history.events.length }),
      fc.uniqueArray(fc.nat({ max: history.events.length }), { maxLength: 8 }),
      fc.array(fc.nat({ max: history.events.length - 1 }), { maxLength: 6 }),
    ),
  );

describe('customer360 bounded model against the unbounded reference', () => {
  let compacted = 0;
  let runs = 0;

  it('Given ten-year histories, small horizons, any order, batch split and redeliveries within the horizon, When read now, Then every figure equals the reference fold', () => {
    fc.assert(
      fc.property(scenarioArb, ([history, policy, arrival, cuts, redelivered]) => {
        const inOrder = foldInBatches(history.events, [], policy);
        fc.pre(reReportsWithinHorizon(history, inOrder));
        // Redeliveries of events the final document still holds in detail.
        const again = redelivered
          .map((i) => arrival[i] as RecordedEvent)
          .filter((e) => !isBelowHorizon(inOrder.horizon, keyOf(e).ms, keyOf(e).eventId));
        const delivered = [...arrival];
        for (const [k, e] of again.entries()) delivered.splice((k * 7) % delivered.length, 0, e);
        const state = foldInBatches(delivered, cuts, policy);
        runs += 1;
        if (state.history.throughMs !== null) compacted += 1;

        // Replay equals live: the stored state is a function of the set of events.
        expect(canonical(state)).toBe(canonical(inOrder));
        const asOf = new Date(newestMs(history.events) + 3_600_000);
        const reference = referenceProjection.view(referenceFold(delivered), asOf, policy);
        expectSameFigures(customer360Projection.view(state, asOf, policy), reference, true);
      }),
      RUNS,
    );
  });

  it('Given those runs, Then most of them compacted (the properties exercise the history)', () => {
    expect(runs).toBeGreaterThan(50);
    expect(compacted / runs).toBeGreaterThan(0.5);
  });

  it('Given a compacted document, When read as of an instant within its horizon, Then the figures equal the reference; before it, Then the read is refused', () => {
    const arb = fc.tuple(historyArb, policyArb, fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(arb, ([history, policy, where]) => {
        const state = foldInBatches(history.events, [7, 19, 40], policy);
        const through = state.history.throughMs;
        fc.pre(through !== null && reReportsWithinHorizon(history, state));
        if (through === null) return;
        const newest = newestMs(history.events);
        const asOf = new Date(Math.round(through + where * (newest - through)));
        const reference = referenceProjection.view(referenceFold(history.events), asOf, policy);
        expectSameFigures(customer360Projection.view(state, asOf, policy), reference, false);

        const before = new Date(through - 1);
        let refused: unknown;
        try {
          customer360Projection.view(state, before, policy);
        } catch (e) {
          refused = e;
        }
        expect(isAppError(refused) && refused.code).toBe('as_of_beyond_horizon');
      }),
      RUNS,
    );
  });

  it('Given a history split over related documents, When merged, Then the figures equal the reference fold of all their events', () => {
    const arb = fc.tuple(historyArb, policyArb, fc.integer({ min: 2, max: 3 }));
    fc.assert(
      fc.property(arb, ([history, policy, parts]) => {
        // Whole business ids per document: related documents hold disjoint events.
        const partOf = (e: RecordedEvent) => {
          const group = history.sameBusinessId.findIndex((g) => g.includes(e));
          const ref = JSON.stringify((e.payload as { complaintId?: string }).complaintId ?? '');
          return group >= 0 ? group % parts : (ref.length + e.eventId.charCodeAt(35)) % parts;
        };
        const docs = Array.from({ length: parts }, (_, p) => {
          const key = p === 0 ? KEY : `${KEY}~part-${p}`;
          const mine = history.events.filter((e) => partOf(e) === p);
          let state = customer360Projection.initial(key);
          state = customer360Projection.evolveBatch!(state, positioned(mine), key, policy);
          fc.pre(reReportsWithinHorizon(history, state));
          return state;
        });
        const merged = mergeCustomerStates(docs[0]!, docs.slice(1));
        const asOf = new Date(newestMs(history.events) + 3_600_000);
        const reference = referenceProjection.view(referenceFold(history.events), asOf, policy);
        expectSameFigures(customer360Projection.view(merged, asOf, policy), reference, true);
      }),
      RUNS,
    );
  });
});
