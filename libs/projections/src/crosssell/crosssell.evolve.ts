import { type RecordedEvent } from '@touchpoint/contracts';
import { type EventHandlers, handle } from '../event-handlers';
import { customerKey, type EventPosition, type PositionedEvent } from '../projection.types';
import { categoryWithin, type CrosssellPolicy } from './crosssell.policy';
import {
  compareStrings,
  instantOf,
  isLater,
  keptVisitorLinks,
  newerSku,
  sortedUnique,
  type Basket,
  type CustomerBasketsState,
  type PastGift,
  type PastSku,
  type PastSpend,
  type RefundRecord,
} from './crosssell.state';

const DAY_MS = 86_400_000;

/** One basket entering (+1) or leaving (−1) the store-wide co-purchase counts. */
export interface BasketContribution {
  readonly sign: 1 | -1;
  readonly lines: readonly {
    readonly sku: string;
    readonly name: string;
    readonly category: string;
  }[];
  /** The event that caused it: aggregate documents skip positions they already applied. */
  readonly position: EventPosition;
}

export type ContributionSink = (contribution: BasketContribution) => void;

const SEP = '\u0000';

/**
 * The batch's working copy: detail as maps, `past` as accumulators. Built once per batch and
 * turned back into a sorted plain state once, so a batch costs O(events + detail + past), never a
 * copy of the state per event.
 */
class Working {
  erased: boolean;
  mergedInto: string | null;
  readonly mergedFrom: Set<string>;
  readonly linked: Map<string, number>;
  newestMs: number | null;
  readonly cut: number | null;
  readonly baskets = new Map<string, Basket>();
  readonly refunds = new Map<string, RefundRecord>();
  orders: number;
  readonly spend = new Map<string, [number, number, number]>();
  readonly skus = new Map<string, PastSku>();
  readonly gifts = new Map<string, PastGift>();

  constructor(
    state: CustomerBasketsState,
    private readonly policy: CrosssellPolicy,
  ) {
    this.erased = state.erased;
    this.mergedInto = state.mergedInto;
    this.mergedFrom = new Set(state.mergedFrom);
    this.linked = new Map(state.linkedVisitors);
    this.newestMs = state.newestMs;
    this.cut = state.compactedBeforeMs;
    for (const b of state.baskets) this.baskets.set(b.orderId, b);
    for (const r of state.refunds) this.refunds.set(`${r.orderId}${SEP}${r.refundId}`, r);
    this.orders = state.past.orders;
    for (const [c, n, total, refunded] of state.past.spend) this.spend.set(c, [n, total, refunded]);
    for (const s of state.past.skus) this.skus.set(s[0], s);
    for (const g of state.past.gifts) this.gifts.set(`${g[0]}${SEP}${g[1]}`, g);
  }

  seen(at: number): void {
    if (this.newestMs === null || at > this.newestMs) this.newestMs = at;
  }

  /** Older than the detail kept: it cannot be deduplicated, so it goes straight to `past`. */
  beyond(at: number): boolean {
    return this.cut !== null && at < this.cut;
  }

  pastBasket(b: Basket): void {
    this.orders++;
    if (this.erased || b.occurredAt === null || b.currency === null || b.total === null) return;
    const spend = this.spend.get(b.currency) ?? [0, 0, 0];
    spend[0]++;
    spend[1] += b.total;
    this.spend.set(b.currency, spend);
    for (const l of b.lines) {
      const current = this.skus.get(l.sku);
      const candidate: PastSku = [l.sku, l.name, l.category, b.orderId, b.occurredAt];
      if (current === undefined || newerSku(candidate, current)) this.skus.set(l.sku, candidate);
      for (const root of this.policy.giftCategories) {
        if (!categoryWithin(l.category, root)) continue;
        const ym = b.occurredAt.slice(0, 7);
        const key = `${root}${SEP}${ym}`;
        const gift = this.gifts.get(key);
        if (gift === undefined || isLater(b.occurredAt, gift[2])) {
          this.gifts.set(key, [root, ym, b.occurredAt]);
        }
      }
    }
  }

  pastRefund(r: RefundRecord): void {
    if (this.erased) return;
    const spend = this.spend.get(r.currency) ?? [0, 0, 0];
    spend[2] += r.amount;
    this.spend.set(r.currency, spend);
  }
}

function stripped(b: Basket): Basket {
  return { ...b, occurredAt: null, currency: null, total: null };
}

function basketOf(event: RecordedEvent & { type: 'purchase.completed' }): Basket {
  return {
    orderId: event.payload.orderId,
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    at: instantOf(event.occurredAt),
    currency: event.payload.currency,
    total: event.payload.total,
    lines: event.payload.items.map(({ sku, name, category, quantity, unitPrice }) => ({
      sku,
      name,
      category,
      quantity,
      unitPrice,
    })),
  };
}

function sameContents(a: Basket, b: Basket): boolean {
  const key = (x: Basket): string =>
    sortedUnique(x.lines.map((l) => `${l.sku}${SEP}${l.name}${SEP}${l.category}`)).join(SEP);
  return key(a) === key(b);
}

function contribution(sign: 1 | -1, b: Basket, position: EventPosition): BasketContribution {
  return {
    sign,
    lines: b.lines.map(({ sku, name, category }) => ({ sku, name, category })),
    position,
  };
}

/** Where an event applied to a document came from and where its basket changes go. */
interface Applied {
  readonly position: EventPosition;
  readonly key: string;
  readonly sink: ContributionSink | undefined;
}

const APPLY: EventHandlers<void, Working, Applied> = {
  'purchase.completed': (event, w, { position, sink }) => {
    const fresh = basketOf(event);
    const at = fresh.at;
    w.seen(at);
    const existing = w.baskets.get(fresh.orderId);
    // Re-sends of one order (POS reconnects, SCENARIOS 6) may carry new event ids. The
    // contract has no order-amendment event, so every version is the same order and the
    // choice only has to be deterministic: the lowest event id wins, which with time-ordered
    // (v7) ids is the original submission.
    if (existing !== undefined) {
      if (existing.eventId <= fresh.eventId) return;
      const next = fresh;
      w.baskets.set(fresh.orderId, next);
      if (sink !== undefined && !sameContents(existing, next)) {
        sink(contribution(-1, existing, position));
        sink(contribution(1, next, position));
      }
      return;
    }
    sink?.(contribution(1, fresh, position));
    if (w.beyond(at)) w.pastBasket(fresh);
    else w.baskets.set(fresh.orderId, fresh);
  },
  'purchase.refunded': (event, w) => {
    const at = instantOf(event.occurredAt);
    w.seen(at);
    // Erasure drops refunds (amounts are behaviour); late ones are dropped the same way.
    if (w.erased) return;
    const refund: RefundRecord = {
      orderId: event.payload.orderId,
      refundId: event.payload.refundId,
      eventId: event.eventId,
      at,
      amount: event.payload.amount,
      currency: event.payload.currency,
      items:
        event.payload.items === undefined
          ? null
          : event.payload.items.map(({ sku, quantity }) => ({ sku, quantity })),
    };
    const id = `${refund.orderId}${SEP}${refund.refundId}`;
    const existing = w.refunds.get(id);
    // A refund is identified by (orderId, refundId) per the contract; same lowest-id rule.
    if (existing !== undefined) {
      if (existing.eventId > refund.eventId) w.refunds.set(id, refund);
      return;
    }
    if (w.beyond(at)) w.pastRefund(refund);
    else w.refunds.set(id, refund);
  },
  'customer.erased': (_event, w) => {
    w.erased = true;
  },
  'customer.merged': (event, w, { key }) => {
    // The survivor cannot read the duplicate's document (one document per evolve, no
    // cross-document transactions), so each side records its half: the survivor who it
    // absorbed, the duplicate that it is retired. The duplicate's baskets stay where they are
    // and keep counting once in the aggregates.
    const survivor = event.customerId;
    if (survivor === undefined) return;
    if (key === customerKey(survivor)) w.mergedFrom.add(event.payload.mergedCustomerId);
    else if (w.mergedInto === null || compareStrings(survivor, w.mergedInto) < 0) {
      // Two merges retiring the same id into different survivors are a data error; pick one stably.
      w.mergedInto = survivor;
    }
  },
  'customer.identified': (event, w) => {
    if (event.anonymousId === undefined) return;
    const ms = instantOf(event.occurredAt);
    const before = w.linked.get(event.anonymousId);
    if (before === undefined || ms > before) w.linked.set(event.anonymousId, ms);
  },
};

/** The k-th largest of `values` (1-based), or null when there are fewer. */
function kthLargest(values: number[], k: number): number | null {
  if (values.length < k) return null;
  values.sort((a, b) => b - a);
  return values[k - 1] ?? null;
}

/**
 * The effective horizon: the later of `newestMs − horizonDays` and the time of the
 * `detailRecords`-th newest record. Both only move forward as events are added, and records
 * already compacted are older than every record in detail, so computing it from the detail gives
 * the value for the whole set of events.
 */
function nextCut(w: Working, policy: CrosssellPolicy): number | null {
  if (w.newestMs === null) return w.cut;
  const times: number[] = [];
  for (const b of w.baskets.values()) times.push(b.at);
  for (const r of w.refunds.values()) times.push(r.at);
  const byCount = kthLargest(times, policy.detailRecords);
  let cut = w.newestMs - policy.horizonDays * DAY_MS;
  if (byCount !== null && byCount > cut) cut = byCount;
  return w.cut !== null && w.cut > cut ? w.cut : cut;
}

function finish(w: Working, policy: CrosssellPolicy): CustomerBasketsState {
  if (w.erased) {
    // Erasure (SCENARIOS 8): the state never held personal data, so what goes is the dated
    // behaviour that would let the anonymous baskets be profiled or tied back to a person
    // (when, how much, refunds, gift dates). Basket contents and order ids stay so late re-sends
    // stay idempotent (the co-purchase aggregates already counted them); so does each order's
    // instant, only as the horizon's measure, until compaction turns the order into a count.
    for (const [id, b] of w.baskets) w.baskets.set(id, stripped(b));
    w.refunds.clear();
    w.spend.clear();
    w.skus.clear();
    w.gifts.clear();
  }
  const cut = nextCut(w, policy);
  const baskets: Basket[] = [];
  for (const b of w.baskets.values()) {
    if (cut !== null && b.at < cut) w.pastBasket(b);
    else baskets.push(b);
  }
  const refunds: RefundRecord[] = [];
  for (const r of w.refunds.values()) {
    if (cut !== null && r.at < cut) w.pastRefund(r);
    else refunds.push(r);
  }
  baskets.sort((a, b) => compareStrings(a.orderId, b.orderId));
  refunds.sort(
    (a, b) => compareStrings(a.orderId, b.orderId) || compareStrings(a.refundId, b.refundId),
  );
  const spend: PastSpend[] = [...w.spend.entries()]
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([c, [n, total, refunded]]) => [c, n, total, refunded]);
  const skus = [...w.skus.values()]
    .sort((a, b) => (newerSku(a, b) ? -1 : 1))
    .slice(0, policy.pastSkus)
    .sort((a, b) => compareStrings(a[0], b[0]));
  const gifts = [...w.gifts.values()].sort(
    (a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]),
  );
  return {
    erased: w.erased,
    mergedInto: w.mergedInto,
    mergedFrom: sortedUnique(w.mergedFrom),
    linkedVisitors: keptVisitorLinks(w.linked),
    newestMs: w.newestMs,
    compactedBeforeMs: cut,
    baskets,
    refunds,
    past: { orders: w.orders, spend, skus, gifts },
  };
}

/**
 * Events that change the model; the rest leave the state as it is (same object). Lifecycle
 * events only set flags and add to sets, so a re-delivery at any age is recognised by having no
 * effect, without keeping their ids.
 */
function matters(state: CustomerBasketsState, { event }: PositionedEvent, key: string): boolean {
  if (APPLY[event.type] === undefined) return false;
  if (event.type === 'customer.erased') return !state.erased;
  if (event.type === 'customer.merged') {
    const survivor = event.customerId;
    if (survivor === undefined) return false;
    return key === customerKey(survivor)
      ? !state.mergedFrom.includes(event.payload.mergedCustomerId)
      : state.mergedInto === null || compareStrings(survivor, state.mergedInto) < 0;
  }
  if (event.type === 'customer.identified') {
    const id = event.anonymousId;
    if (id === undefined) return false;
    const link = state.linkedVisitors.find(([linked]) => linked === id);
    return link === undefined || instantOf(event.occurredAt) > link[1];
  }
  return true;
}

/**
 * Folds a batch of one document's events: the same as folding them one at a time, in any order
 * and split, and reports each basket's entry into (or, when a lower event id replaces a version
 * with other contents, exit from) the co-purchase counts to `sink`, in the batch's order.
 */
export function foldBaskets(
  state: CustomerBasketsState,
  events: readonly PositionedEvent[],
  key: string,
  policy: CrosssellPolicy,
  sink?: ContributionSink,
): CustomerBasketsState {
  const relevant = events.filter((e) => matters(state, e, key));
  if (relevant.length === 0) return state;
  const w = new Working(state, policy);
  for (const e of relevant)
    handle(APPLY, e.event, undefined, w, { position: e.position, key, sink });
  return finish(w, policy);
}

/** True when `event` is an order or refund older than the detail `state` keeps. */
export function basketBeyondHorizon(
  state: CustomerBasketsState,
  { event }: PositionedEvent,
): boolean {
  if (state.compactedBeforeMs === null) return false;
  if (event.type === 'purchase.completed') {
    return (
      instantOf(event.occurredAt) < state.compactedBeforeMs &&
      !state.baskets.some((b) => b.orderId === event.payload.orderId)
    );
  }
  if (event.type === 'purchase.refunded') {
    return (
      instantOf(event.occurredAt) < state.compactedBeforeMs &&
      !state.refunds.some(
        (r) => r.orderId === event.payload.orderId && r.refundId === event.payload.refundId,
      )
    );
  }
  return false;
}
