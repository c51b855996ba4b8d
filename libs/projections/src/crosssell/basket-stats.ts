import { compareStrings, type CustomerBasketsState } from './crosssell.state';

/** [key, number of baskets containing it]. */
export type KeyCount = readonly [key: string, baskets: number];
/** [a, b, number of baskets containing both], with a < b. */
export type PairCount = readonly [a: string, b: string, baskets: number];

/**
 * [a, b, over, under]: the pair's count may exceed the true one by `over` and fall short of it by
 * `under` (Space-Saving summaries in the aggregate documents, copurchase.ts). Absent = exact.
 */
export type PairBound = readonly [a: string, b: string, over: number, under: number];

export interface LevelStats {
  /** Sorted by key. */
  readonly singles: readonly KeyCount[];
  /** Sorted by (a, b). */
  readonly pairs: readonly PairCount[];
  /** Pairs whose count is not exact, sorted by (a, b); absent when every count is exact. */
  readonly bounds?: readonly PairBound[];
}

/**
 * Co-purchase counts over baskets (one basket = one order). Partial sums are plain JSON arrays in
 * a canonical order, so a partition's partial can be stored and compared byte for byte, and skus
 * containing dots never become document field names.
 */
export interface BasketStats {
  readonly baskets: number;
  readonly item: LevelStats;
  readonly category: LevelStats;
  /** sku → product name, for explanations; the smallest name wins so merging commutes. */
  readonly names: readonly (readonly [sku: string, name: string])[];
}

export const EMPTY_STATS: BasketStats = {
  baskets: 0,
  item: { singles: [], pairs: [] },
  category: { singles: [], pairs: [] },
  names: [],
};

const SEP = '\u0000';

class LevelCounter {
  readonly singles = new Map<string, number>();
  readonly pairs = new Map<string, number>();

  addSingle(key: string, n: number): void {
    this.singles.set(key, (this.singles.get(key) ?? 0) + n);
  }

  addPair(a: string, b: string, n: number): void {
    const k = `${a}${SEP}${b}`;
    this.pairs.set(k, (this.pairs.get(k) ?? 0) + n);
  }

  /** One basket: presence, not quantity, is what association rules count. */
  addBasket(keys: Iterable<string>): void {
    const distinct = [...new Set(keys)].sort(compareStrings);
    distinct.forEach((a, i) => {
      this.addSingle(a, 1);
      for (const b of distinct.slice(i + 1)) this.addPair(a, b, 1);
    });
  }

  addLevel(level: LevelStats): void {
    for (const [key, n] of level.singles) this.addSingle(key, n);
    for (const [a, b, n] of level.pairs) this.addPair(a, b, n);
  }

  toStats(): LevelStats {
    const singles = [...this.singles.entries()].sort((x, y) => compareStrings(x[0], y[0]));
    const pairs = [...this.pairs.entries()]
      .sort((x, y) => compareStrings(x[0], y[0]))
      .map(([k, n]): PairCount => {
        const cut = k.indexOf(SEP);
        return [k.slice(0, cut), k.slice(cut + 1), n];
      });
    return { singles, pairs };
  }
}

function mergeNames(target: Map<string, string>, names: Iterable<readonly [string, string]>): void {
  for (const [sku, name] of names) {
    const current = target.get(sku);
    if (current === undefined || compareStrings(name, current) < 0) target.set(sku, name);
  }
}

function namesOf(target: Map<string, string>): [string, string][] {
  return [...target.entries()].sort((x, y) => compareStrings(x[0], y[0]));
}

/**
 * The statistics of one document's detail baskets (a recount, for tests and tools; the store-wide
 * figures come from the aggregate documents the fold keeps, copurchase.ts). Every basket counts, whether the
 * customer was since erased, retired by a merge, or never identified (a visitor), and refunds
 * do not change it (see `deriveOwnership`).
 */
export function basketStats(state: CustomerBasketsState): BasketStats {
  const item = new LevelCounter();
  const category = new LevelCounter();
  const names = new Map<string, string>();
  for (const basket of state.baskets) {
    item.addBasket(basket.lines.map((l) => l.sku));
    category.addBasket(basket.lines.map((l) => l.category));
    mergeNames(
      names,
      basket.lines.map((l): [string, string] => [l.sku, l.name]),
    );
  }
  return {
    baskets: state.baskets.length,
    item: item.toStats(),
    category: category.toStats(),
    names: namesOf(names),
  };
}

/**
 * Sums two partials. Commutative and associative with identity EMPTY_STATS, so the shell may add
 * per-customer or per-partition partials in any grouping and order. Counts of one basket are
 * only ever in one document (baskets are keyed by orderId within the customer's document), so
 * summing never double-counts.
 */
export function mergeStats(a: BasketStats, b: BasketStats): BasketStats {
  return sumStats([a, b]);
}

/** Folds any number of partials in one pass (e.g. every document of a replay). */
export function sumStats(parts: Iterable<BasketStats>): BasketStats {
  const item = new LevelCounter();
  const category = new LevelCounter();
  const names = new Map<string, string>();
  let baskets = 0;
  for (const part of parts) {
    baskets += part.baskets;
    item.addLevel(part.item);
    category.addLevel(part.category);
    mergeNames(names, part.names);
  }
  return { baskets, item: item.toStats(), category: category.toStats(), names: namesOf(names) };
}
