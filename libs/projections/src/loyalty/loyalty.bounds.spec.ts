import { type RecordedEvent } from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import { positioned } from './loyalty.fixtures';
import { customerHistory, seeded } from './loyalty.history.fixtures';
import { DEFAULT_LOYALTY_POLICY } from './loyalty.policy';
import { evolveLoyaltyBatch, initialLoyaltyState, loyaltyKeys } from './loyalty.projection';
import { type LoyaltyState } from './loyalty.types';
import { loyaltyView } from './loyalty.view';

const KB = 1024;
const START = Date.parse('2016-01-01T00:00:00Z');

/** What the runner does with a fetch: the events keyed to the document, folded as one batch. */
function foldBatch(
  state: LoyaltyState,
  batch: readonly RecordedEvent[],
  key: string,
): LoyaltyState {
  const mine = batch.filter((e) => loyaltyKeys(e).includes(key));
  if (mine.length === 0) return state;
  return evolveLoyaltyBatch(
    state,
    mine.map((e, i) => positioned(e, i)),
    key,
    DEFAULT_LOYALTY_POLICY,
  );
}

const size = (state: LoyaltyState): number => JSON.stringify(state).length;

describe('loyalty document size bounds (DESIGN §4 "Bounded")', () => {
  it('Given one customer with 1 000 000 events over 10 years, When folded in batches of 1 000, Then no document ever exceeds 64 KB and the default read is served', () => {
    const key = customerKey('c-hot');
    let state = initialLoyaltyState(key);
    let largest = 0;
    let handled = 0;
    let last = START;
    let folding = 0;
    const started = Date.now();
    for (const batch of customerHistory({
      customerId: 'c-hot',
      events: 1_000_000,
      startMs: START,
      years: 10,
      seed: 7,
    })) {
      const t0 = performance.now();
      const mine = batch.filter((e) => loyaltyKeys(e).includes(key));
      handled += mine.length;
      state = foldBatch(state, mine, key);
      folding += performance.now() - t0;
      largest = Math.max(largest, size(state));
      for (const e of batch) last = Math.max(last, Date.parse(e.occurredAt));
    }
    const seconds = (Date.now() - started) / 1000;
    const read = performance.now();
    const v = loyaltyView(state, new Date(last), DEFAULT_LOYALTY_POLICY);
    const readMs = performance.now() - read;
    // Measured figures for the report (BENCHMARKS.md quotes them).
    process.stdout.write(
      `loyalty hot key: ${handled} loyalty events of 1 000 000, largest document ${largest} B, ` +
        `final ${size(state)} B, ${seconds.toFixed(1)} s including generation, fold ` +
        `${(folding / 1000).toFixed(2)} s (${Math.round(handled / (folding / 1000))} events/s), ` +
        `default read ${readMs.toFixed(0)} ms, tier ${v.tier}, window ${v.window.purchases} purchases, ${state.days.length} day sums, ` +
        `${state.purchases.length} detail purchases, refunds netted after their order was ` +
        `compacted ${state.refunds.filter((r) => r.order !== null).length} in detail, ` +
        `unmatched ${state.compacted.unmatchedRefunds}, exact from ${v.horizon.exactFrom}\n`,
    );
    expect(handled).toBeGreaterThan(100_000);
    expect(largest).toBeLessThanOrEqual(64 * KB);
    // ~30 purchases a day fill the window: every day's sum is there, the tier is the top one.
    expect(v.window.purchases).toBeGreaterThan(9_000);
    expect(v.tier).toBe('very_loyal');
    expect(v.points.balance).toBe(
      v.points.earned - v.points.reversed - v.points.redeemed + v.points.adjusted,
    );
    // The fold itself (what the runner pays) stays well inside the test's ~20 s budget on two
    // shared cores; most of the rest is generating the million events.
    expect(folding / 1000).toBeLessThan(10);
  }, 60_000);

  it('Given 2 000 customers with heavy-tailed history lengths, When folded, Then the p99 document is at most 16 KB', () => {
    const rnd = seeded(2026);
    const sizes: number[] = [];
    let longest = 0;
    for (let c = 0; c < 2_000; c++) {
      // Pareto, shape 1.1, at least 5 events: median ~9, p99 ~330, the longest in the thousands.
      const events = Math.min(200_000, Math.floor(5 / Math.pow(1 - rnd(), 1 / 1.1)));
      longest = Math.max(longest, events);
      const id = `c-${c}`;
      const key = customerKey(id);
      let state = initialLoyaltyState(key);
      const years = Math.min(10, 0.5 + events / 200);
      for (const batch of customerHistory({
        customerId: id,
        events,
        startMs: START,
        years,
        seed: 100 + c,
      })) {
        state = foldBatch(state, batch, key);
      }
      sizes.push(size(state));
    }
    sizes.sort((a, b) => a - b);
    const at = (q: number): number =>
      sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] as number;
    process.stdout.write(
      `loyalty population: 2 000 customers, longest ${longest} events, document p50 ${at(0.5)} B, ` +
        `p90 ${at(0.9)} B, p99 ${at(0.99)} B, max ${at(1)} B\n`,
    );
    expect(at(0.99)).toBeLessThanOrEqual(16 * KB);
    expect(at(1)).toBeLessThanOrEqual(64 * KB);
  }, 120_000);
});
