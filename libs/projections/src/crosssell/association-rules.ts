import { type BasketStats } from './basket-stats';
import { compareStrings } from './crosssell.state';

export type RuleLevel = 'item' | 'category';
export type RuleSort = 'lift' | 'confidence' | 'support';

export interface RuleOptions {
  readonly level: RuleLevel;
  readonly minSupport: number;
  readonly minConfidence: number;
  /** Default 'lift'. */
  readonly sortBy?: RuleSort;
  /** Keep only the first `limit` rules after sorting. */
  readonly limit?: number;
}

/** A → B with the standard association-rule measures and the counts they come from. */
export interface Rule {
  readonly level: RuleLevel;
  readonly antecedent: string;
  readonly consequent: string;
  /** Product names at item level, when known; null at category level. */
  readonly antecedentName: string | null;
  readonly consequentName: string | null;
  /** Baskets with A and B ÷ all baskets. */
  readonly support: number;
  /** Baskets with A and B ÷ baskets with A. */
  readonly confidence: number;
  /** confidence ÷ support(B). */
  readonly lift: number;
  readonly counts: {
    readonly baskets: number;
    readonly antecedent: number;
    readonly consequent: number;
    readonly both: number;
  };
  /**
   * Null when `both` is exact. Otherwise the Space-Saving bound of the aggregate documents:
   * the true count lies in [both − over, both + under] (docs/models.md).
   */
  readonly bothError: { readonly over: number; readonly under: number } | null;
}

/**
 * Mines every pair rule A → B (both directions of each co-purchased pair) that meets the
 * thresholds. Each measure is one division of integers, so equal ratios are equal doubles and
 * ties (and the ordering) are exact, whichever partial sums the counts came from.
 */
export function associationRules(stats: BasketStats, options: RuleOptions): Rule[] {
  const level = stats[options.level];
  const n = stats.baskets;
  if (n === 0) return [];
  const single = new Map(level.singles);
  const names = new Map(options.level === 'item' ? stats.names : []);
  const bounds = new Map(
    (level.bounds ?? []).map(([a, b, over, under]) => [`${a}\u0000${b}`, { over, under }]),
  );
  const rules: Rule[] = [];
  const consider = (a: string, b: string, both: number, bothError: Rule['bothError']): void => {
    const nA = single.get(a) ?? 0;
    const nB = single.get(b) ?? 0;
    if (nA === 0 || nB === 0) return;
    const support = both / n;
    const confidence = both / nA;
    if (support < options.minSupport || confidence < options.minConfidence) return;
    rules.push({
      level: options.level,
      antecedent: a,
      consequent: b,
      antecedentName: names.get(a) ?? null,
      consequentName: names.get(b) ?? null,
      support,
      confidence,
      lift: (both * n) / (nA * nB),
      counts: { baskets: n, antecedent: nA, consequent: nB, both },
      bothError,
    });
  };
  for (const [a, b, both] of level.pairs) {
    const bound = bounds.get(`${a}\u0000${b}`) ?? null;
    consider(a, b, both, bound);
    consider(b, a, both, bound);
  }
  const by = options.sortBy ?? 'lift';
  rules.sort(
    (x, y) =>
      y[by] - x[by] ||
      compareStrings(x.antecedent, y.antecedent) ||
      compareStrings(x.consequent, y.consequent),
  );
  return options.limit === undefined ? rules : rules.slice(0, Math.max(0, options.limit));
}
