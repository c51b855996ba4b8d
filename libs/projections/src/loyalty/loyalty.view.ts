import { AppError } from '@touchpoint/core';
import { asOfBeyondHorizon } from '../horizon';
import { formatMinorUnits } from '../money';
import { DAY_MS, dayStart, isoDay, localDay } from './loyalty.calendar';
import { byTimeThenId, compactionBasis, isFullyRefunded } from './loyalty.compaction';
import { pointsForAmount } from './loyalty.points';
import { type LoyaltyPolicy, type LoyaltyTierRule } from './loyalty.policy';
import {
  type CurrencyFigures,
  type DayBucket,
  type DayTotal,
  type LedgerKind,
  type LedgerLine,
  type LoyaltyAnomaly,
  type LoyaltyState,
  type LoyaltyStatus,
  type LoyaltyView,
  type OpeningBalance,
  type Outreach,
  type PointsSummary,
  type PurchaseFact,
  type RefundFact,
  type RefundedOrder,
  type TierCause,
  type TierChange,
  type WindowFigures,
} from './loyalty.types';

export { pointsForAmount };

const NO_OUTREACH: Outreach = { greetings: false, recommendations: false };

const iso = (ms: number): string => new Date(ms).toISOString();

type LinkedRefund = RefundFact & { readonly order: RefundedOrder };

/** The facts visible at asOf, indexed for repeated evaluation at earlier instants. */
interface Timeline {
  /** Sorted by time, then eventId. */
  readonly purchases: readonly PurchaseFact[];
  /** Local day of each purchase, same index. */
  readonly purchaseDays: readonly number[];
  readonly refundsByOrder: ReadonlyMap<string, readonly RefundFact[]>;
  /** Refunds of compacted orders, with their effect; sorted by time. */
  readonly linked: readonly LinkedRefund[];
  readonly orphanRefunds: readonly RefundFact[];
  readonly days: readonly DayBucket[];
  readonly daySums: DaySums;
  readonly registrationMs: number | null;
}

/**
 * Running totals over the day sums, per currency, so a window's share of them costs two binary
 * searches rather than a pass over a year of days (the tier history reads hundreds of windows).
 */
interface DaySums {
  /** Sorted, as `state.days`. */
  readonly days: readonly number[];
  /** Per currency: totals of the days before index i, for i = 0..days.length. */
  readonly running: ReadonlyMap<string, { purchases: number[]; amount: number[] }>;
}

/** The stored day totals grouped by day, each day's currencies sorted as stored. */
function dayBuckets(totals: readonly DayTotal[]): DayBucket[] {
  const out: { day: number; spend: CurrencyFigures[] }[] = [];
  for (const [day, currency, purchases, amount] of totals) {
    const last = out[out.length - 1];
    if (last?.day === day) last.spend.push({ currency, purchases, amount });
    else out.push({ day, spend: [{ currency, purchases, amount }] });
  }
  return out;
}

function daySums(days: readonly DayBucket[]): DaySums {
  const running = new Map<string, { purchases: number[]; amount: number[] }>();
  for (const d of days) {
    for (const c of d.spend) {
      if (!running.has(c.currency)) running.set(c.currency, { purchases: [0], amount: [0] });
    }
  }
  days.forEach((d, i) => {
    for (const [currency, r] of running) {
      const c = d.spend.find((x) => x.currency === currency);
      r.purchases.push((r.purchases[i] as number) + (c?.purchases ?? 0));
      r.amount.push((r.amount[i] as number) + (c?.amount ?? 0));
    }
  });
  return { days: days.map((d) => d.day), running };
}

/** Index of the first element not below `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function timelineAt(state: LoyaltyState, asOfMs: number, policy: LoyaltyPolicy): Timeline {
  const purchases = state.purchases.filter((p) => p.atMs <= asOfMs).sort(byTimeThenId);
  const orders = new Set(purchases.map((p) => p.orderId));
  const refundsByOrder = new Map<string, RefundFact[]>();
  const linked: LinkedRefund[] = [];
  const orphanRefunds: RefundFact[] = [];
  for (const r of state.refunds) {
    if (r.atMs > asOfMs) continue;
    if (r.order !== null) {
      linked.push({ ...r, order: r.order });
      continue;
    }
    if (!orders.has(r.orderId)) {
      orphanRefunds.push(r);
      continue;
    }
    const list = refundsByOrder.get(r.orderId) ?? [];
    list.push(r);
    refundsByOrder.set(r.orderId, list);
  }
  for (const list of refundsByOrder.values()) list.sort(byTimeThenId);
  linked.sort(byTimeThenId);
  const reg = state.registration;
  const days = dayBuckets(state.days);
  return {
    purchases,
    purchaseDays: purchases.map((p) => localDay(p.atMs, policy.timeZone)),
    refundsByOrder,
    linked,
    orphanRefunds,
    days,
    daySums: daySums(days),
    registrationMs: reg !== null && reg.atMs <= asOfMs ? reg.atMs : null,
  };
}

/** Refunded part of an order at instant t, in the order's currency, never above the order. */
function refundedAt(tl: Timeline, p: PurchaseFact, t: number): number {
  let sum = 0;
  for (const r of tl.refundsByOrder.get(p.orderId) ?? []) {
    if (r.atMs <= t && r.currency === p.currency) sum += r.amount;
  }
  return Math.min(sum, p.amount);
}

interface Figures extends WindowFigures {
  readonly other: ReadonlyMap<string, number>;
}

/** Orders counted and net amount, per currency. */
type Tally = Map<string, { purchases: number; amount: number }>;

function tally(into: Tally, currency: string, purchases: number, amount: number): void {
  const t = into.get(currency);
  if (t === undefined) into.set(currency, { purchases, amount });
  else {
    t.purchases += purchases;
    t.amount += amount;
  }
}

function figuresOf(counts: Tally, policy: LoyaltyPolicy): Figures {
  let purchases = 0;
  let spend = 0;
  const other = new Map<string, number>();
  for (const [currency, t] of counts) {
    purchases += t.purchases;
    if (currency === policy.spendCurrency) spend += t.amount;
    // A currency shows once one of its orders counts, as when each order was added in turn.
    else if (t.purchases > 0) other.set(currency, t.amount);
  }
  return { purchases, spend, other };
}

/**
 * Orders of local days `fromDay` and later (all days when null) up to instant t; fully refunded
 * orders never count. Detail orders are read one by one; compacted ones come as day sums
 * (`days`, or the all-time `compacted` totals when there is no window) with the refunds of
 * compacted orders still in detail applied at their own instants.
 */
function figuresAt(
  state: LoyaltyState,
  tl: Timeline,
  t: number,
  fromDay: number | null,
  policy: LoyaltyPolicy,
): Figures {
  const counts: Tally = new Map();
  tl.purchases.forEach((p, i) => {
    if (p.atMs > t || (fromDay !== null && (tl.purchaseDays[i] as number) < fromDay)) return;
    const refunded = refundedAt(tl, p, t);
    if (isFullyRefunded(refunded, p.amount)) return;
    tally(counts, p.currency, 1, p.amount - refunded);
  });
  if (fromDay === null) {
    for (const c of state.compacted.spend) tally(counts, c.currency, c.purchases, c.amount);
  } else {
    const { days, running } = tl.daySums;
    const from = lowerBound(days, fromDay);
    const to = lowerBound(days, localDay(t, policy.timeZone) + 1);
    for (const [currency, r] of running) {
      const purchases = (r.purchases[to] as number) - (r.purchases[from] as number);
      const amount = (r.amount[to] as number) - (r.amount[from] as number);
      if (purchases !== 0 || amount !== 0) tally(counts, currency, purchases, amount);
    }
  }
  for (const r of tl.linked) {
    if (r.atMs > t || (fromDay !== null && r.order.day < fromDay)) continue;
    tally(counts, r.order.currency, r.order.completes ? -1 : 0, -r.order.applied);
  }
  return figuresOf(counts, policy);
}

/** First local day of the window read at t. */
function windowStartDay(t: number, policy: LoyaltyPolicy): number {
  return localDay(t, policy.timeZone) - policy.windowDays + 1;
}

function tenureMet(rule: LoyaltyTierRule, registrationMs: number | null, t: number): boolean {
  if (rule.minTenureDays === null) return true;
  return (
    registrationMs !== null &&
    registrationMs <= t &&
    t - registrationMs >= rule.minTenureDays * DAY_MS
  );
}

function tierIndexAt(
  tl: Timeline,
  t: number,
  policy: LoyaltyPolicy,
  figures: WindowFigures,
): number {
  let index = 0;
  policy.tiers.forEach((rule, i) => {
    if (
      figures.purchases >= rule.minPurchases &&
      figures.spend >= rule.minSpend &&
      tenureMet(rule, tl.registrationMs, t)
    ) {
      index = i;
    }
  });
  return index;
}

function tierName(policy: LoyaltyPolicy, index: number): string {
  return policy.tiers[index]?.name ?? 'unknown';
}

/** The instant a local day leaves the window: the start of the day `windowDays` later. */
function exitOf(day: number, policy: LoyaltyPolicy): number {
  return dayStart(day + policy.windowDays, policy.timeZone);
}

function causesAt(
  state: LoyaltyState,
  tl: Timeline,
  t: number,
  direction: 'up' | 'down',
  policy: LoyaltyPolicy,
): TierCause[] {
  const up: TierCause[] = [];
  const down: TierCause[] = [];
  tl.purchases.forEach((p, i) => {
    if (p.atMs === t) {
      up.push({
        kind: 'purchase',
        eventId: p.eventId,
        orderId: p.orderId,
        occurredAt: p.occurredAt,
      });
    }
    if (exitOf(tl.purchaseDays[i] as number, policy) === t) {
      down.push({
        kind: 'window_passed',
        eventId: p.eventId,
        orderId: p.orderId,
        purchasedAt: p.occurredAt,
      });
    }
  });
  for (const d of tl.days) {
    if (exitOf(d.day, policy) === t) {
      const purchases = d.spend.reduce((n, c) => n + c.purchases, 0);
      down.push({ kind: 'window_passed_day', day: isoDay(d.day), purchases });
    }
  }
  const refunds = [...[...tl.refundsByOrder.values()].flat(), ...tl.linked];
  for (const r of refunds) {
    if (r.atMs === t) {
      down.push({
        kind: 'refund',
        eventId: r.eventId,
        orderId: r.orderId,
        refundId: r.refundId,
        occurredAt: r.occurredAt,
      });
    }
  }
  const reg = state.registration;
  if (reg !== null && tl.registrationMs !== null) {
    if (reg.atMs === t) {
      up.push({ kind: 'registration', eventId: reg.eventId, occurredAt: reg.occurredAt });
    }
    const days = new Set(policy.tiers.map((r) => r.minTenureDays).filter((d) => d !== null));
    for (const d of [...days].sort((a, b) => a - b)) {
      if (d > 0 && reg.atMs + d * DAY_MS === t) {
        up.push({ kind: 'tenure', eventId: reg.eventId, registeredAt: reg.occurredAt, days: d });
      }
    }
  }
  const chosen = direction === 'up' ? up : down;
  return chosen.length > 0 ? chosen : [...up, ...down];
}

function describeCause(c: TierCause): string {
  switch (c.kind) {
    case 'purchase':
      return `purchase ${c.orderId}`;
    case 'refund':
      return `refund ${c.refundId} of order ${c.orderId}`;
    case 'window_passed':
      return `purchase ${c.orderId} of ${c.purchasedAt} left the window`;
    case 'window_passed_day':
      return `${c.purchases} purchases of ${c.day} left the window`;
    case 'registration':
      return 'registration';
    case 'tenure':
      return `${c.days} days since registration`;
  }
}

interface History {
  /** Tier index at the start (the base tier when nothing was compacted). */
  readonly startIndex: number;
  readonly changes: TierChange[];
}

/**
 * Replays the timeline from the horizon (or the beginning) up to asOf. The figures only change
 * at a purchase, a refund, a day of purchases leaving the window (the start of the local day
 * `windowDays` after it), the registration or a tenure anniversary, so evaluating the tier at
 * those instants finds every change, including drops that happen with no event at all. Each
 * evaluation reads the bounded detail and the day sums' running totals, so the whole costs
 * O((detail + days) × detail).
 */
function tierHistory(
  state: LoyaltyState,
  tl: Timeline,
  startMs: number | null,
  asOfMs: number,
  policy: LoyaltyPolicy,
): History {
  const instants = new Set<number>();
  tl.purchases.forEach((p, i) => {
    instants.add(p.atMs);
    instants.add(exitOf(tl.purchaseDays[i] as number, policy));
  });
  for (const d of tl.days) instants.add(exitOf(d.day, policy));
  for (const list of tl.refundsByOrder.values()) for (const r of list) instants.add(r.atMs);
  for (const r of tl.linked) instants.add(r.atMs);
  if (tl.registrationMs !== null) {
    instants.add(tl.registrationMs);
    for (const rule of policy.tiers) {
      if (rule.minTenureDays !== null)
        instants.add(tl.registrationMs + rule.minTenureDays * DAY_MS);
    }
  }
  const at = (t: number): { index: number; figures: WindowFigures } => {
    const f = figuresAt(state, tl, t, windowStartDay(t, policy), policy);
    const figures = { purchases: f.purchases, spend: f.spend };
    return { index: tierIndexAt(tl, t, policy, figures), figures };
  };
  const startIndex = startMs === null ? 0 : at(startMs).index;
  const changes: TierChange[] = [];
  let current = startIndex;
  const sorted = [...instants]
    .filter((x) => x <= asOfMs && (startMs === null || x > startMs))
    .sort((a, b) => a - b);
  for (const t of sorted) {
    const { index: next, figures } = at(t);
    if (next === current) continue;
    const direction = next > current ? 'up' : 'down';
    const from = tierName(policy, current);
    const to = tierName(policy, next);
    const causes = causesAt(state, tl, t, direction, policy);
    const spend = formatMinorUnits(figures.spend, policy.spendCurrency);
    changes.push({
      at: iso(t),
      from,
      to,
      direction,
      causes,
      figures,
      reason:
        `${causes.map(describeCause).join(', ')}: ${figures.purchases} purchases and ${spend} ` +
        `in ${policy.windowDays} days, ${direction === 'up' ? `meets ${to}` : `below ${from}`}`,
    });
    current = next;
  }
  return { startIndex, changes };
}

interface DraftLine {
  readonly atMs: number;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly kind: LedgerKind;
  readonly points: number;
  readonly reason: string;
  readonly reference: string;
}

function refundReason(r: RefundFact, applied: number): string {
  return `Refund ${r.refundId} of order ${r.orderId}: ${formatMinorUnits(applied, r.currency)}`;
}

function points(
  state: LoyaltyState,
  tl: Timeline,
  asOfMs: number,
  policy: LoyaltyPolicy,
  anomalies: LoyaltyAnomaly[],
): PointsSummary {
  const drafts: DraftLine[] = [];
  const rate = policy.earning;
  for (const p of tl.purchases) {
    const earned = pointsForAmount(p.amount, p.currency, rate);
    if (earned === undefined) {
      anomalies.push({ kind: 'unknown_currency', eventId: p.eventId, currency: p.currency });
      continue;
    }
    if (earned > 0) {
      drafts.push({
        ...p,
        kind: 'earned',
        points: earned,
        reason: `Purchase ${p.orderId}: ${formatMinorUnits(p.amount, p.currency)}`,
        reference: p.orderId,
      });
    }
    let refunded = 0;
    for (const r of tl.refundsByOrder.get(p.orderId) ?? []) {
      if (r.currency !== p.currency) {
        anomalies.push({
          kind: 'refund_currency_mismatch',
          eventId: r.eventId,
          orderId: r.orderId,
          refundId: r.refundId,
        });
        continue;
      }
      const applied = Math.min(r.amount, p.amount - refunded);
      if (applied < r.amount) {
        anomalies.push({
          kind: 'refund_exceeds_purchase',
          eventId: r.eventId,
          orderId: r.orderId,
          refundId: r.refundId,
          excess: r.amount - applied,
        });
      }
      // Difference of the order's points before and after: partial refunds never drift from
      // what the remaining net amount earns.
      const before = pointsForAmount(p.amount - refunded, p.currency, rate) ?? 0;
      refunded += applied;
      const after = pointsForAmount(p.amount - refunded, p.currency, rate) ?? 0;
      if (before > after) {
        drafts.push({
          ...r,
          kind: 'reversed',
          points: after - before,
          reason: refundReason(r, applied),
          reference: r.orderId,
        });
      }
    }
  }
  for (const r of tl.linked) {
    const ids = { eventId: r.eventId, orderId: r.orderId, refundId: r.refundId };
    if (r.order.currencyMismatch) anomalies.push({ kind: 'refund_currency_mismatch', ...ids });
    if (r.order.excess > 0) {
      anomalies.push({ kind: 'refund_exceeds_purchase', ...ids, excess: r.order.excess });
    }
    if (r.order.points > 0) {
      drafts.push({
        ...r,
        kind: 'reversed',
        points: -r.order.points,
        reason: refundReason(r, r.order.applied),
        reference: r.orderId,
      });
    }
  }
  for (const r of tl.orphanRefunds) {
    anomalies.push({
      kind: 'refund_without_purchase',
      eventId: r.eventId,
      orderId: r.orderId,
      refundId: r.refundId,
    });
  }
  for (const r of state.redemptions) {
    if (r.atMs > asOfMs) continue;
    drafts.push({
      ...r,
      kind: 'redeemed',
      points: -r.points,
      reason: r.reward === null ? `Redemption ${r.redemptionId}` : `Redeemed for ${r.reward}`,
      reference: r.redemptionId,
    });
  }
  const compensated = new Map<string, string[]>();
  const manual = new Map<string, string[]>();
  for (const a of state.adjustments) {
    if (a.atMs > asOfMs) continue;
    const isCompensation = a.origin === 'complaint_compensation';
    drafts.push({
      ...a,
      kind: 'adjusted',
      points: a.points,
      reason: a.reason,
      reference: isCompensation ? (a.complaintId ?? a.adjustmentKey) : a.adjustmentKey,
    });
    if (a.complaintId !== null) {
      const into = isCompensation ? compensated : manual;
      into.set(a.complaintId, [...(into.get(a.complaintId) ?? []), a.eventId]);
    }
  }
  for (const [complaintId, ids] of [...compensated].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const others = manual.get(complaintId);
    if (others !== undefined) {
      anomalies.push({
        kind: 'possible_double_compensation',
        complaintId,
        eventIds: [...ids, ...others].sort(),
      });
    }
  }

  drafts.sort(byTimeThenId);
  const c = state.compacted;
  const opening = {
    earned: c.earned,
    reversed: c.reversed,
    redeemed: c.redeemed,
    adjusted: c.adjusted,
  };
  // Lines older than the horizon (a merged account whose documents compacted at different
  // instants) join the opening sums, so every line shown carries its exact running balance.
  const exactFrom = state.exactFromMs;
  const shown = exactFrom === null ? drafts : drafts.filter((d) => d.atMs >= exactFrom);
  if (shown.length < drafts.length) {
    for (const d of drafts) if (d.atMs < (exactFrom as number)) count(opening, d);
  }
  const openingBalance: OpeningBalance = {
    balance: opening.earned - opening.reversed - opening.redeemed + opening.adjusted,
    ...opening,
  };
  const totals = { ...opening };
  let balance = openingBalance.balance;
  const ledger: LedgerLine[] = shown.map((d) => {
    const before = balance;
    balance += d.points;
    if (d.points < 0 && balance < 0) {
      anomalies.push({
        kind: d.kind === 'redeemed' ? 'redemption_exceeds_balance' : 'debit_exceeds_balance',
        eventId: d.eventId,
        occurredAt: d.occurredAt,
        points: -d.points,
        balanceBefore: before,
      });
    }
    count(totals, d);
    return {
      eventId: d.eventId,
      occurredAt: d.occurredAt,
      kind: d.kind,
      points: d.points,
      balanceAfter: balance,
      reason: d.reason,
      reference: d.reference,
    };
  });
  return { balance, ...totals, ledger, opening: openingBalance };
}

type Totals = { earned: number; reversed: number; redeemed: number; adjusted: number };

function count(totals: Totals, d: DraftLine): void {
  switch (d.kind) {
    case 'earned':
      totals.earned += d.points;
      return;
    case 'reversed':
      totals.reversed -= d.points;
      return;
    case 'redeemed':
      totals.redeemed -= d.points;
      return;
    case 'adjusted':
      totals.adjusted += d.points;
      return;
  }
}

function currencyFigures(f: Figures): { currency: string; amount: number }[] {
  return [...f.other]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amount]) => ({ currency, amount }));
}

const NO_OPENING: OpeningBalance = { balance: 0, earned: 0, reversed: 0, redeemed: 0, adjusted: 0 };

function erasedView(state: LoyaltyState, asOf: Date, policy: LoyaltyPolicy): LoyaltyView {
  return {
    customerId: state.customerId,
    asOf: asOf.toISOString(),
    policyVersion: policy.version,
    status: 'erased',
    mergedInto: null,
    tier: tierName(policy, 0),
    tierSince: null,
    window: {
      days: policy.windowDays,
      from: iso(dayStart(windowStartDay(asOf.getTime(), policy), policy.timeZone)),
      currency: policy.spendCurrency,
      purchases: 0,
      spend: 0,
      otherCurrencies: [],
    },
    lifetime: { currency: policy.spendCurrency, purchases: 0, spend: 0, otherCurrencies: [] },
    registeredAt: null,
    tenureDays: null,
    tierHistory: [],
    points: { ...NO_OPENING, ledger: [], opening: NO_OPENING },
    anomalies: [],
    outreach: NO_OUTREACH,
    horizon: { exactFrom: null, tierAtExactFrom: null, unmatchedRefunds: 0 },
  };
}

/**
 * Everything at `asOf`: only events that occurred at or before it are seen, so reading with a
 * past instant reconstructs what the model said then, and reading later lets purchases age out
 * of the window without any new event. An instant before the document's horizon is refused
 * (`as_of_beyond_horizon`): its detail was compacted and the figures could only be approximated.
 * An erased customer reads as an empty tombstone at every instant: erasure is not undone by
 * looking into the past.
 */
export function loyaltyView(state: LoyaltyState, asOf: Date, policy: LoyaltyPolicy): LoyaltyView {
  const asOfMs = asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new Error('loyalty view: asOf is not a valid date');
  if (state.erased !== null) return erasedView(state, asOf, policy);
  const exactFrom = state.exactFromMs;
  if (exactFrom !== null) {
    if (asOfMs < exactFrom) throw asOfBeyondHorizon('loyalty', asOf, exactFrom);
    if (state.compactedUnder !== compactionBasis(policy)) {
      throw AppError.validation(
        'policy_mismatch',
        `loyalty: this document's sums were compacted under ${state.compactedUnder} ` +
          `(window days/time zone/points rate/rounding); the policy asks for ` +
          `${compactionBasis(policy)}. Replay the model version with this policy.`,
      );
    }
  }

  const tl = timelineAt(state, asOfMs, policy);
  const firstDay = windowStartDay(asOfMs, policy);
  const figures = figuresAt(state, tl, asOfMs, firstDay, policy);
  const lifetime = figuresAt(state, tl, asOfMs, null, policy);
  const index = tierIndexAt(tl, asOfMs, policy, figures);
  const rule = policy.tiers[index];
  const history = tierHistory(state, tl, exactFrom, asOfMs, policy);
  const anomalies: LoyaltyAnomaly[] = [];
  const summary = points(state, tl, asOfMs, policy, anomalies);

  const merged = state.mergedInto !== null && state.mergedInto.atMs <= asOfMs;
  const status: LoyaltyStatus = merged ? 'merged' : 'active';
  const reg = tl.registrationMs === null ? null : state.registration;
  return {
    customerId: state.customerId,
    asOf: asOf.toISOString(),
    policyVersion: policy.version,
    status,
    mergedInto: merged ? (state.mergedInto?.customerId ?? null) : null,
    tier: tierName(policy, index),
    // Held since the horizon at least: whether and when it changed before is compacted away.
    tierSince: history.changes.at(-1)?.at ?? (exactFrom === null ? null : iso(exactFrom)),
    window: {
      days: policy.windowDays,
      from: iso(dayStart(firstDay, policy.timeZone)),
      currency: policy.spendCurrency,
      purchases: figures.purchases,
      spend: figures.spend,
      otherCurrencies: currencyFigures(figures),
    },
    lifetime: {
      currency: policy.spendCurrency,
      purchases: lifetime.purchases,
      spend: lifetime.spend,
      otherCurrencies: currencyFigures(lifetime),
    },
    registeredAt: reg?.occurredAt ?? null,
    tenureDays: reg === null ? null : Math.floor((asOfMs - reg.atMs) / DAY_MS),
    tierHistory: history.changes,
    points: summary,
    anomalies,
    // A retired record is not a person to contact: outreach goes to the surviving customer.
    outreach: status === 'active' && rule !== undefined ? rule.outreach : NO_OUTREACH,
    horizon: {
      exactFrom: exactFrom === null ? null : iso(exactFrom),
      tierAtExactFrom: exactFrom === null ? null : tierName(policy, history.startIndex),
      unmatchedRefunds: state.compacted.unmatchedRefunds,
    },
  };
}
