import fc from 'fast-check';
import { type RecordedEvent } from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY } from './customer360.policy';
import { mergeCustomerStates } from './customer360.merge';
import { type Customer360State } from './customer360.state';
import {
  canonical,
  customerEventsArb,
  day,
  feedback,
  fold,
  identified,
  route,
  webVisit,
} from './customer360.fixtures';

const KEY = customerKey('c-1');
const RUNS = { numRuns: 200 };

/** A history and a permutation of it. */
const historyAndShuffle = customerEventsArb().chain((events) =>
  fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
);

describe('customer360 properties', () => {
  it('(a) Given any customer history, When its events arrive in any order, Then the state is the same', () => {
    fc.assert(
      fc.property(historyAndShuffle, ([events, shuffled]) => {
        expect(canonical(fold(shuffled, KEY))).toBe(canonical(fold(events, KEY)));
      }),
      RUNS,
    );
  });

  it('(b) Given any history, When any event is delivered again with the same eventId, Then nothing changes', () => {
    const arb = customerEventsArb().chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.nat({ max: events.length - 1 }),
        fc.nat({ max: events.length }),
      ),
    );
    fc.assert(
      fc.property(arb, ([events, which, where]) => {
        const again = events[which] as RecordedEvent;
        const withDuplicate = [...events.slice(0, where), again, ...events.slice(where)];
        expect(canonical(fold(withDuplicate, KEY))).toBe(canonical(fold(events, KEY)));
      }),
      RUNS,
    );
  });

  it('(c) Given any history split into chunks with a JSON round trip between them, When folded, Then the same state as one fold', () => {
    const arb = customerEventsArb().chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.uniqueArray(fc.nat({ max: events.length }), { maxLength: 6 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([events, cuts]) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), events.length];
        let state: Customer360State | undefined;
        for (let i = 0; i + 1 < bounds.length; i++) {
          const chunk = events.slice(bounds[i], bounds[i + 1]);
          const loaded =
            state === undefined
              ? undefined
              : (JSON.parse(JSON.stringify(state)) as Customer360State);
          state = fold(chunk, KEY, loaded);
        }
        expect(state).toEqual(fold(events, KEY));
        expect(canonical(state)).toBe(canonical(fold(events, KEY)));
      }),
      RUNS,
    );
  });

  it('(d) Given visits, a link and customer events, When they arrive in any order, Then the merged view is the same', () => {
    const visitArb = fc.record({
      day: fc.integer({ min: 0, max: 30 }),
      session: fc.integer({ min: 0, max: 4 }),
      cart: fc.boolean(),
      checkout: fc.boolean(),
      converted: fc.boolean(),
      feedback: fc.boolean(),
    });
    const scenario = fc
      .tuple(
        fc.array(visitArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 30 }),
        customerEventsArb('c-1', 15),
      )
      .map(([visits, linkDay, customerEvents]) => {
        const visitorEvents = visits.map((v, i) =>
          v.feedback
            ? feedback(500 + i, { anonymousId: 'v-1' }, day(v.day), { nps: 7 })
            : webVisit(500 + i, { anonymousId: 'v-1' }, day(v.day), {
                sessionId: `vs-${v.session}`,
                viewed: ['STR-400'],
                cart: v.cart ? ['STR-400'] : [],
                checkout: v.checkout,
                converted: v.converted,
              }),
        );
        return [...visitorEvents, identified(499, 'c-1', 'v-1', day(linkDay)), ...customerEvents];
      })
      .chain((events) =>
        fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
      );
    const mergedView = (events: readonly RecordedEvent[]) => {
      const docs = route(events);
      const primary = docs.get(KEY) ?? customer360Projection.initial(KEY);
      const others = [...docs.entries()].filter(([k]) => k !== KEY).map(([, s]) => s);
      return canonical(
        customer360Projection.view(
          mergeCustomerStates(primary, others),
          new Date('2024-12-31T00:00:00Z'),
          DEFAULT_CUSTOMER360_POLICY,
        ),
      );
    };
    fc.assert(
      fc.property(scenario, ([events, shuffled]) => {
        expect(mergedView(shuffled)).toBe(mergedView(events));
      }),
      RUNS,
    );
  });

  it('Given related documents, When merged in any order, Then the merged state is the same and reads as one fold', () => {
    const asOf = new Date('2024-12-31T00:00:00Z');
    const viewOf = (state: Customer360State) =>
      canonical(customer360Projection.view(state, asOf, DEFAULT_CUSTOMER360_POLICY));
    fc.assert(
      fc.property(historyAndShuffle, fc.integer({ min: 1, max: 4 }), ([events], parts) => {
        // Split one history across documents of the same person: merging must not care how.
        const docs = Array.from({ length: parts }, (_, p) =>
          fold(
            events.filter((_, i) => i % parts === p),
            p === 0 ? KEY : `${KEY}~part-${p}`,
          ),
        );
        const [first, ...rest] = docs as [Customer360State, ...Customer360State[]];
        const mergedForward = mergeCustomerStates(first, rest);
        const mergedBackward = mergeCustomerStates(first, [...rest].reverse());
        expect(canonical(mergedBackward)).toBe(canonical(mergedForward));
        expect(viewOf(mergedForward)).toBe(viewOf(fold(events, KEY)));
      }),
      RUNS,
    );
  });

  it('Given any document and any batch (with repeats), When folded with evolveBatch, Then the state equals folding evolve one event at a time', () => {
    const arb = customerEventsArb().chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.nat({ max: events.length }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 4 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([events, cut, repeats]) => {
        const before = fold(events.slice(0, cut), KEY);
        const batch = [...events.slice(cut), ...repeats.map((i) => events[i] as RecordedEvent)];
        const positioned = batch.map((event, i) => ({
          event,
          position: { partition: 0, offset: String(i) },
        }));
        const evolveBatch = customer360Projection.evolveBatch!;
        const batched = evolveBatch(before, positioned, KEY, DEFAULT_CUSTOMER360_POLICY);
        const oneByOne = fold(batch, KEY, before);
        expect(batched).toEqual(oneByOne);
        expect(canonical(batched)).toBe(canonical(oneByOne));
      }),
      RUNS,
    );
  });
});
