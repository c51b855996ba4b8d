import fc from 'fast-check';
import { type RecordedEvent } from '@touchpoint/contracts';
import { crosssellProjection } from './crosssell';
import { customer360Projection } from './customer360';
import { LINKED_VISITORS } from './identity-links';
import { loyaltyProjection } from './loyalty';
import { type PositionedEvent, type Projection, customerKey } from './projection.types';

const KEY = customerKey('c-1');
const BASE_MS = Date.parse('2024-01-01T00:00:00Z');

function identification(n: number, visitor: number, minutes: number): RecordedEvent {
  const occurredAt = new Date(BASE_MS + minutes * 60_000).toISOString();
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'customer.identified',
    schemaVersion: 1,
    customerId: 'c-1',
    anonymousId: `v-${visitor}`,
    channel: 'web',
    occurredAt,
    receivedAt: occurredAt,
    source: 'spec',
    correlationId: `corr-${n}`,
    payload: { method: 'login' },
  };
}

/** Visitor ids each model's document names, whatever the model's own shape. */
const LINKED: Record<string, (state: never) => string[]> = {
  customer360: (s: { linkedAnonymousIds: Record<string, unknown> }) =>
    Object.keys(s.linkedAnonymousIds),
  loyalty: (s: { linkedVisitors: { anonymousId: string }[] }) =>
    s.linkedVisitors.map((l) => l.anonymousId),
  crosssell: (s: { linkedVisitors: [string, number][] }) => s.linkedVisitors.map(([id]) => id),
};

function fold<S, V, P>(
  projection: Projection<S, V, P>,
  events: readonly RecordedEvent[],
  splits: readonly number[],
): S {
  const positioned: PositionedEvent[] = events.map((event, i) => ({
    event,
    position: { partition: 0, offset: String(i) },
  }));
  let state = projection.initial(KEY);
  let from = 0;
  for (const cut of [...splits.filter((c) => c > 0 && c < positioned.length), positioned.length]) {
    if (cut <= from) continue;
    const batch = positioned.slice(from, cut);
    state = projection.evolveBatch
      ? projection.evolveBatch(state, batch, KEY, projection.defaultPolicy)
      : batch.reduce((s, e) => projection.evolve(s, e, KEY, projection.defaultPolicy), state);
    from = cut;
  }
  return state;
}

/** The oracle: each visitor at its latest identification, the newest LINKED_VISITORS of them. */
function expectedLinks(events: readonly RecordedEvent[]): string[] {
  const latest = new Map<string, [number, string]>();
  for (const e of events) {
    const ms = Date.parse(e.occurredAt);
    const before = latest.get(e.anonymousId!);
    if (before === undefined || ms > before[0] || (ms === before[0] && e.eventId > before[1]))
      latest.set(e.anonymousId!, [ms, e.eventId]);
  }
  return [...latest]
    .sort(
      ([a, x], [b, y]) =>
        y[0] - x[0] || (y[1] < x[1] ? -1 : y[1] > x[1] ? 1 : 0) || (a < b ? 1 : -1),
    )
    .slice(0, LINKED_VISITORS)
    .map(([id]) => id)
    .sort();
}

const PROJECTIONS = [customer360Projection, loyaltyProjection, crosssellProjection] as const;

describe('visitor links are bounded (identity-links.ts)', () => {
  it('Given a customer identified as 200 visitors, When folded, Then each model keeps exactly the newest LINKED_VISITORS links', () => {
    const events = Array.from({ length: 200 }, (_, i) => identification(i + 1, i, i * 37));
    const expected = expectedLinks(events);
    expect(expected).toHaveLength(LINKED_VISITORS);
    for (const p of PROJECTIONS) {
      const state = fold(p as Projection<unknown, unknown, unknown>, events, []);
      expect([...LINKED[p.model]!(state as never)].sort()).toEqual(expected);
    }
  });

  it('Given re-identified visitors in any order, batch split and with duplicates, When folded, Then the links equal the oracle and the state is the same', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ visitor: fc.nat(40), minutes: fc.nat(100_000) }), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(100), { maxLength: 6 }),
        fc.array(fc.nat(79), { maxLength: 10 }),
        (specs, order, splits, dupes) => {
          // Distinct times: models break ties of equal times differently (eventId or visitor id).
          const events = specs.map((s, i) => identification(i + 1, s.visitor, s.minutes * 100 + i));
          const shuffled = [...events];
          const it = order[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const redelivered = [...shuffled, ...dupes.map((d) => events[d % events.length]!)];
          const expected = expectedLinks(events);
          for (const p of PROJECTIONS) {
            const projection = p as Projection<unknown, unknown, unknown>;
            const inOrder = fold(projection, events, []);
            expect(fold(projection, shuffled, splits)).toEqual(inOrder);
            // A duplicate older than a document's horizon may count again in other figures
            // (`beyondHorizon`); the links never do.
            const again = fold(projection, redelivered, splits);
            expect([...LINKED[p.model]!(again as never)].sort()).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
