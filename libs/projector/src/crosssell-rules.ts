import {
  type BasketStats,
  type CustomerBasketsState,
  EMPTY_STATS,
  type Rule,
  associationRules,
  basketStats,
  mergeStats,
} from '@touchpoint/projections';
import type { ReadModelStore } from '@touchpoint/ports';
import type { StoredProjectionDoc } from './projection-runner';

const PAGE = 500;

/**
 * Co-purchase statistics are never folded into one global document (two writers, no
 * transactions): each customer document holds its own baskets, idempotently, and the totals
 * are their sum, taken when read. `mergeStats` is commutative and associative, so paging order
 * and grouping do not matter.
 */
export async function crosssellStats(
  store: ReadModelStore,
  collection: string,
): Promise<BasketStats> {
  let total: BasketStats = EMPTY_STATS;
  let afterId: string | undefined;
  for (;;) {
    const page = await store.page<StoredProjectionDoc>(collection, { afterId, limit: PAGE });
    for (const { doc } of page)
      total = mergeStats(total, basketStats(JSON.parse(doc.state) as CustomerBasketsState));
    if (page.length < PAGE) return total;
    afterId = page[page.length - 1]!.id;
  }
}

export async function crosssellRules(
  store: ReadModelStore,
  collection: string,
  options: Parameters<typeof associationRules>[1],
): Promise<Rule[]> {
  return associationRules(await crosssellStats(store, collection), options);
}
