import { customerKey, visitorKey } from '../projection.types';
import { currencyList, currencyWork, refundKey } from './loyalty.compaction';
import { earlier, initialLoyaltyState, newestVisitorLinks } from './loyalty.projection';
import {
  type CompactedTotals,
  type CurrencyFigures,
  type DayTotal,
  type EventTime,
  type LoyaltyState,
  type ResentFact,
} from './loyalty.types';

/**
 * Documents a customer's loyalty also needs: the visitors identified as the customer (their
 * anonymous purchases) and the customers merged into it. The reader loads them, asks again of
 * each loaded customer document (an absorbed customer has visitors and absorbed customers of
 * its own) until no new key appears, then calls `mergeLoyaltyStates`.
 */
export function loyaltyRelatedKeys(state: LoyaltyState): string[] {
  return [
    ...state.linkedVisitors.map((l) => visitorKey(l.anonymousId)),
    ...state.absorbed.map((m) => customerKey(m.customerId)),
  ];
}

function union<T extends EventTime>(
  a: readonly T[],
  b: readonly T[],
  keyOf: (t: T) => string,
  losers: Map<string, ResentFact>,
  pick: (kept: T, other: T) => T = (kept) => kept,
): T[] {
  const out = new Map(a.map((t) => [keyOf(t), t]));
  for (const item of b) {
    const key = keyOf(item);
    const current = out.get(key);
    if (current === undefined) {
      out.set(key, item);
      continue;
    }
    if (current.eventId === item.eventId) continue;
    const kept = earlier(current, item);
    const other = kept === current ? item : current;
    losers.set(other.eventId, { eventId: other.eventId, atMs: other.atMs });
    out.set(key, pick(kept, other));
  }
  return [...out].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
}

function earliestOf<T extends EventTime>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return earlier(a, b);
}

function laterOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function sumCurrencies(a: readonly CurrencyFigures[], b: readonly CurrencyFigures[]) {
  const out = currencyWork(a);
  for (const c of b) {
    const w = out.get(c.currency);
    if (w === undefined) out.set(c.currency, { purchases: c.purchases, amount: c.amount });
    else {
      w.purchases += c.purchases;
      w.amount += c.amount;
    }
  }
  return currencyList(out);
}

function sumDays(a: readonly DayTotal[], b: readonly DayTotal[]): DayTotal[] {
  const out = new Map<string, [number, string, number, number]>();
  for (const [day, currency, purchases, amount] of [...a, ...b]) {
    const key = `${day}\u0000${currency}`;
    const t = out.get(key);
    if (t === undefined) out.set(key, [day, currency, purchases, amount]);
    else {
      t[2] += purchases;
      t[3] += amount;
    }
  }
  return [...out.values()].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
}

function sumTotals(a: CompactedTotals, b: CompactedTotals): CompactedTotals {
  return {
    spend: sumCurrencies(a.spend, b.spend),
    earned: a.earned + b.earned,
    reversed: a.reversed + b.reversed,
    redeemed: a.redeemed + b.redeemed,
    adjusted: a.adjusted + b.adjusted,
    unmatchedRefunds: a.unmatchedRefunds + b.unmatchedRefunds,
  };
}

/**
 * The join of two documents of one person: every detail fact of either, one per business key
 * (orderId, refund, redemptionId, adjustment key) with the earliest report kept, exactly as
 * `evolve` keeps it — so an order that reached two documents (sent once as a visitor, again
 * after sign-in) counts once while both keep it in detail. The compacted sums of the two
 * documents add up (they hold different events: a document's own), and the result is exact from
 * the later of the two horizons. Erasure absorbs: the result is then the tombstone. Identity
 * (`customerId`) is taken from `a`. Commutative and associative; idempotent on detail, so join
 * distinct documents once each (`mergeLoyaltyStates` does).
 */
export function joinLoyaltyStates(a: LoyaltyState, b: LoyaltyState): LoyaltyState {
  const erased = earliestOf(a.erased, b.erased);
  // Only the tombstone survives, as in `evolve`.
  if (erased !== null) return { ...initialLoyaltyState(''), customerId: a.customerId, erased };
  const losers = new Map<string, ResentFact>();
  for (const r of [...a.resent, ...b.resent]) losers.set(r.eventId, r);
  const refunds = union(a.refunds, b.refunds, refundKey, losers, (kept, other) =>
    kept.order === null && other.order !== null ? { ...kept, order: other.order } : kept,
  );
  const under = [a.compactedUnder, b.compactedUnder].filter((u) => u !== null).sort();
  return {
    schema: 3,
    customerId: a.customerId,
    registration: earliestOf(a.registration, b.registration),
    purchases: union(a.purchases, b.purchases, (p) => p.orderId, losers),
    refunds,
    redemptions: union(a.redemptions, b.redemptions, (r) => r.redemptionId, losers),
    adjustments: union(a.adjustments, b.adjustments, (x) => x.adjustmentKey, losers),
    absorbed: union(a.absorbed, b.absorbed, (m) => m.customerId, new Map()),
    mergedInto: earliestOf(a.mergedInto, b.mergedInto),
    linkedVisitors: newestVisitorLinks(
      union(
        a.linkedVisitors,
        b.linkedVisitors,
        (l) => l.anonymousId,
        new Map(),
        (_, other) => other,
      ),
    ),
    erased: null,
    resent: [...losers.values()].sort((x, y) => (x.eventId < y.eventId ? -1 : 1)),
    newestMs: laterOf(a.newestMs, b.newestMs),
    exactFromMs: laterOf(a.exactFromMs, b.exactFromMs),
    compactedUnder: under[0] ?? null,
    days: sumDays(a.days, b.days),
    compacted: sumTotals(a.compacted, b.compacted),
  };
}

/**
 * One loyalty account for the person behind `primary`: its own facts plus those of the visitor
 * documents linked to it and of the customers merged into it (`loyaltyRelatedKeys`, followed to
 * closure), as if every one of those events had been folded into `primary`. Visitor purchases
 * and absorbed accounts live on their own documents because a pure `evolve` sees one document
 * and a visit can arrive after the link; joining here makes the order of link and purchases
 * irrelevant. The join is commutative, associative and idempotent, so the order of `related`,
 * repeats in it, or the same purchase present on two documents change nothing. An erasure of
 * any customer in the set (the same person) leaves only the tombstone. The result keeps the
 * primary's identity: `customerId` and whether the primary itself was retired by a merge.
 * Pass it to `loyaltyView` as usual.
 */
export function mergeLoyaltyStates(
  primary: LoyaltyState,
  related: readonly LoyaltyState[],
): LoyaltyState {
  let merged = primary;
  // One document joins once: repeats (and the primary among the related) add nothing.
  const seen = new Set([primary.customerId]);
  for (const other of related) {
    if (seen.has(other.customerId)) continue;
    seen.add(other.customerId);
    merged = joinLoyaltyStates(merged, other);
  }
  if (merged.erased !== null) return merged;
  const own = (m: { customerId: string }): boolean => m.customerId !== primary.customerId;
  return {
    ...merged,
    // A related customer's "merged into the primary" describes it, not the person shown.
    mergedInto: primary.mergedInto,
    absorbed: merged.absorbed.filter(own),
  };
}
