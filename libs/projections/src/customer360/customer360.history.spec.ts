import fc from 'fast-check';
import { type CategoryTotal, HISTORY_CATEGORIES, addCategoryCapped } from './customer360.history';

/** Folds orders (one category each) into capped totals; returns them and the true counts. */
function fold(categories: readonly string[]) {
  const totals: Record<string, CategoryTotal> = {};
  const truth = new Map<string, number>();
  for (const c of categories) {
    addCategoryCapped(totals, c, { orders: 1, quantity: 2 });
    truth.set(c, (truth.get(c) ?? 0) + 1);
  }
  return { totals, truth };
}

describe('customer360 history: category totals capped at HISTORY_CATEGORIES', () => {
  it('given fewer distinct categories than the cap, when orders arrive in any order, then every count is exact and the totals do not depend on the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: HISTORY_CATEGORIES - 1 }), { maxLength: 300 }),
        (picks) => {
          const names = picks.map((p) => `c-${p}`);
          const { totals, truth } = fold(names);
          const reversed = fold([...names].reverse()).totals;
          for (const [c, n] of truth) {
            expect(totals[c]).toEqual({ orders: n, quantity: 2 * n });
            expect(reversed[c]).toEqual(totals[c]);
          }
          expect(Object.keys(totals).length).toBe(truth.size);
        },
      ),
    );
  });

  it('given more distinct categories than the cap, when orders arrive, then at most the cap is kept, no count is below its true one or above it by more than its `over`, and a category no longer listed had at most the smallest listed count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 * HISTORY_CATEGORIES }), { maxLength: 2000 }),
        (picks) => {
          const { totals, truth } = fold(picks.map((p) => `c-${p}`));
          const kept = Object.entries(totals);
          expect(kept.length).toBeLessThanOrEqual(HISTORY_CATEGORIES);
          for (const [c, t] of kept) {
            const n = truth.get(c) ?? 0;
            expect(t.orders).toBeGreaterThanOrEqual(n);
            expect(t.orders - n).toBeLessThanOrEqual(t.over ?? 0);
          }
          const smallest = Math.min(...kept.map(([, t]) => t.orders));
          for (const [c, n] of truth)
            if (totals[c] === undefined) expect(n).toBeLessThanOrEqual(smallest);
        },
      ),
      { numRuns: 60 },
    );
  });
});
