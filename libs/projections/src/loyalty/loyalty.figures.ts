import { dayStart, DAY_MS, localDay } from './loyalty.calendar';
import { byTimeThenId, isFullyRefunded } from './loyalty.compaction';
import { pointsForAmount } from './loyalty.points';
import { type LoyaltyPolicy } from './loyalty.policy';
import { type LoyaltyState, type LoyaltyStatus, type RefundFact } from './loyalty.types';

/**
 * The loyalty figures analysts count customers by, stored as native fields next to the JSON
 * state (docs/read-models.md). `asOf` is the newest event time the document has seen, never the
 * clock, so a replay writes the same figures.
 *
 * The tier is the one figure that changes with no event at all: purchases leave the rolling
 * window, a registration reaches a tier's tenure. So besides `tierAtAsOf` the document states,
 * as absolute instants, every change that will happen if nothing else arrives (`tierChanges`,
 * at most two per tier: eligibility for a tier is lost once by the window and gained once by
 * tenure). A query then reads the tier at its own "now" without our code.
 */
export type LoyaltyFigures = {
  readonly status: LoyaltyStatus;
  readonly mergedIntoCustomerId: string | null;
  readonly registeredAt: string | null;
  readonly tierAtAsOf: string;
  /** Ascending; each names the tier held from `at` on, provided no event arrives. */
  readonly tierChanges: readonly { readonly at: string; readonly tier: string }[];
  /** The first of `tierChanges`, or null: `tierAtAsOf` holds until then. */
  readonly tierUntil: string | null;
  readonly windowDays: number;
  /** The policy's spend currency: every spend figure is in its minor units. */
  readonly currency: string;
  /** Orders in the window at asOf, in every currency, fully refunded ones left out. */
  readonly windowPurchasesAtAsOf: number;
  /** Net of refunds, minor units of `currency`. */
  readonly windowSpendAtAsOf: number;
  readonly lifetimePurchases: number;
  readonly lifetimeSpend: number;
  readonly pointsBalance: number;
  readonly pointsEarned: number;
  readonly pointsRedeemed: number;
};

const iso = (ms: number): string => new Date(ms).toISOString();

interface Tally {
  purchases: number;
  spend: number;
}

/**
 * What each local day adds to the window figures at any instant from asOf on (the view's
 * `figuresAt`, taken apart by day): detail orders net of their refunds, compacted day sums,
 * and refunds of compacted orders, on their order's day. Lifetime totals come out of the same
 * pass.
 */
function contributions(
  state: LoyaltyState,
  asOfMs: number,
  policy: LoyaltyPolicy,
): { byDay: Map<number, Tally>; lifetime: Tally } {
  const byDay = new Map<number, Tally>();
  const lifetime: Tally = { purchases: 0, spend: 0 };
  // Compacted day sums are also in the compacted totals: they count for the window only.
  const add = (
    day: number | null,
    purchases: number,
    currency: string,
    amount: number,
    forLifetime = true,
  ) => {
    const spend = currency === policy.spendCurrency ? amount : 0;
    if (forLifetime) {
      lifetime.purchases += purchases;
      lifetime.spend += spend;
    }
    if (day === null) return;
    const t = byDay.get(day);
    if (t === undefined) byDay.set(day, { purchases, spend });
    else {
      t.purchases += purchases;
      t.spend += spend;
    }
  };
  const orders = new Set<string>();
  for (const p of state.purchases) if (p.atMs <= asOfMs) orders.add(p.orderId);
  const refunded = new Map<string, number>();
  for (const r of state.refunds) {
    if (r.atMs > asOfMs) continue;
    if (r.order !== null) {
      add(r.order.day, r.order.completes ? -1 : 0, r.order.currency, -r.order.applied);
    } else if (orders.has(r.orderId)) {
      const key = `${r.orderId}\u0000${r.currency}`;
      refunded.set(key, (refunded.get(key) ?? 0) + r.amount);
    }
  }
  for (const p of state.purchases) {
    if (p.atMs > asOfMs) continue;
    const back = Math.min(refunded.get(`${p.orderId}\u0000${p.currency}`) ?? 0, p.amount);
    if (isFullyRefunded(back, p.amount)) continue;
    add(localDay(p.atMs, policy.timeZone), 1, p.currency, p.amount - back);
  }
  for (const [day, currency, purchases, amount] of state.days) {
    add(day, purchases, currency, amount, false);
  }
  for (const c of state.compacted.spend) add(null, c.purchases, c.currency, c.amount);
  return { byDay, lifetime };
}

/** The ledger totals as the view sums its lines: compacted, then each fact up to asOf. */
function points(state: LoyaltyState, asOfMs: number, policy: LoyaltyPolicy) {
  const c = state.compacted;
  let earned = c.earned;
  let reversed = c.reversed;
  let redeemed = c.redeemed;
  let adjusted = c.adjusted;
  const rate = policy.earning;
  const refundsOf = new Map<string, RefundFact[]>();
  for (const r of state.refunds) {
    if (r.atMs > asOfMs) continue;
    if (r.order !== null) {
      if (r.order.points > 0) reversed += r.order.points;
      continue;
    }
    const list = refundsOf.get(r.orderId);
    if (list === undefined) refundsOf.set(r.orderId, [r]);
    else list.push(r);
  }
  for (const p of state.purchases) {
    if (p.atMs > asOfMs) continue;
    const e = pointsForAmount(p.amount, p.currency, rate);
    // An unknown currency earns nothing and its refunds take nothing back (an anomaly).
    if (e === undefined) continue;
    earned += e;
    let refunded = 0;
    for (const r of (refundsOf.get(p.orderId) ?? []).sort(byTimeThenId)) {
      if (r.currency !== p.currency) continue;
      const before = pointsForAmount(p.amount - refunded, p.currency, rate) ?? 0;
      refunded += Math.min(r.amount, p.amount - refunded);
      const after = pointsForAmount(p.amount - refunded, p.currency, rate) ?? 0;
      if (before > after) reversed += before - after;
    }
  }
  for (const r of state.redemptions) if (r.atMs <= asOfMs) redeemed += r.points;
  for (const a of state.adjustments) if (a.atMs <= asOfMs) adjusted += a.points;
  return { balance: earned - reversed - redeemed + adjusted, earned, redeemed };
}

/** Highest tier whose rules the figures and tenure meet, as the view chooses it. */
function tierIndex(
  policy: LoyaltyPolicy,
  figures: Tally,
  registrationMs: number | null,
  tenureThrough: number,
): number {
  let index = 0;
  policy.tiers.forEach((rule, i) => {
    const tenure =
      rule.minTenureDays === null ||
      (registrationMs !== null && registrationMs + rule.minTenureDays * DAY_MS <= tenureThrough);
    if (figures.purchases >= rule.minPurchases && figures.spend >= rule.minSpend && tenure)
      index = i;
  });
  return index;
}

/**
 * The tier changes after asOf with no new event. From asOf on the window only loses days and
 * tenure only accrues, so the instants to look at are each day's exit (the start of the local
 * day `windowDays` later) and each tenure anniversary. Exits are ordered against anniversaries
 * by local day; a day's start is worked out (time-zone arithmetic) only where the tier changes
 * or an anniversary falls on the same day.
 */
function tierChanges(
  policy: LoyaltyPolicy,
  byDay: ReadonlyMap<number, Tally>,
  fromDay: number,
  window: Tally,
  registrationMs: number | null,
  asOfMs: number,
): { at: number; index: number }[] {
  const zone = policy.timeZone;
  const exitOf = (day: number) => dayStart(day + policy.windowDays, zone);
  const days = [...byDay.keys()].filter((d) => d >= fromDay).sort((a, b) => a - b);
  const anniversaries =
    registrationMs === null
      ? []
      : [
          ...new Set(
            policy.tiers.flatMap((r) =>
              r.minTenureDays === null ? [] : [registrationMs + r.minTenureDays * DAY_MS],
            ),
          ),
        ]
          .filter((t) => t > asOfMs)
          .sort((a, b) => a - b);
  const figures = { ...window };
  let tenureThrough = asOfMs;
  let current = tierIndex(policy, figures, registrationMs, tenureThrough);
  const changes: { at: number; index: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < days.length || j < anniversaries.length) {
    const day = days[i];
    const anniversary = anniversaries[j];
    let exit: number | null = null;
    let takeExit = anniversary === undefined;
    let takeAnniversary = day === undefined;
    if (day !== undefined && anniversary !== undefined) {
      const exitDay = day + policy.windowDays;
      const anniversaryDay = localDay(anniversary, zone);
      if (exitDay !== anniversaryDay) {
        takeExit = exitDay < anniversaryDay;
        takeAnniversary = !takeExit;
      } else {
        exit = exitOf(day);
        takeExit = exit <= anniversary;
        takeAnniversary = anniversary <= exit;
      }
    }
    if (takeExit && day !== undefined) {
      const t = byDay.get(day) as Tally;
      figures.purchases -= t.purchases;
      figures.spend -= t.spend;
      i += 1;
    }
    if (takeAnniversary && anniversary !== undefined) {
      tenureThrough = anniversary;
      j += 1;
    }
    const next = tierIndex(policy, figures, registrationMs, tenureThrough);
    if (next === current) continue;
    const at = takeAnniversary ? (anniversary as number) : (exit ?? exitOf(day as number));
    changes.push({ at, index: next });
    current = next;
  }
  return changes;
}

export function loyaltyFigures(
  state: LoyaltyState,
  asOf: Date,
  policy: LoyaltyPolicy,
): LoyaltyFigures {
  const asOfMs = asOf.getTime();
  const base = policy.tiers[0]?.name ?? 'unknown';
  const nameOf = (index: number) => policy.tiers[index]?.name ?? 'unknown';
  if (state.erased !== null) {
    // A tombstone reads empty at every instant, as the view has it.
    return {
      status: 'erased',
      mergedIntoCustomerId: null,
      registeredAt: null,
      tierAtAsOf: base,
      tierChanges: [],
      tierUntil: null,
      windowDays: policy.windowDays,
      currency: policy.spendCurrency,
      windowPurchasesAtAsOf: 0,
      windowSpendAtAsOf: 0,
      lifetimePurchases: 0,
      lifetimeSpend: 0,
      pointsBalance: 0,
      pointsEarned: 0,
      pointsRedeemed: 0,
    };
  }
  const { byDay, lifetime } = contributions(state, asOfMs, policy);
  const fromDay = localDay(asOfMs, policy.timeZone) - policy.windowDays + 1;
  const lastDay = localDay(asOfMs, policy.timeZone);
  const window: Tally = { purchases: 0, spend: 0 };
  for (const [day, t] of byDay) {
    if (day < fromDay || day > lastDay) continue;
    window.purchases += t.purchases;
    window.spend += t.spend;
  }
  const reg = state.registration;
  const registrationMs = reg !== null && reg.atMs <= asOfMs ? reg.atMs : null;
  const index = tierIndex(policy, window, registrationMs, asOfMs);
  const changes = tierChanges(policy, byDay, fromDay, window, registrationMs, asOfMs).map((c) => ({
    at: iso(c.at),
    tier: nameOf(c.index),
  }));
  const merged = state.mergedInto !== null && state.mergedInto.atMs <= asOfMs;
  const p = points(state, asOfMs, policy);
  return {
    status: merged ? 'merged' : 'active',
    mergedIntoCustomerId: merged ? (state.mergedInto?.customerId ?? null) : null,
    registeredAt: registrationMs === null ? null : iso(registrationMs),
    tierAtAsOf: nameOf(index),
    tierChanges: changes,
    tierUntil: changes[0]?.at ?? null,
    windowDays: policy.windowDays,
    currency: policy.spendCurrency,
    windowPurchasesAtAsOf: window.purchases,
    windowSpendAtAsOf: window.spend,
    lifetimePurchases: lifetime.purchases,
    lifetimeSpend: lifetime.spend,
    pointsBalance: p.balance,
    pointsEarned: p.earned,
    pointsRedeemed: p.redeemed,
  };
}
