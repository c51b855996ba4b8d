import { DAY_MS } from './loyalty.calendar';
import { localDay } from './loyalty.calendar';
import { type LoyaltyPolicy } from './loyalty.policy';
import {
  type AdjustmentFact,
  type CompactedTotals,
  type CurrencyFigures,
  type DayTotal,
  type EventTime,
  type PurchaseFact,
  type RedemptionFact,
  type RefundFact,
  type RefundedOrder,
  type ResentFact,
} from './loyalty.types';
import { pointsForAmount } from './loyalty.points';

/**
 * The detail part of a state as mutable maps, for one batch: events are joined here, then the
 * whole is compacted once and written back as sorted arrays (no copy of the state per event).
 */
export interface DetailWork {
  readonly purchases: Map<string, PurchaseFact>;
  readonly refunds: Map<string, RefundFact>;
  readonly redemptions: Map<string, RedemptionFact>;
  readonly adjustments: Map<string, AdjustmentFact>;
  readonly resent: Map<string, ResentFact>;
}

export interface CompactedWork {
  exactFromMs: number | null;
  compactedUnder: string | null;
  readonly days: Map<number, Map<string, CurrencyWork>>;
  readonly spend: Map<string, CurrencyWork>;
  earned: number;
  reversed: number;
  redeemed: number;
  adjusted: number;
  unmatchedRefunds: number;
}

export const refundKey = (r: { orderId: string; refundId: string }): string =>
  `${r.orderId}\u0000${r.refundId}`;

export const byTimeThenId = (a: EventTime | ResentFact, b: EventTime | ResentFact): number =>
  a.atMs - b.atMs || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** Fully refunded orders stop counting; a zero order can never be "fully refunded". */
export const isFullyRefunded = (refunded: number, amount: number): boolean =>
  refunded > 0 && refunded >= amount;

/** What compaction bakes in from the policy; a view under other values would misread sums. */
export function compactionBasis(policy: LoyaltyPolicy): string {
  const e = policy.earning;
  return `${policy.windowDays}d/${policy.timeZone}/${e.pointsPerMajorUnit}/${e.rounding}`;
}

export interface CurrencyWork {
  purchases: number;
  amount: number;
}

function addTo(
  map: Map<string, CurrencyWork>,
  currency: string,
  purchases: number,
  amount: number,
): void {
  const w = map.get(currency);
  if (w === undefined) map.set(currency, { purchases, amount });
  else {
    w.purchases += purchases;
    w.amount += amount;
  }
}

export function currencyWork(list: readonly CurrencyFigures[]): Map<string, CurrencyWork> {
  return new Map(list.map((c) => [c.currency, { purchases: c.purchases, amount: c.amount }]));
}

export function currencyList(map: ReadonlyMap<string, CurrencyWork>): CurrencyFigures[] {
  return [...map]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, w]) => ({ currency, purchases: w.purchases, amount: w.amount }));
}

export function compactedWork(
  exactFromMs: number | null,
  compactedUnder: string | null,
  days: readonly DayTotal[],
  t: CompactedTotals,
): CompactedWork {
  return {
    exactFromMs,
    compactedUnder,
    days: dayWork(days),
    spend: currencyWork(t.spend),
    earned: t.earned,
    reversed: t.reversed,
    redeemed: t.redeemed,
    adjusted: t.adjusted,
    unmatchedRefunds: t.unmatchedRefunds,
  };
}

function hasDetailBefore(detail: DetailWork, cut: number): boolean {
  for (const map of [detail.purchases, detail.refunds, detail.redemptions, detail.adjustments]) {
    for (const f of map.values()) if (f.atMs < cut) return true;
  }
  for (const r of detail.resent.values()) if (r.atMs < cut) return true;
  return false;
}

/**
 * The instant detail must start at: the later of the horizon in days back from the newest event
 * time and the smallest instant with at most `maxDetailEvents` detail events at or after it.
 * Both only grow as events are added, so the cut of a set of events does not depend on the
 * order or the batches they came in.
 */
export function cutoffFor(
  detail: DetailWork,
  newestMs: number | null,
  previous: number | null,
  policy: LoyaltyPolicy,
): number | null {
  let cut = previous;
  const raise = (t: number): void => {
    if (cut === null || t > cut) cut = t;
  };
  if (newestMs !== null) raise(newestMs - policy.horizonDays * DAY_MS);
  const times: number[] = [];
  for (const map of [detail.purchases, detail.refunds, detail.redemptions, detail.adjustments]) {
    for (const f of map.values()) times.push(f.atMs);
  }
  for (const r of detail.resent.values()) times.push(r.atMs);
  if (times.length > policy.maxDetailEvents) {
    times.sort((a, b) => b - a);
    // Strictly after the first time that would make one too many: ties never overflow the cap.
    raise((times[policy.maxDetailEvents] as number) + 1);
  }
  // Nothing to compact yet: no cut is recorded, and every asOf stays exact.
  if (previous === null && cut !== null && !hasDetailBefore(detail, cut)) return null;
  return cut;
}

/**
 * Moves every detail event older than `cut` into the sums. An order is compacted with the
 * refunds known for it: those before the cut fold into its net amount, later ones keep their
 * effect on it (`RefundFact.order`) for the views between the cut and the refund. A refund whose
 * order is no longer in detail when it is compacted has no effect (it is counted), as a refund
 * without purchase has none.
 */
export function compact(
  detail: DetailWork,
  sums: CompactedWork,
  cut: number | null,
  policy: LoyaltyPolicy,
): void {
  if (cut === null) return;
  const at: number = cut;
  sums.exactFromMs = at;
  sums.compactedUnder = compactionBasis(policy);
  const firstDay = localDay(at, policy.timeZone) - policy.windowDays + 1;
  const addToDay = (day: number, currency: string, purchases: number, amount: number): void => {
    if (day < firstDay) return;
    let b = sums.days.get(day);
    if (b === undefined) {
      b = new Map();
      sums.days.set(day, b);
    }
    addTo(b, currency, purchases, amount);
  };

  const old = [...detail.purchases.values()].filter((p) => p.atMs < at);
  if (old.length > 0) {
    const refundsOf = new Map<string, RefundFact[]>();
    for (const r of detail.refunds.values()) {
      if (r.order !== null) continue;
      const list = refundsOf.get(r.orderId);
      if (list === undefined) refundsOf.set(r.orderId, [r]);
      else list.push(r);
    }
    for (const p of old) {
      detail.purchases.delete(p.orderId);
      compactOrder(p, (refundsOf.get(p.orderId) ?? []).sort(byTimeThenId));
    }
  }

  function compactOrder(p: PurchaseFact, refunds: readonly RefundFact[]): void {
    const day = localDay(p.atMs, policy.timeZone);
    const points = (net: number): number => pointsForAmount(net, p.currency, policy.earning) ?? 0;
    sums.earned += points(p.amount);
    let refunded = 0;
    let compactedRefunded = 0;
    for (const r of refunds) {
      const mismatch = r.currency !== p.currency;
      const applied = mismatch ? 0 : Math.min(r.amount, p.amount - refunded);
      const reversed = points(p.amount - refunded) - points(p.amount - refunded - applied);
      const completes =
        !isFullyRefunded(refunded, p.amount) && isFullyRefunded(refunded + applied, p.amount);
      refunded += applied;
      if (r.atMs < at) {
        compactedRefunded = refunded;
        sums.reversed += reversed;
        detail.refunds.delete(refundKey(r));
        continue;
      }
      const order: RefundedOrder = {
        day,
        currency: p.currency,
        applied,
        excess: mismatch ? 0 : r.amount - applied,
        currencyMismatch: mismatch,
        completes,
        points: reversed,
      };
      detail.refunds.set(refundKey(r), { ...r, order });
    }
    const counts = isFullyRefunded(compactedRefunded, p.amount) ? 0 : 1;
    const net = p.amount - compactedRefunded;
    addTo(sums.spend, p.currency, counts, net);
    addToDay(day, p.currency, counts, net);
  }

  for (const r of [...detail.refunds.values()]) {
    // A refund dated before its own order waits for that order.
    if (r.atMs >= at || detail.purchases.has(r.orderId)) continue;
    detail.refunds.delete(refundKey(r));
    const order = r.order;
    if (order === null) {
      sums.unmatchedRefunds += 1;
      continue;
    }
    sums.reversed += order.points;
    const uncounted = order.completes ? -1 : 0;
    addTo(sums.spend, order.currency, uncounted, -order.applied);
    addToDay(order.day, order.currency, uncounted, -order.applied);
  }
  for (const r of [...detail.redemptions.values()]) {
    if (r.atMs >= at) continue;
    detail.redemptions.delete(r.redemptionId);
    sums.redeemed += r.points;
  }
  for (const a of [...detail.adjustments.values()]) {
    if (a.atMs >= at) continue;
    detail.adjustments.delete(a.adjustmentKey);
    sums.adjusted += a.points;
  }
  for (const r of [...detail.resent.values()]) {
    if (r.atMs < at) detail.resent.delete(r.eventId);
  }
  for (const day of [...sums.days.keys()]) if (day < firstDay) sums.days.delete(day);
}

function dayWork(days: readonly DayTotal[]): Map<number, Map<string, CurrencyWork>> {
  const out = new Map<number, Map<string, CurrencyWork>>();
  for (const [day, currency, purchases, amount] of days) {
    let b = out.get(day);
    if (b === undefined) {
      b = new Map();
      out.set(day, b);
    }
    b.set(currency, { purchases, amount });
  }
  return out;
}

export function dayTotals(sums: CompactedWork): DayTotal[] {
  return [...sums.days]
    .sort(([a], [b]) => a - b)
    .flatMap(([day, b]) =>
      currencyList(b).map((c): DayTotal => [day, c.currency, c.purchases, c.amount]),
    );
}

export function compactedTotals(sums: CompactedWork): CompactedTotals {
  return {
    spend: currencyList(sums.spend),
    earned: sums.earned,
    reversed: sums.reversed,
    redeemed: sums.redeemed,
    adjusted: sums.adjusted,
    unmatchedRefunds: sums.unmatchedRefunds,
  };
}
