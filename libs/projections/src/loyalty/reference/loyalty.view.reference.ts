/**
 * TEST-ONLY ORACLE: the unbounded loyalty model as it was before bounded documents (git
 * f29dec1), copied unchanged but for import paths. It keeps every fact forever and was validated
 * against independent tools; the equality properties (loyalty.horizon.spec.ts) compare the
 * bounded model with it. Imported only by spec files.
 */
import { currencyExponent } from '@touchpoint/contracts';
import { formatMinorUnits } from '../../money';
import { DAY_MS, type LoyaltyPolicy, type LoyaltyTierRule } from '../loyalty.policy';
import {
  type LedgerKind,
  type LedgerLine,
  type LoyaltyAnomaly,
  type LoyaltyState,
  type LoyaltyStatus,
  type LoyaltyView,
  type Outreach,
  type PointsSummary,
  type PurchaseFact,
  type RefundFact,
  type TierCause,
  type TierChange,
  type WindowFigures,
} from './loyalty.types.reference';

const NO_OUTREACH: Outreach = { greetings: false, recommendations: false };

/**
 * Points for a net amount, in exact integer arithmetic (a float `Math.floor(x * 0.01)` can land
 * one point short). Undefined when the currency's exponent is unknown.
 */
export function pointsForAmount(
  amountMinor: number,
  currency: string,
  earning: LoyaltyPolicy['earning'],
): number | undefined {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return undefined;
  const divisor = 10 ** exponent;
  const scaled = Math.max(0, amountMinor) * earning.pointsPerMajorUnit;
  const remainder = scaled % divisor;
  const whole = (scaled - remainder) / divisor;
  switch (earning.rounding) {
    case 'floor':
      return whole;
    case 'half_up':
      return 2 * remainder >= divisor ? whole + 1 : whole;
  }
}

/** `84000000` CNY → `840000.00`; string-built so large amounts print exactly. */
const iso = (ms: number): string => new Date(ms).toISOString();

const byTimeThenId = (
  a: { atMs: number; eventId: string },
  b: { atMs: number; eventId: string },
): number => a.atMs - b.atMs || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** The facts visible at asOf, indexed for repeated evaluation at earlier instants. */
interface Timeline {
  /** Sorted by time, then eventId. */
  readonly purchases: readonly PurchaseFact[];
  readonly refundsByOrder: ReadonlyMap<string, readonly RefundFact[]>;
  readonly orphanRefunds: readonly RefundFact[];
  readonly registrationMs: number | null;
}

function timelineAt(state: LoyaltyState, asOfMs: number): Timeline {
  // Time order lets figuresAt visit only the purchases inside the window.
  const purchases = state.purchases.filter((p) => p.atMs <= asOfMs).sort(byTimeThenId);
  const orders = new Set(purchases.map((p) => p.orderId));
  const refundsByOrder = new Map<string, RefundFact[]>();
  const orphanRefunds: RefundFact[] = [];
  for (const r of state.refunds) {
    if (r.atMs > asOfMs) continue;
    if (!orders.has(r.orderId)) {
      orphanRefunds.push(r);
      continue;
    }
    const list = refundsByOrder.get(r.orderId) ?? [];
    list.push(r);
    refundsByOrder.set(r.orderId, list);
  }
  for (const list of refundsByOrder.values()) list.sort(byTimeThenId);
  const reg = state.registration;
  return {
    purchases,
    refundsByOrder,
    orphanRefunds,
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

/** Index of the first purchase strictly after `ms` (binary search over the time-sorted list). */
function firstAfter(purchases: readonly PurchaseFact[], ms: number): number {
  let lo = 0;
  let hi = purchases.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((purchases[mid] as PurchaseFact).atMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Figures extends WindowFigures {
  readonly other: ReadonlyMap<string, number>;
}

/** Window (t - W, t]: a purchase counts until exactly W after it; fully refunded orders never. */
function figuresAt(tl: Timeline, t: number, policy: LoyaltyPolicy): Figures {
  const from = t - policy.windowDays * DAY_MS;
  let purchases = 0;
  let spend = 0;
  const other = new Map<string, number>();
  for (let i = firstAfter(tl.purchases, from); i < tl.purchases.length; i++) {
    const p = tl.purchases[i] as PurchaseFact;
    if (p.atMs > t) break;
    const refunded = refundedAt(tl, p, t);
    if (refunded > 0 && refunded >= p.amount) continue;
    purchases += 1;
    const net = p.amount - refunded;
    if (p.currency === policy.spendCurrency) spend += net;
    else other.set(p.currency, (other.get(p.currency) ?? 0) + net);
  }
  return { purchases, spend, other };
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

function causesAt(
  state: LoyaltyState,
  tl: Timeline,
  t: number,
  direction: 'up' | 'down',
  policy: LoyaltyPolicy,
): TierCause[] {
  const windowMs = policy.windowDays * DAY_MS;
  const up: TierCause[] = [];
  const down: TierCause[] = [];
  for (const p of tl.purchases) {
    if (p.atMs === t) {
      up.push({
        kind: 'purchase',
        eventId: p.eventId,
        orderId: p.orderId,
        occurredAt: p.occurredAt,
      });
    }
    if (p.atMs + windowMs === t) {
      down.push({
        kind: 'window_passed',
        eventId: p.eventId,
        orderId: p.orderId,
        purchasedAt: p.occurredAt,
      });
    }
  }
  for (const list of tl.refundsByOrder.values()) {
    for (const r of list) {
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
    case 'registration':
      return 'registration';
    case 'tenure':
      return `${c.days} days since registration`;
  }
}

/**
 * Replays the timeline up to asOf. The figures only change at a purchase, a refund, a purchase
 * leaving the window (exactly `windowDays` after it), the registration or a tenure anniversary,
 * so evaluating the tier at those instants finds every change, including drops that happen with
 * no event at all.
 */
function tierHistory(
  state: LoyaltyState,
  tl: Timeline,
  asOfMs: number,
  policy: LoyaltyPolicy,
): TierChange[] {
  const windowMs = policy.windowDays * DAY_MS;
  const instants = new Set<number>();
  for (const p of tl.purchases) {
    instants.add(p.atMs);
    instants.add(p.atMs + windowMs);
  }
  for (const list of tl.refundsByOrder.values()) for (const r of list) instants.add(r.atMs);
  if (tl.registrationMs !== null) {
    instants.add(tl.registrationMs);
    for (const rule of policy.tiers) {
      if (rule.minTenureDays !== null)
        instants.add(tl.registrationMs + rule.minTenureDays * DAY_MS);
    }
  }
  const sweep = new WindowSweep(tl, policy);
  const changes: TierChange[] = [];
  let current = 0;
  for (const t of [...instants].filter((x) => x <= asOfMs).sort((a, b) => a - b)) {
    const figures = sweep.advanceTo(t);
    const next = tierIndexAt(tl, t, policy, figures);
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
  return changes;
}

/**
 * The window figures of `figuresAt`, maintained incrementally over ascending instants so the
 * history costs O(purchases + refunds) rather than a full window scan per instant (a customer
 * with thousands of orders must still read in milliseconds). The property tests compare the two.
 */
class WindowSweep {
  private readonly purchases: readonly PurchaseFact[];
  private readonly refunds: readonly RefundFact[];
  private readonly indexOfOrder = new Map<string, number>();
  private readonly refunded: number[];
  private entered = 0;
  private left = 0;
  private applied = 0;
  private count = 0;
  private spend = 0;

  constructor(
    tl: Timeline,
    private readonly policy: LoyaltyPolicy,
  ) {
    this.purchases = tl.purchases;
    this.purchases.forEach((p, i) => this.indexOfOrder.set(p.orderId, i));
    this.refunds = [...tl.refundsByOrder.values()].flat().sort(byTimeThenId);
    this.refunded = this.purchases.map(() => 0);
  }

  advanceTo(t: number): WindowFigures {
    for (; this.applied < this.refunds.length; this.applied++) {
      const r = this.refunds[this.applied] as RefundFact;
      if (r.atMs > t) break;
      const i = this.indexOfOrder.get(r.orderId);
      if (i === undefined || r.currency !== this.purchases[i]?.currency) continue;
      const inWindow = i >= this.left && i < this.entered;
      if (inWindow) this.add(i, -1);
      this.refunded[i] = (this.refunded[i] ?? 0) + r.amount;
      if (inWindow) this.add(i, 1);
    }
    for (; this.entered < this.purchases.length; this.entered++) {
      if ((this.purchases[this.entered] as PurchaseFact).atMs > t) break;
      this.add(this.entered, 1);
    }
    const from = t - this.policy.windowDays * DAY_MS;
    for (; this.left < this.entered; this.left++) {
      if ((this.purchases[this.left] as PurchaseFact).atMs > from) break;
      this.add(this.left, -1);
    }
    return { purchases: this.count, spend: this.spend };
  }

  private add(i: number, sign: 1 | -1): void {
    const p = this.purchases[i] as PurchaseFact;
    const refunded = Math.min(this.refunded[i] ?? 0, p.amount);
    if (refunded > 0 && refunded >= p.amount) return;
    this.count += sign;
    if (p.currency === this.policy.spendCurrency) this.spend += sign * (p.amount - refunded);
  }
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
          reason: `Refund ${r.refundId} of order ${r.orderId}: ${formatMinorUnits(applied, r.currency)}`,
          reference: r.orderId,
        });
      }
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
  const totals = { earned: 0, reversed: 0, redeemed: 0, adjusted: 0 };
  let balance = 0;
  const ledger: LedgerLine[] = drafts.map((d) => {
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
    switch (d.kind) {
      case 'earned':
        totals.earned += d.points;
        break;
      case 'reversed':
        totals.reversed -= d.points;
        break;
      case 'redeemed':
        totals.redeemed -= d.points;
        break;
      case 'adjusted':
        totals.adjusted += d.points;
        break;
    }
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
  return { balance, ...totals, ledger };
}

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
      from: iso(asOf.getTime() - policy.windowDays * DAY_MS),
      currency: policy.spendCurrency,
      purchases: 0,
      spend: 0,
      otherCurrencies: [],
    },
    registeredAt: null,
    tenureDays: null,
    tierHistory: [],
    points: { balance: 0, earned: 0, reversed: 0, redeemed: 0, adjusted: 0, ledger: [] },
    anomalies: [],
    outreach: NO_OUTREACH,
  };
}

/**
 * Everything at `asOf`: only events that occurred at or before it are seen, so reading with a
 * past instant reconstructs what the model said then, and reading later lets purchases age out
 * of the window without any new event. An erased customer reads as an empty tombstone at every
 * instant: erasure is not undone by looking into the past.
 */
export function loyaltyView(state: LoyaltyState, asOf: Date, policy: LoyaltyPolicy): LoyaltyView {
  const asOfMs = asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new Error('loyalty view: asOf is not a valid date');
  if (state.erased !== null) return erasedView(state, asOf, policy);

  const tl = timelineAt(state, asOfMs);
  const figures = figuresAt(tl, asOfMs, policy);
  const index = tierIndexAt(tl, asOfMs, policy, figures);
  const rule = policy.tiers[index];
  const history = tierHistory(state, tl, asOfMs, policy);
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
    tierSince: history.at(-1)?.at ?? null,
    window: {
      days: policy.windowDays,
      from: iso(asOfMs - policy.windowDays * DAY_MS),
      currency: policy.spendCurrency,
      purchases: figures.purchases,
      spend: figures.spend,
      otherCurrencies: [...figures.other]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, amount]) => ({ currency, amount })),
    },
    registeredAt: reg?.occurredAt ?? null,
    tenureDays: reg === null ? null : Math.floor((asOfMs - reg.atMs) / DAY_MS),
    tierHistory: history,
    points: summary,
    anomalies,
    // A retired record is not a person to contact: outreach goes to the surviving customer.
    outreach: status === 'active' && rule !== undefined ? rule.outreach : NO_OUTREACH,
  };
}
