import { parseOffsetTimestamp } from '@touchpoint/contracts';
import { asOfBeyondHorizon } from '../horizon';
import { newestLinks } from '../identity-links';
import { categoryWithin, type CrosssellPolicy } from './crosssell.policy';

/**
 * One customer's (or one visitor's) baskets, bounded (DESIGN §4 "Bounded"): orders and refunds
 * whose event time is at or after `compactedBeforeMs` are kept in detail (for idempotence by
 * event id and order id, exact `asOf` views and the triggers shown to agents); older ones are
 * compacted into `past`, whose sums and newest-per-key entries commute, so the document is a
 * function of the *set* of events it has seen (modulo duplicates of events older than the
 * horizon, which cannot be recognised; `beyondHorizon` reports them). Lists are sorted and keyed
 * by value rather than by object keys because order ids and skus may contain dots, which
 * MongoDB/FerretDB field names cannot safely hold. Store-wide co-purchase counts are not here:
 * the fold reports each basket once to the aggregate documents (crosssell.evolve.ts).
 */
export interface CustomerBasketsState {
  readonly erased: boolean;
  /** Set on a retired duplicate: its baskets still count in aggregates, it gets no offers. */
  readonly mergedInto: string | null;
  readonly mergedFrom: readonly string[];
  /**
   * Visitors identified as this customer (`customer.identified`), sorted by id, each with its
   * latest identification; the LINKED_VISITORS newest (identity-links.ts). Their baskets stay on
   * their `visitor:<id>` documents and join the customer's at read time (`mergeCrosssellStates`).
   */
  readonly linkedVisitors: readonly VisitorLink[];
  /** The newest event time (ms) of an order or refund seen: the horizon is measured from it. */
  readonly newestMs: number | null;
  /**
   * Orders and refunds older than this instant (ms) are in `past`, not in detail: the later of
   * `newestMs − horizonDays` and the time of the `detailRecords`-th newest record. Never
   * decreases. Null before the first order or refund.
   */
  readonly compactedBeforeMs: number | null;
  /** Detail: one per orderId, sorted by orderId. */
  readonly baskets: readonly Basket[];
  /** Detail: one per (orderId, refundId), sorted; kept even when the order has not arrived yet. */
  readonly refunds: readonly RefundRecord[];
  readonly past: PastBaskets;
}

/** A visitor identified as the customer and the event time (ms) of its latest identification. */
export type VisitorLink = readonly [anonymousId: string, identifiedMs: number];

/** The LINKED_VISITORS newest links, sorted by id (identity-links.ts). */
export function keptVisitorLinks(links: Iterable<VisitorLink>): VisitorLink[] {
  const byId = [...links].sort((a, b) => compareStrings(a[0], b[0]));
  return [...newestLinks(byId, (a, b) => a[1] - b[1] || compareStrings(a[0], b[0]))];
}

export interface BasketLine {
  readonly sku: string;
  /** Catalogue name, not personal data; shown to agents in explanations. */
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface Basket {
  readonly orderId: string;
  /** The event this version came from; among re-sends of one order the lowest id is kept. */
  readonly eventId: string;
  /** Null once the customer is erased: dates and amounts are behaviour, contents are not. */
  readonly occurredAt: string | null;
  /** `occurredAt` as an instant (ms): the horizon's measure only (kept after erasure). */
  readonly at: number;
  readonly currency: string | null;
  readonly total: number | null;
  readonly lines: readonly BasketLine[];
}

export interface RefundRecord {
  readonly orderId: string;
  readonly refundId: string;
  readonly eventId: string;
  /** The refund's event time (ms). */
  readonly at: number;
  readonly amount: number;
  readonly currency: string;
  /** Null = the event named no items (see `deriveOwnership` for what that means). */
  readonly items: readonly { readonly sku: string; readonly quantity: number }[] | null;
}

/** [currency, orders, sum of their totals, sum of refunds] of compacted records. */
export type PastSpend = readonly [
  currency: string,
  orders: number,
  total: number,
  refunded: number,
];
/** The newest purchase of a sku among compacted orders. */
export type PastSku = readonly [
  sku: string,
  name: string,
  category: string,
  orderId: string,
  purchasedAt: string,
];
/** The newest gift purchase (as sent, local time) per gift root and local `YYYY-MM`. */
export type PastGift = readonly [root: string, yearMonth: string, purchasedAt: string];

/**
 * Compacted orders and refunds. Sums commute; per-key entries keep the newest by event time, so
 * the result is the same whichever order records were compacted in. Sorted by their keys.
 */
export interface PastBaskets {
  readonly orders: number;
  readonly spend: readonly PastSpend[];
  /**
   * What the customer bought in compacted orders, the `policy.pastSkus` most recently bought.
   * A compacted order's lines count as owned whatever was refunded on it: returns are matched to
   * orders only within the detail (see docs/models.md).
   */
  readonly skus: readonly PastSku[];
  readonly gifts: readonly PastGift[];
}

export const EMPTY_PAST: PastBaskets = { orders: 0, spend: [], skus: [], gifts: [] };

export const EMPTY_BASKETS_STATE: CustomerBasketsState = {
  erased: false,
  mergedInto: null,
  mergedFrom: [],
  linkedVisitors: [],
  newestMs: null,
  compactedBeforeMs: null,
  baskets: [],
  refunds: [],
  past: EMPTY_PAST,
};

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** True when something was compacted, so views before `compactedBeforeMs` would be approximate. */
export function hasPast(state: CustomerBasketsState): boolean {
  return state.past.orders > 0 || state.past.spend.length > 0;
}

export function exactFrom(state: CustomerBasketsState): string | null {
  return hasPast(state) && state.compactedBeforeMs !== null
    ? new Date(state.compactedBeforeMs).toISOString()
    : null;
}

/**
 * Purchases dated before the compacted instant are summarised, not listed, so a view as of an
 * earlier time (which must leave out what was bought after it) could only be approximated.
 */
export function assertExactAsOf(state: CustomerBasketsState, asOf: Date): void {
  if (
    hasPast(state) &&
    state.compactedBeforeMs !== null &&
    asOf.getTime() < state.compactedBeforeMs
  ) {
    throw asOfBeyondHorizon('crosssell', asOf, state.compactedBeforeMs);
  }
}

interface Ownership {
  readonly owned: readonly BasketLine[];
  readonly returned: readonly BasketLine[];
}

/**
 * Refunds decide what the customer still *owns* (nobody should be told to buy what they have,
 * and a returned item is not "owned"), but they never change the basket contents used for
 * co-purchase statistics: the checkout is the co-purchase signal, and most refunds (a late
 * delivery fee, goodwill) say nothing about which products go together.
 *
 * A refund naming items returns those quantities. A refund naming none is, per the contract,
 * "the whole order" — but channels also send item-less refunds for fees (the catalogue example
 * refunds a 25.00 delivery fee), so only item-less refunds summing to at least the order total
 * return every line; smaller ones are money back only.
 */
export function deriveOwnership(basket: Basket, refunds: readonly RefundRecord[]): Ownership {
  const mine = refunds.filter((r) => r.orderId === basket.orderId);
  if (mine.length === 0) return { owned: basket.lines, returned: [] };
  const moneyOnly = mine.filter((r) => r.items === null).reduce((sum, r) => sum + r.amount, 0);
  if (mine.some((r) => r.items === null) && moneyOnly >= (basket.total ?? 0)) {
    return { owned: [], returned: basket.lines };
  }
  const refundedQty = new Map<string, number>();
  for (const r of mine) {
    for (const item of r.items ?? []) {
      refundedQty.set(item.sku, (refundedQty.get(item.sku) ?? 0) + item.quantity);
    }
  }
  const owned: BasketLine[] = [];
  const returned: BasketLine[] = [];
  const boughtQty = new Map<string, number>();
  for (const line of basket.lines) {
    boughtQty.set(line.sku, (boughtQty.get(line.sku) ?? 0) + line.quantity);
  }
  for (const line of basket.lines) {
    const net = (boughtQty.get(line.sku) ?? 0) - (refundedQty.get(line.sku) ?? 0);
    (net > 0 ? owned : returned).push(line);
  }
  return { owned, returned };
}

/** Local calendar facts of an `occurredAt` as sent: a gift bought "in May" is local time. */
export function localYearMonth(occurredAt: string): { year: number; month: number } {
  return { year: Number(occurredAt.slice(0, 4)), month: Number(occurredAt.slice(5, 7)) };
}

export function instantOf(occurredAt: string): number {
  // Only validated events reach the state, so the timestamp always parses.
  return parseOffsetTimestamp(occurredAt) ?? Number.NaN;
}

/** Later by instant, ties broken by the string, so "newest" never depends on arrival order. */
export function isLater(a: string, b: string): boolean {
  const x = instantOf(a);
  const y = instantOf(b);
  return x > y || (x === y && a > b);
}

/**
 * Whether `a` is the newer purchase: by instant, then by the string as sent, then the smaller
 * order id, name and sku, so "newest" never depends on the order records were compacted in.
 */
export function newerSku(a: PastSku, b: PastSku): boolean {
  const x = instantOf(a[4]);
  const y = instantOf(b[4]);
  if (x !== y) return x > y;
  if (a[4] !== b[4]) return a[4] > b[4];
  if (a[3] !== b[3]) return a[3] < b[3];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] !== b[2] ? a[2] < b[2] : a[0] < b[0];
}

/** A purchase the customer still owns, for triggers (newest first when listed). */
export interface OwnedPurchase {
  readonly orderId: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly purchasedAt: string;
  readonly at: number;
}

/**
 * What the views and the recommender read, derived from detail and `past` together: the same
 * figures the unbounded model stored, computed once per read.
 */
export interface BasketsProfile {
  readonly orders: number;
  readonly ownedSkus: readonly string[];
  readonly ownedCategories: readonly string[];
  /** Fully returned and not owned through another order. */
  readonly returnedSkus: readonly string[];
  /** Net of refunds, integer minor units per ISO currency (never converted), never negative. */
  readonly netSpend: Readonly<Record<string, number>>;
  /** Gift root category → purchase dates as sent (the newest per local month and year is enough). */
  readonly giftPurchases: Readonly<Record<string, readonly string[]>>;
  /** Every owned purchase (newest per sku from `past`), newest first. */
  readonly purchases: readonly OwnedPurchase[];
}

/**
 * Every refund counts against spend, whether or not its order is in the document: an order
 * compacted away cannot be told apart from one not yet received, and a sum that never looks at
 * orders is the same in any arrival order. With every order received this is exactly the
 * unbounded model's figure (which counted a refund once its order was known).
 */
export function basketsProfile(
  state: CustomerBasketsState,
  policy: CrosssellPolicy,
): BasketsProfile {
  const orders = state.baskets.length + state.past.orders;
  if (state.erased) {
    return {
      orders,
      ownedSkus: [],
      ownedCategories: [],
      returnedSkus: [],
      netSpend: {},
      giftPurchases: {},
      purchases: [],
    };
  }
  const ownedSkus = new Set<string>();
  const ownedCategories = new Set<string>();
  const returnedSkus = new Set<string>();
  const spend = new Map<string, number>();
  const currencies = new Set<string>();
  const gifts = new Map<string, Set<string>>();
  const purchases: OwnedPurchase[] = [];

  for (const [currency, count, total, refunded] of state.past.spend) {
    spend.set(currency, (spend.get(currency) ?? 0) + total - refunded);
    if (count > 0) currencies.add(currency);
  }
  for (const [sku, name, category, orderId, purchasedAt] of state.past.skus) {
    ownedSkus.add(sku);
    ownedCategories.add(category);
    purchases.push({ orderId, sku, name, category, purchasedAt, at: instantOf(purchasedAt) });
  }
  for (const [root, , purchasedAt] of state.past.gifts) {
    const dates = gifts.get(root) ?? new Set<string>();
    dates.add(purchasedAt);
    gifts.set(root, dates);
  }
  const byOrder = new Map<string, RefundRecord[]>();
  for (const r of state.refunds) {
    spend.set(r.currency, (spend.get(r.currency) ?? 0) - r.amount);
    const list = byOrder.get(r.orderId) ?? [];
    list.push(r);
    byOrder.set(r.orderId, list);
  }
  for (const basket of state.baskets) {
    const refunds = byOrder.get(basket.orderId) ?? [];
    // As in the unbounded model: a refund's currency shows once its order is known.
    for (const r of refunds) currencies.add(r.currency);
    const { owned, returned } = deriveOwnership(basket, refunds);
    for (const line of owned) {
      ownedSkus.add(line.sku);
      ownedCategories.add(line.category);
    }
    for (const line of returned) returnedSkus.add(line.sku);
    if (basket.currency !== null && basket.total !== null) {
      spend.set(basket.currency, (spend.get(basket.currency) ?? 0) + basket.total);
      currencies.add(basket.currency);
    }
    if (basket.occurredAt === null) continue;
    for (const line of owned) {
      purchases.push({
        orderId: basket.orderId,
        sku: line.sku,
        name: line.name,
        category: line.category,
        purchasedAt: basket.occurredAt,
        at: basket.at,
      });
    }
    for (const line of basket.lines) {
      for (const root of policy.giftCategories) {
        if (!categoryWithin(line.category, root)) continue;
        const dates = gifts.get(root) ?? new Set<string>();
        dates.add(basket.occurredAt);
        gifts.set(root, dates);
      }
    }
  }

  const netSpend: Record<string, number> = {};
  for (const currency of [...currencies].sort(compareStrings)) {
    netSpend[currency] = Math.max(0, spend.get(currency) ?? 0);
  }
  const giftPurchases: Record<string, string[]> = {};
  for (const root of [...gifts.keys()].sort(compareStrings)) {
    giftPurchases[root] = sortedUnique(gifts.get(root) ?? []);
  }
  purchases.sort(
    (x, y) => y.at - x.at || compareStrings(x.orderId, y.orderId) || compareStrings(x.sku, y.sku),
  );
  return {
    orders,
    ownedSkus: sortedUnique(ownedSkus),
    ownedCategories: sortedUnique(ownedCategories),
    returnedSkus: sortedUnique([...returnedSkus].filter((sku) => !ownedSkus.has(sku))),
    netSpend,
    giftPurchases,
    purchases,
  };
}
