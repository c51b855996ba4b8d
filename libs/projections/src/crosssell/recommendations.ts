import { type Rule } from './association-rules';
import {
  categoryWithin,
  type CategoryChain,
  type CrosssellPolicy,
  type ValueSegmentChain,
} from './crosssell.policy';
import {
  assertExactAsOf,
  basketsProfile,
  type CustomerBasketsState,
  type OwnedPurchase,
} from './crosssell.state';

export interface RecommendContext {
  /** Mined from the summed statistics, in the order they should be preferred. */
  readonly rules: readonly Rule[];
  /** Minor units of `policy.currency`: the top-decile cut (see `spendDecileThreshold`). */
  readonly spendDecileThreshold: number;
  readonly asOf: Date;
}

export type RecommendationSource = 'value_segment_chain' | 'category_chain' | 'association_rule';

/** The purchase that made the recommendation apply. */
export interface Trigger {
  readonly orderId: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly purchasedAt: string;
}

export interface Recommendation {
  readonly kind: 'sku' | 'category';
  readonly target: string;
  readonly name: string | null;
  readonly source: RecommendationSource;
  /** For the agent's screen: names the rule with its measures, or the configured chain. */
  readonly explanation: string;
  readonly rule: Rule | null;
  readonly chain: CategoryChain | ValueSegmentChain | null;
  readonly trigger: Trigger;
}

const DAY_MS = 86_400_000;

/**
 * The spend a customer needs to be in the top decile: the smallest spend among the top
 * ceil(n / 10) spenders (ties at the cut are all in). With no spends nobody qualifies, hence
 * +Infinity.
 */
export function spendDecileThreshold(spends: readonly number[]): number {
  if (spends.length === 0) return Number.POSITIVE_INFINITY;
  const desc = [...spends].sort((a, b) => b - a);
  return desc[Math.ceil(desc.length / 10) - 1] ?? Number.POSITIVE_INFINITY;
}

function trigger({ orderId, sku, name, category, purchasedAt }: OwnedPurchase): Trigger {
  return { orderId, sku, name, category, purchasedAt };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function label(code: string, name: string | null): string {
  return name === null ? code : `${code} "${name}"`;
}

function bought(p: OwnedPurchase): string {
  return `bought ${label(p.sku, p.name)} (${p.category}) on ${p.purchasedAt.slice(0, 10)}`;
}

function ruleExplanation(rule: Rule, p: OwnedPurchase): string {
  const c = rule.counts;
  return (
    `Association rule ${rule.antecedent} → ${rule.consequent} (${rule.level} level): ` +
    `support ${pct(rule.support)} (${c.both} of ${c.baskets} baskets), ` +
    `confidence ${pct(rule.confidence)} (${c.both} of ${c.antecedent} baskets with ${rule.antecedent}), ` +
    `lift ${rule.lift.toFixed(2)}; the customer ${bought(p)}.`
  );
}

interface Candidate {
  readonly rank: readonly [number, number];
  readonly rec: Recommendation;
}

/**
 * Top-N next purchases for one customer. Sources, strongest first: value-segment chains (a
 * targeted business rule), category chains (configured), then mined association rules in the
 * order given. Nothing the customer owns — or returned — is recommended: a sku they have, or a
 * category in which they already own something. Erased and retired customers get nothing.
 */
export function recommend(
  customer: CustomerBasketsState,
  context: RecommendContext,
  policy: CrosssellPolicy,
): Recommendation[] {
  if (customer.erased || customer.mergedInto !== null) return [];
  assertExactAsOf(customer, context.asOf);
  const asOfMs = context.asOf.getTime();
  const profile = basketsProfile(customer, policy);
  // Lines the customer still owns, bought at or before asOf, newest first.
  const purchases = profile.purchases.filter((p) => p.at <= asOfMs);
  const ownedSkus = new Set(profile.ownedSkus);
  const returnedSkus = new Set(profile.returnedSkus);
  const ownsSku = (sku: string): boolean => ownedSkus.has(sku) || returnedSkus.has(sku);
  const ownsCategory = (target: string): boolean =>
    profile.ownedCategories.some((c) => categoryWithin(c, target));
  const latestIn = (root: string, withinDays: number | null): OwnedPurchase | undefined =>
    purchases.find(
      (p) =>
        categoryWithin(p.category, root) &&
        (withinDays === null || asOfMs - p.at <= withinDays * DAY_MS),
    );

  const candidates: Candidate[] = [];

  const spend = profile.netSpend[policy.currency] ?? 0;
  const topDecile =
    Number.isFinite(context.spendDecileThreshold) &&
    spend > 0 &&
    spend >= context.spendDecileThreshold;
  if (topDecile) {
    policy.valueSegmentChains.forEach((chain, i) => {
      if (ownsCategory(chain.to)) return;
      const p = latestIn(chain.from, chain.withinDays);
      if (p === undefined) return;
      const days = Math.floor((asOfMs - p.at) / DAY_MS);
      candidates.push({
        rank: [0, i],
        rec: {
          kind: 'category',
          target: chain.to,
          name: null,
          source: 'value_segment_chain',
          explanation:
            `Value-segment chain ${chain.from} → ${chain.to}: a top-decile customer ` +
            `(net spend ${spend} ≥ cut ${context.spendDecileThreshold}, ${policy.currency} minor units) ` +
            `who ${bought(p)}, ${days} days ago (within ${chain.withinDays}).`,
          rule: null,
          chain,
          trigger: trigger(p),
        },
      });
    });
  }

  policy.categoryChains.forEach((chain, i) => {
    if (ownsCategory(chain.to)) return;
    const p = latestIn(chain.from, chain.withinDays);
    if (p === undefined) return;
    const window = chain.withinDays === null ? '' : ` (within ${chain.withinDays} days)`;
    candidates.push({
      rank: [1, i],
      rec: {
        kind: 'category',
        target: chain.to,
        name: null,
        source: 'category_chain',
        explanation: `Configured chain ${chain.from} → ${chain.to}${window}: the customer ${bought(p)}.`,
        rule: null,
        chain,
        trigger: trigger(p),
      },
    });
  });

  context.rules.forEach((rule, i) => {
    const item = rule.level === 'item';
    if (item ? ownsSku(rule.consequent) : ownsCategory(rule.consequent)) return;
    const p = purchases.find((x) => (item ? x.sku : x.category) === rule.antecedent);
    if (p === undefined) return;
    candidates.push({
      rank: [2, i],
      rec: {
        kind: item ? 'sku' : 'category',
        target: rule.consequent,
        name: rule.consequentName,
        source: 'association_rule',
        explanation: ruleExplanation(rule, p),
        rule,
        chain: null,
        trigger: trigger(p),
      },
    });
  });

  candidates.sort((x, y) => x.rank[0] - y.rank[0] || x.rank[1] - y.rank[1]);
  const seen = new Set<string>();
  const out: Recommendation[] = [];
  for (const { rec } of candidates) {
    const id = `${rec.kind}:${rec.target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(rec);
    if (out.length >= policy.topN) break;
  }
  return out;
}
