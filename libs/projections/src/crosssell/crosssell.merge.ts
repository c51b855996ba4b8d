import { customerKey, visitorKey } from '../projection.types';
import { type CrosssellPolicy } from './crosssell.policy';
import {
  EMPTY_PAST,
  compareStrings,
  isLater,
  keptVisitorLinks,
  newerSku,
  sortedUnique,
  type CustomerBasketsState,
  type PastBaskets,
  type PastGift,
  type PastSku,
  type PastSpend,
  type VisitorLink,
} from './crosssell.state';

function joinVisitorLinks(a: readonly VisitorLink[], b: readonly VisitorLink[]): VisitorLink[] {
  const latest = new Map(a);
  for (const [id, ms] of b) latest.set(id, Math.max(ms, latest.get(id) ?? ms));
  return keptVisitorLinks(latest);
}

/**
 * Documents a customer's cross-sell view also needs: the visitors identified as the customer
 * (their anonymous baskets) and the customers merged into it. The reader loads them, asks again
 * of each loaded customer document until no new key appears, then calls `mergeCrosssellStates`.
 */
export function crosssellRelatedKeys(state: CustomerBasketsState): string[] {
  return [
    ...state.linkedVisitors.map(([id]) => visitorKey(id)),
    ...state.mergedFrom.map(customerKey),
  ];
}

/**
 * Two basket states as one: detail orders and refunds of either, one per business key with the
 * lowest-event-id rule `evolve` applies (an order present on two documents, bought as a visitor
 * and re-sent after sign-in, is one basket), erasure absorbing. Compacted `past` figures are
 * summed and kept newest-per-key, so the join is commutative and associative; it is idempotent
 * on detail, and the reader passes each related document once (by key), which is what the sums
 * need. Nothing is compacted again: a merged state is only viewed, never stored.
 */
export function joinCrosssellStates(
  a: CustomerBasketsState,
  b: CustomerBasketsState,
  _policy: CrosssellPolicy,
): CustomerBasketsState {
  const baskets = new Map(a.baskets.map((x) => [x.orderId, x]));
  for (const x of b.baskets) {
    const mine = baskets.get(x.orderId);
    if (mine === undefined || x.eventId < mine.eventId) baskets.set(x.orderId, x);
  }
  const refunds = new Map(a.refunds.map((r) => [`${r.orderId}\u0000${r.refundId}`, r]));
  for (const r of b.refunds) {
    const id = `${r.orderId}\u0000${r.refundId}`;
    const mine = refunds.get(id);
    if (mine === undefined || r.eventId < mine.eventId) refunds.set(id, r);
  }
  const erased = a.erased || b.erased;
  const mergedInto =
    a.mergedInto === null
      ? b.mergedInto
      : b.mergedInto === null || compareStrings(a.mergedInto, b.mergedInto) <= 0
        ? a.mergedInto
        : b.mergedInto;
  const max = (x: number | null, y: number | null): number | null =>
    x === null ? y : y === null ? x : Math.max(x, y);
  return {
    erased,
    mergedInto,
    mergedFrom: sortedUnique([...a.mergedFrom, ...b.mergedFrom]),
    linkedVisitors: joinVisitorLinks(a.linkedVisitors, b.linkedVisitors),
    newestMs: max(a.newestMs, b.newestMs),
    compactedBeforeMs: max(a.compactedBeforeMs, b.compactedBeforeMs),
    baskets: [...baskets.values()]
      .map((x) => (erased ? { ...x, occurredAt: null, currency: null, total: null } : x))
      .sort((x, y) => compareStrings(x.orderId, y.orderId)),
    refunds: erased
      ? []
      : [...refunds.values()].sort(
          (x, y) => compareStrings(x.orderId, y.orderId) || compareStrings(x.refundId, y.refundId),
        ),
    past: erased
      ? { ...EMPTY_PAST, orders: a.past.orders + b.past.orders }
      : joinPast(a.past, b.past),
  };
}

function joinPast(a: PastBaskets, b: PastBaskets): PastBaskets {
  const spend = new Map<string, [number, number, number]>();
  for (const [c, n, total, refunded] of [...a.spend, ...b.spend]) {
    const s = spend.get(c) ?? [0, 0, 0];
    spend.set(c, [s[0] + n, s[1] + total, s[2] + refunded]);
  }
  const skus = new Map<string, PastSku>();
  for (const s of [...a.skus, ...b.skus]) {
    const mine = skus.get(s[0]);
    if (mine === undefined || newerSku(s, mine)) {
      skus.set(s[0], s);
    }
  }
  const gifts = new Map<string, PastGift>();
  for (const g of [...a.gifts, ...b.gifts]) {
    const id = `${g[0]}\u0000${g[1]}`;
    const mine = gifts.get(id);
    if (mine === undefined || isLater(g[2], mine[2])) gifts.set(id, g);
  }
  return {
    orders: a.orders + b.orders,
    spend: [...spend.entries()]
      .sort((x, y) => compareStrings(x[0], y[0]))
      .map(([c, [n, total, refunded]]): PastSpend => [c, n, total, refunded]),
    // A merged view shows what either document remembers; the cap applies when documents are stored.
    skus: [...skus.values()].sort((x, y) => compareStrings(x[0], y[0])),
    gifts: [...gifts.values()].sort(
      (x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]),
    ),
  };
}

/**
 * One cross-sell state for the person behind `primary`: its baskets plus those of the visitor
 * documents linked to it and of the customers merged into it (`crosssellRelatedKeys`, followed
 * to closure), as if all had been folded into `primary`. Because a pure `evolve` sees one
 * document and a visit can come after the link, this runs at read time; the join is
 * commutative and associative, so neither the order of `related` nor which arrived first
 * matter (each related document is passed once), and an order on two documents counts once. An erasure of any
 * customer in the set (the same person) erases the result: no dates, amounts or offers. The
 * result keeps the primary's `mergedInto`. Use it with `crosssellProjection.view` and
 * `recommend` as usual; the store-wide statistics (`basketStats` per document) are unchanged.
 */
export function mergeCrosssellStates(
  primary: CustomerBasketsState,
  related: readonly CustomerBasketsState[],
  policy: CrosssellPolicy,
): CustomerBasketsState {
  let merged = primary;
  for (const other of related) merged = joinCrosssellStates(merged, other, policy);
  return { ...merged, mergedInto: primary.mergedInto };
}
