// Test oracle (spec files only): the unbounded model as of f29dec1, validated against independent
// tools; the bounded model's views are compared with it. Not part of the library.
import { parseOffsetTimestamp } from '@touchpoint/contracts';
import { categoryWithin, type CrosssellPolicy } from '../crosssell.policy';

/**
 * One customer's (or one visitor's) baskets. Everything below `refunds` is derived from
 * `baskets` + `refunds` + `erased` after every change, so the document is a function of the *set*
 * of events it has seen, never of their order. Lists are kept sorted and keyed by value rather
 * than by object keys because order ids and skus may contain dots, which MongoDB/FerretDB field
 * names cannot safely hold.
 */
export interface CustomerBasketsState {
  readonly erased: boolean;
  /** Set on a retired duplicate: its baskets still count in aggregates, it gets no offers. */
  readonly mergedInto: string | null;
  readonly mergedFrom: readonly string[];
  /**
   * Visitors identified as this customer (`customer.identified`), sorted. Their baskets stay on
   * their `visitor:<id>` documents and join the customer's at read time (`mergeCrosssellStates`).
   */
  readonly linkedAnonymousIds: readonly string[];
  /** One per orderId, sorted by orderId. */
  readonly baskets: readonly Basket[];
  /** One per (orderId, refundId), sorted; kept even when the order has not arrived yet. */
  readonly refunds: readonly RefundRecord[];
  readonly ownedSkus: readonly string[];
  readonly ownedCategories: readonly string[];
  /** Fully returned and not owned through another order. */
  readonly returnedSkus: readonly string[];
  /** Net of refunds, integer minor units per ISO currency (never converted). */
  readonly netSpend: Readonly<Record<string, number>>;
  /** Gift root category → `occurredAt` of each purchase in it, as sent (local time matters). */
  readonly giftPurchases: Readonly<Record<string, readonly string[]>>;
  /** Ids of the erasure and merge events seen, sorted. */
  readonly lifecycleEventIds: readonly string[];
  /**
   * The events the state currently reflects: the winning version of each order and refund plus
   * the lifecycle events. Derived, so a losing re-send leaves no trace and the field is the same
   * whatever order the events came in; an id found here makes `evolve` a no-op at once.
   */
  readonly appliedEventIds: readonly string[];
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
  readonly currency: string | null;
  readonly total: number | null;
  readonly lines: readonly BasketLine[];
}

export interface RefundRecord {
  readonly orderId: string;
  readonly refundId: string;
  readonly eventId: string;
  readonly amount: number;
  readonly currency: string;
  /** Null = the event named no items (see `deriveOwnership` for what that means). */
  readonly items: readonly { readonly sku: string; readonly quantity: number }[] | null;
}

export const EMPTY_BASKETS_STATE: CustomerBasketsState = {
  erased: false,
  mergedInto: null,
  mergedFrom: [],
  linkedAnonymousIds: [],
  baskets: [],
  refunds: [],
  ownedSkus: [],
  ownedCategories: [],
  returnedSkus: [],
  netSpend: {},
  giftPurchases: {},
  lifecycleEventIds: [],
  appliedEventIds: [],
};

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? '') < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function hasApplied(state: CustomerBasketsState, eventId: string): boolean {
  return state.appliedEventIds[lowerBound(state.appliedEventIds, eventId)] === eventId;
}

export function withLifecycleEvent(
  state: CustomerBasketsState,
  eventId: string,
): CustomerBasketsState {
  return hasApplied(state, eventId) || state.lifecycleEventIds.includes(eventId)
    ? state
    : { ...state, lifecycleEventIds: sortedUnique([...state.lifecycleEventIds, eventId]) };
}

/**
 * Re-sends of one order (POS reconnects, SCENARIOS 6) may carry new event ids. The contract has
 * no order-amendment event (changes arrive as refunds), so every version is the same order and
 * the choice only has to be deterministic: the lowest event id wins, which with time-ordered
 * (v7) ids is the original submission. It needs no timestamp, so it still works after erasure.
 */
export function withBasket(state: CustomerBasketsState, basket: Basket): CustomerBasketsState {
  const existing = state.baskets.find((b) => b.orderId === basket.orderId);
  if (existing !== undefined && existing.eventId <= basket.eventId) return state;
  const baskets = state.baskets.filter((b) => b.orderId !== basket.orderId);
  baskets.push(basket);
  baskets.sort((a, b) => compareStrings(a.orderId, b.orderId));
  return { ...state, baskets };
}

/** A refund is identified by (orderId, refundId) per the contract; same lowest-id rule. */
export function withRefund(
  state: CustomerBasketsState,
  refund: RefundRecord,
): CustomerBasketsState {
  const same = (r: RefundRecord): boolean =>
    r.orderId === refund.orderId && r.refundId === refund.refundId;
  const existing = state.refunds.find(same);
  if (existing !== undefined && existing.eventId <= refund.eventId) return state;
  const refunds = state.refunds.filter((r) => !same(r));
  refunds.push(refund);
  refunds.sort(
    (a, b) => compareStrings(a.orderId, b.orderId) || compareStrings(a.refundId, b.refundId),
  );
  return { ...state, refunds };
}

export function withMergedFrom(state: CustomerBasketsState, id: string): CustomerBasketsState {
  return state.mergedFrom.includes(id)
    ? state
    : { ...state, mergedFrom: sortedUnique([...state.mergedFrom, id]) };
}

export function withLinkedVisitor(
  state: CustomerBasketsState,
  anonymousId: string,
): CustomerBasketsState {
  return state.linkedAnonymousIds.includes(anonymousId)
    ? state
    : { ...state, linkedAnonymousIds: sortedUnique([...state.linkedAnonymousIds, anonymousId]) };
}

/** Two merges retiring the same id into different survivors are a data error; pick one stably. */
export function withMergedInto(state: CustomerBasketsState, id: string): CustomerBasketsState {
  const mergedInto =
    state.mergedInto === null || compareStrings(id, state.mergedInto) < 0 ? id : state.mergedInto;
  return mergedInto === state.mergedInto ? state : { ...state, mergedInto };
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

/**
 * Erasure (SCENARIOS 8). The state never held name, e-mail, phone, birth date, address or free
 * text, so there is nothing personal to delete; what goes is the dated behaviour that would let
 * the anonymous baskets be profiled or tied back to a person (when, how much, refunds, gift
 * dates). Basket contents stay so the co-purchase aggregates keep her counts, and events that
 * arrive after the erasure (late re-sends, a replay) are stripped the same way.
 */
function stripForErasure(state: CustomerBasketsState): CustomerBasketsState {
  return {
    ...state,
    baskets: state.baskets.map((b) => ({ ...b, occurredAt: null, currency: null, total: null })),
    refunds: [],
  };
}

/** Recomputes every derived field; run after each change so derived fields never drift. */
export function normalise(
  state: CustomerBasketsState,
  policy: CrosssellPolicy,
): CustomerBasketsState {
  return withAppliedIds(deriveFigures(state, policy));
}

function withAppliedIds(state: CustomerBasketsState): CustomerBasketsState {
  const appliedEventIds = sortedUnique([
    ...state.baskets.map((b) => b.eventId),
    ...state.refunds.map((r) => r.eventId),
    ...state.lifecycleEventIds,
  ]);
  return { ...state, appliedEventIds };
}

function deriveFigures(state: CustomerBasketsState, policy: CrosssellPolicy): CustomerBasketsState {
  if (state.erased) {
    return {
      ...stripForErasure(state),
      ownedSkus: [],
      ownedCategories: [],
      returnedSkus: [],
      netSpend: {},
      giftPurchases: {},
    };
  }
  const ownedSkus = new Set<string>();
  const ownedCategories = new Set<string>();
  const returnedSkus = new Set<string>();
  const netSpend: Record<string, number> = {};
  const gifts = new Map<string, Set<string>>();

  for (const basket of state.baskets) {
    const { owned, returned } = deriveOwnership(basket, state.refunds);
    for (const line of owned) {
      ownedSkus.add(line.sku);
      ownedCategories.add(line.category);
    }
    for (const line of returned) returnedSkus.add(line.sku);

    if (basket.currency !== null && basket.total !== null) {
      netSpend[basket.currency] = (netSpend[basket.currency] ?? 0) + basket.total;
    }
    // A refund only counts against spend once its order is known, so the sum is the same
    // whichever of the two arrives first.
    for (const r of state.refunds) {
      if (r.orderId === basket.orderId)
        netSpend[r.currency] = (netSpend[r.currency] ?? 0) - r.amount;
    }

    if (basket.occurredAt !== null) {
      for (const line of basket.lines) {
        for (const root of policy.giftCategories) {
          if (!categoryWithin(line.category, root)) continue;
          const dates = gifts.get(root) ?? new Set<string>();
          dates.add(basket.occurredAt);
          gifts.set(root, dates);
        }
      }
    }
  }

  const spend: Record<string, number> = {};
  for (const currency of Object.keys(netSpend).sort(compareStrings)) {
    spend[currency] = Math.max(0, netSpend[currency] ?? 0);
  }
  const giftPurchases: Record<string, string[]> = {};
  for (const root of [...gifts.keys()].sort(compareStrings)) {
    giftPurchases[root] = sortedUnique(gifts.get(root) ?? []);
  }
  return {
    ...state,
    ownedSkus: sortedUnique(ownedSkus),
    ownedCategories: sortedUnique(ownedCategories),
    returnedSkus: sortedUnique([...returnedSkus].filter((sku) => !ownedSkus.has(sku))),
    netSpend: spend,
    giftPurchases,
  };
}
