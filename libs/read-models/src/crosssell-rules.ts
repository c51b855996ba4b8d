import {
  type BasketStats,
  type CustomerBasketsState,
  type Rule,
  associationRules,
  basketsProfile,
  copurchaseStats,
  crosssellProjection,
  customerKey,
} from '@touchpoint/projections';
import type { ReadModelStore } from '@touchpoint/ports';
import { copurchaseDocs } from './crosssell-aggregates';
import { documents, readState } from './stored-document';

/**
 * Co-purchase statistics, summed from the aggregate documents the fold keeps (one per partition
 * and item or category, crosssell-aggregates.ts): the cost depends on the catalogue and the
 * partitions, never on the number of customers.
 */
export async function crosssellStats(
  store: ReadModelStore,
  collection: string,
): Promise<BasketStats> {
  return copurchaseStats(await copurchaseDocs(store, collection));
}

export interface CrosssellAggregates {
  readonly stats: BasketStats;
  /** Net spend in the asked currency of every active customer document (for the decile cut). */
  readonly spends: readonly number[];
}

/**
 * The co-purchase totals and, when a currency is given, every customer's net spend. The spends
 * are still one pass over the customer documents (the value-segment decile cut); the
 * co-purchase totals are not.
 */
export async function crosssellAggregates(
  store: ReadModelStore,
  collection: string,
  currency: string | null,
  policy?: Parameters<typeof basketsProfile>[1],
): Promise<CrosssellAggregates> {
  const stats = await crosssellStats(store, collection);
  const spends: number[] = [];
  if (currency !== null && policy !== undefined) {
    for await (const { id, doc } of documents(store, collection)) {
      if (!id.startsWith(customerKey(''))) continue;
      const state = readState<CustomerBasketsState>(doc, crosssellProjection);
      if (state.erased || state.mergedInto !== null) continue;
      spends.push(basketsProfile(state, policy).netSpend[currency] ?? 0);
    }
  }
  return { stats, spends };
}

export async function crosssellRules(
  store: ReadModelStore,
  collection: string,
  options: Parameters<typeof associationRules>[1],
): Promise<Rule[]> {
  return associationRules(await crosssellStats(store, collection), options);
}
