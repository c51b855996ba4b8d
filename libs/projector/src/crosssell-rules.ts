import {
  type BasketStats,
  type CustomerBasketsState,
  EMPTY_STATS,
  type Rule,
  associationRules,
  basketStats,
  customerKey,
  sumStats,
} from '@touchpoint/projections';
import type { ReadModelStore } from '@touchpoint/ports';
import { documents } from './model-digest';

const SUM_GROUP = 500;

/**
 * Co-purchase statistics are never folded into one global document (two writers, no
 * transactions): each customer document holds its own baskets, idempotently, and the totals
 * are their sum, taken when read. `mergeStats` is commutative and associative, so paging order
 * and grouping do not matter, and the collection is read in one unordered pass.
 */
export async function crosssellStats(
  store: ReadModelStore,
  collection: string,
): Promise<BasketStats> {
  return (await crosssellAggregates(store, collection, null)).stats;
}

export interface CrosssellAggregates {
  readonly stats: BasketStats;
  /** Net spend in the asked currency of every active customer document (for the decile cut). */
  readonly spends: readonly number[];
}

/** The co-purchase totals and, when a currency is given, every customer's net spend, in one pass. */
export async function crosssellAggregates(
  store: ReadModelStore,
  collection: string,
  currency: string | null,
): Promise<CrosssellAggregates> {
  let stats: BasketStats = EMPTY_STATS;
  const spends: number[] = [];
  let partials = [stats];
  for await (const { id, doc } of documents(store, collection)) {
    const state = JSON.parse(doc.state) as CustomerBasketsState;
    partials.push(basketStats(state));
    if (currency !== null && id.startsWith(customerKey('')) && !state.erased && !state.mergedInto)
      spends.push(state.netSpend[currency] ?? 0);
    // Summed a group at a time: adding one document at a time copied the growing totals each time.
    if (partials.length > SUM_GROUP) {
      stats = sumStats(partials);
      partials = [stats];
    }
  }
  return { stats: sumStats(partials), spends };
}

export async function crosssellRules(
  store: ReadModelStore,
  collection: string,
  options: Parameters<typeof associationRules>[1],
): Promise<Rule[]> {
  return associationRules(await crosssellStats(store, collection), options);
}
