import {
  CHANNELS,
  type Channel,
  type ComplaintCategory,
  type ComplaintSeverity,
  type Money,
  type PersonName,
  type PostalAddress,
} from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import { asOfBeyondHorizon } from '../horizon';
import { localDayNumber } from './customer360.calendar';
import {
  addCategory,
  addChannel,
  addCurrency,
  addMonthTotal,
  addNumber,
  type CategoryTotal,
  type ChannelTotal,
  type CurrencyTotal,
  daysOfMonth,
  earlierStamp,
  laterStamp,
  monthOfDay,
  type MonthTotal,
  type ScoreStamp,
} from './customer360.history';
import { type Customer360Policy } from './customer360.policy';
import {
  compareStamps,
  copyRecord,
  getKey,
  type Stamp,
  type TimelineEntry,
} from './customer360.record';
import { type SearchKeys } from './customer360.search';
import {
  CONSENT_KEYS,
  CONTACT_TYPES,
  type ConsentKey,
  type Customer360State,
  type DocumentKind,
  eventStamp,
  retainedTimeline,
} from './customer360.state';

const HOUR_MS = 3_600_000;

export type LifecycleStage = 'prospect' | 'new' | 'active' | 'at_risk' | 'lapsed';

export interface ChannelActivity {
  readonly channel: Channel;
  readonly count: number;
  readonly lastContactAt: string;
}

export interface RfmFigures {
  /** Repeat purchase days: distinct purchase days − 1. */
  readonly frequency: number;
  /** Days from the first to the last purchase day. */
  readonly recency: number;
  /** Days from the first purchase day to asOf's day. */
  readonly T: number;
  /** Mean spend per repeat purchase day (first day excluded), minor units; 0 without repeats. */
  readonly monetary: number;
  readonly currency: string;
  readonly purchaseDays: number;
}

export interface CategorySummary {
  readonly category: string;
  readonly orders: number;
  readonly quantity: number;
}

export interface MonthlySpend {
  /** `YYYY-MM` in the policy's time zone. */
  readonly month: string;
  readonly orders: number;
  /** Minor units of the summary's main `currency`. */
  readonly spend: number;
}

export interface PurchaseSummary {
  readonly orders: number;
  /** The currency most orders were paid in; `spend` and `averageOrderValue` are in it. */
  readonly currency: string | null;
  readonly spend: number;
  readonly averageOrderValue: number | null;
  readonly spendByCurrency: Readonly<Record<string, number>>;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  readonly categories: readonly CategorySummary[];
  /** Months with an order in the main currency, ascending: the agent's spend-over-time line. */
  readonly spendByMonth: readonly MonthlySpend[];
}

export interface RefundSummary {
  readonly count: number;
  readonly amountByCurrency: Readonly<Record<string, number>>;
  readonly lastRefundAt: string | null;
}

export interface OpenComplaint {
  readonly complaintId: string;
  readonly category: ComplaintCategory;
  readonly severity: ComplaintSeverity;
  readonly description: string | null;
  readonly orderId: string | null;
  readonly openedAt: string;
  readonly ageHours: number;
}

export interface ResolvedComplaint {
  readonly complaintId: string;
  readonly category: ComplaintCategory | null;
  readonly severity: ComplaintSeverity | null;
  readonly openedAt: string | null;
  readonly resolvedAt: string;
  /** Null when the opening was never received. */
  readonly timeToResolveHours: number | null;
  readonly resolution: string | null;
  readonly compensationPoints: number | null;
  readonly compensationMoney: Money | null;
}

export interface ComplaintsView {
  /** Open complaints, oldest first; at most MAX_OPEN_COMPLAINTS itemised. */
  readonly open: readonly OpenComplaint[];
  /** All open complaints, itemised or not. */
  readonly openCount: number;
  /** Complaints resolved within the horizon, newest first, at most RESOLVED_SHOWN. */
  readonly resolved: readonly ResolvedComplaint[];
  /** All resolved complaints. */
  readonly resolvedCount: number;
  readonly averageTimeToResolveHours: number | null;
}

/** Resolved complaints listed; the figures count them all. */
export const RESOLVED_SHOWN = 20;

export interface ScoreAt {
  readonly score: number;
  readonly at: string;
}

export interface SatisfactionView {
  readonly responses: number;
  readonly latestCsat: ScoreAt | null;
  readonly latestNps: ScoreAt | null;
  readonly averageCsat: number | null;
  readonly averageNps: number | null;
}

export interface ViewedProduct {
  readonly sku: string;
  readonly name: string | null;
  readonly category: string | null;
}

export interface WebView {
  readonly sessions: number;
  readonly sessionsWithCartOrCheckout: number;
  readonly abandonedSessions: number;
  readonly convertedSessions: number;
  /** abandoned ÷ sessions with a cart add or a started checkout; null when there are none. */
  readonly abandonmentRate: number | null;
  /**
   * The RECENT_PRODUCTS products viewed most recently, by sku; as of an earlier instant, those
   * of them whose latest view was by then (a product viewed again since is left out).
   */
  readonly productsViewed: readonly ViewedProduct[];
  readonly lastVisitAt: string | null;
}

export interface LifecycleView {
  readonly stage: LifecycleStage;
  readonly daysSinceLastPurchase: number | null;
  readonly reason: string;
}

export interface Customer360View {
  readonly key: string;
  readonly kind: DocumentKind;
  readonly customerId: string | null;
  readonly anonymousId: string | null;
  readonly asOf: string;
  readonly identity: {
    readonly registeredAt: string | null;
    readonly linkedAnonymousIds: readonly string[];
    /** Visitor document: the customer it was identified as (latest link). */
    readonly linkedCustomerId: string | null;
    readonly mergedCustomerIds: readonly string[];
    readonly mergedIntoCustomerId: string | null;
    readonly erased: boolean;
    readonly erasedAt: string | null;
  };
  readonly contact: {
    readonly name: PersonName | null;
    readonly email: string | null;
    readonly phone: string | null;
    readonly loyaltyCardId: string | null;
  };
  readonly profile: {
    readonly birthDate: string | null;
    readonly address: PostalAddress | null;
  };
  readonly searchKeys: SearchKeys;
  /** null = never stated (not the same as refused). */
  readonly consent: Readonly<Record<ConsentKey, boolean | null>>;
  readonly channels: readonly ChannelActivity[];
  readonly totalContacts: number;
  readonly lastContactAt: string | null;
  readonly timeline: readonly TimelineEntry[];
  readonly purchases: PurchaseSummary;
  readonly refunds: RefundSummary;
  readonly rfm: RfmFigures | null;
  readonly complaints: ComplaintsView;
  readonly satisfaction: SatisfactionView;
  readonly web: WebView;
  readonly lifecycle: LifecycleView;
  /** Views as of an earlier instant are refused: older detail was compacted. Null: none was. */
  readonly exactFrom: string | null;
}

const sortedKeys = (r: object): string[] => Object.keys(r).sort();

function latestKey(r: Readonly<Record<string, Stamp>>): string | null {
  let best: [string, Stamp] | null = null;
  for (const [k, s] of Object.entries(r)) {
    if (best === null || compareStamps(s, best[1]) > 0) best = [k, s];
  }
  return best?.[0] ?? null;
}

interface PurchaseTotals {
  readonly orders: Readonly<Record<string, CurrencyTotal>>;
  readonly first: Stamp | null;
  readonly last: Stamp | null;
  readonly categories: Readonly<Record<string, CategoryTotal>>;
  readonly months: ReadonlyMap<string, Record<string, MonthTotal>>;
  readonly days: ReadonlySet<number>;
  readonly firstDay: number | null;
  readonly firstDaySpend: Readonly<Record<string, number>>;
}

/** The compacted purchases and those of the detail up to asOf, added up. */
function purchaseTotals(state: Customer360State, asOfMs: number, timeZone: string): PurchaseTotals {
  const h = state.history;
  const orders = copyRecord(h.orders);
  const categories = copyRecord(h.categories);
  const months = new Map<string, Record<string, MonthTotal>>();
  const days = new Set<number>();
  for (const [month, [bits, spend]] of Object.entries(h.months)) {
    months.set(month, copyRecord(spend));
    for (const d of daysOfMonth(month, bits)) days.add(d);
  }
  let first = h.firstPurchase;
  let last = h.lastPurchase;
  let firstDay = h.firstDay;
  let firstDaySpend = copyRecord(h.firstDaySpend);
  for (const p of Object.values(state.purchases)) {
    const stamp = eventStamp(state.events, p.eventId);
    if (stamp.ms > asOfMs) continue;
    addCurrency(orders, p.currency, 1, p.total);
    first = earlierStamp(first, stamp);
    last = laterStamp(last, stamp);
    for (const [c, quantity] of Object.entries(p.categories))
      addCategory(categories, c, { orders: 1, quantity });
    const day = localDayNumber(stamp.ms, timeZone);
    days.add(day);
    const { month } = monthOfDay(day);
    const spend = months.get(month) ?? {};
    addMonthTotal(spend, p.currency, [1, p.total]);
    months.set(month, spend);
    if (firstDay === null || day < firstDay) {
      firstDay = day;
      firstDaySpend = {};
    }
    if (day === firstDay) addNumber(firstDaySpend, p.currency, p.total);
  }
  return { orders, first, last, categories, months, days, firstDay, firstDaySpend };
}

/** The currency most orders were paid in; ties go to the first in alphabetical order. */
function mainCurrency(orders: Readonly<Record<string, CurrencyTotal>>): string | null {
  let best: string | null = null;
  let most = 0;
  for (const c of Object.keys(orders).sort()) {
    const n = orders[c]?.orders ?? 0;
    if (best === null || n > most) {
      best = c;
      most = n;
    }
  }
  return best;
}

function purchaseSummary(t: PurchaseTotals): PurchaseSummary {
  const currency = mainCurrency(t.orders);
  const inMain = currency === null ? undefined : getKey(t.orders, currency);
  const spendByCurrency: Record<string, number> = {};
  let orders = 0;
  for (const [c, total] of Object.entries(t.orders)) {
    orders += total.orders;
    spendByCurrency[c] = total.spend;
  }
  const spend = inMain?.spend ?? 0;
  const spendByMonth: MonthlySpend[] = [];
  for (const [month, spend] of t.months) {
    const m = currency === null ? undefined : getKey(spend, currency);
    if (m !== undefined && m[0] > 0) spendByMonth.push({ month, orders: m[0], spend: m[1] });
  }
  return {
    orders,
    currency,
    spend,
    averageOrderValue: inMain !== undefined && inMain.orders > 0 ? spend / inMain.orders : null,
    spendByCurrency,
    firstPurchaseAt: t.first?.at ?? null,
    lastPurchaseAt: t.last?.at ?? null,
    categories: Object.entries(t.categories)
      .map(([category, c]) => ({ category, ...c }))
      .sort((a, b) => b.orders - a.orders || (a.category < b.category ? -1 : 1)),
    spendByMonth: spendByMonth.sort((a, b) => (a.month < b.month ? -1 : 1)),
  };
}

/**
 * BTYD figures in days; see RfmFigures for the definitions. The spend of the repeat days is
 * the main currency's whole spend less what the first purchase day spent in it.
 */
function computeRfmOf(t: PurchaseTotals, asOf: Date, timeZone: string): RfmFigures | null {
  const currency = mainCurrency(t.orders);
  if (currency === null || t.firstDay === null) return null;
  let last = t.firstDay;
  for (const d of t.days) if (d > last) last = d;
  const repeats = t.days.size - 1;
  const repeatSpend =
    (getKey(t.orders, currency)?.spend ?? 0) - (getKey(t.firstDaySpend, currency) ?? 0);
  return {
    frequency: repeats,
    recency: last - t.firstDay,
    T: localDayNumber(asOf.getTime(), timeZone) - t.firstDay,
    monetary: repeats > 0 ? repeatSpend / repeats : 0,
    currency,
    purchaseDays: t.days.size,
  };
}

/** The RFM figures of a document as of `asOf` (exact within its horizon). */
export function computeRfm(
  state: Customer360State,
  asOf: Date,
  timeZone: string,
): RfmFigures | null {
  return computeRfmOf(purchaseTotals(state, asOf.getTime(), timeZone), asOf, timeZone);
}

export function lifecycleStage(rfm: RfmFigures | null, policy: Customer360Policy): LifecycleView {
  if (rfm === null) {
    return { stage: 'prospect', daysSinceLastPurchase: null, reason: 'no purchase yet' };
  }
  const since = rfm.T - rfm.recency;
  const l = policy.lifecycle;
  if (since >= l.lapsedAfterDays) {
    return {
      stage: 'lapsed',
      daysSinceLastPurchase: since,
      reason: `${since} days since the last purchase (lapsed from ${l.lapsedAfterDays})`,
    };
  }
  if (since >= l.atRiskAfterDays) {
    return {
      stage: 'at_risk',
      daysSinceLastPurchase: since,
      reason: `${since} days since the last purchase (at risk from ${l.atRiskAfterDays})`,
    };
  }
  if (rfm.frequency < l.activeMinFrequency) {
    return {
      stage: 'new',
      daysSinceLastPurchase: since,
      reason: `${rfm.frequency} repeat purchase days (active from ${l.activeMinFrequency})`,
    };
  }
  return {
    stage: 'active',
    daysSinceLastPurchase: since,
    reason: `${rfm.frequency} repeat purchase days, last ${since} days ago`,
  };
}

function complaintsView(state: Customer360State, asOfMs: number): ComplaintsView {
  const h = state.history;
  const open: OpenComplaint[] = [];
  const resolved: ResolvedComplaint[] = [];
  let timed = h.timedComplaints;
  let resolveMs = h.resolveMs;
  for (const [complaintId, c] of Object.entries(state.complaints)) {
    const o = c.opened !== null && c.opened.stamp.ms <= asOfMs ? c.opened : null;
    const r = c.resolved !== null && c.resolved.stamp.ms <= asOfMs ? c.resolved : null;
    if (r !== null) {
      if (o !== null) {
        timed += 1;
        resolveMs += r.stamp.ms - o.stamp.ms;
      }
      resolved.push({
        complaintId,
        category: o?.category ?? null,
        severity: o?.severity ?? null,
        openedAt: o?.stamp.at ?? null,
        resolvedAt: r.stamp.at,
        timeToResolveHours: o === null ? null : (r.stamp.ms - o.stamp.ms) / HOUR_MS,
        resolution: r.resolution,
        compensationPoints: r.compensationPoints,
        compensationMoney: r.compensationMoney,
      });
    } else if (o !== null) {
      open.push({
        complaintId,
        category: o.category,
        severity: o.severity,
        description: o.description,
        orderId: o.orderId,
        openedAt: o.stamp.at,
        ageHours: (asOfMs - o.stamp.ms) / HOUR_MS,
      });
    }
  }
  open.sort((a, b) => b.ageHours - a.ageHours || (a.complaintId < b.complaintId ? -1 : 1));
  resolved.sort((a, b) =>
    a.resolvedAt === b.resolvedAt
      ? a.complaintId < b.complaintId
        ? -1
        : 1
      : Date.parse(b.resolvedAt) - Date.parse(a.resolvedAt),
  );
  return {
    open,
    openCount: open.length + h.openNotItemised,
    resolved: resolved.slice(0, RESOLVED_SHOWN),
    resolvedCount: h.resolvedComplaints + resolved.length,
    averageTimeToResolveHours: timed > 0 ? resolveMs / timed / HOUR_MS : null,
  };
}

function laterScore(a: ScoreStamp | null, score: number | null, stamp: Stamp): ScoreStamp | null {
  if (score === null) return a;
  return a === null || compareStamps(stamp, a.stamp) > 0 ? { score, stamp } : a;
}

function satisfactionView(state: Customer360State, asOfMs: number): SatisfactionView {
  const h = state.history;
  let responses = h.responses;
  let csatSum = h.csatSum;
  let csatCount = h.csatCount;
  let npsSum = h.npsSum;
  let npsCount = h.npsCount;
  let latestCsat = h.latestCsat;
  let latestNps = h.latestNps;
  for (const [eventId, f] of Object.entries(state.feedback)) {
    const stamp = eventStamp(state.events, eventId);
    if (stamp.ms > asOfMs) continue;
    responses += 1;
    if (f.csat !== null) {
      csatSum += f.csat;
      csatCount += 1;
    }
    if (f.nps !== null) {
      npsSum += f.nps;
      npsCount += 1;
    }
    latestCsat = laterScore(latestCsat, f.csat, stamp);
    latestNps = laterScore(latestNps, f.nps, stamp);
  }
  const scoreAt = (s: ScoreStamp | null): ScoreAt | null =>
    s === null ? null : { score: s.score, at: s.stamp.at };
  return {
    responses,
    latestCsat: scoreAt(latestCsat),
    latestNps: scoreAt(latestNps),
    averageCsat: csatCount > 0 ? csatSum / csatCount : null,
    averageNps: npsCount > 0 ? npsSum / npsCount : null,
  };
}

function webView(state: Customer360State, asOfMs: number): WebView {
  const h = state.history;
  let sessions = h.sessions;
  let engaged = h.engagedSessions;
  let abandoned = h.abandonedSessions;
  let converted = h.convertedSessions;
  let last = h.lastVisit;
  for (const s of Object.values(state.sessions)) {
    const lastStamp = eventStamp(state.events, s.last);
    if ((s.first ?? lastStamp).ms > asOfMs) continue;
    sessions += 1;
    const isEngaged = s.cart || s.checkoutStarted;
    if (isEngaged) engaged += 1;
    if (isEngaged && !s.converted) abandoned += 1;
    if (s.converted) converted += 1;
    last = laterStamp(last, lastStamp);
  }
  return {
    sessions,
    sessionsWithCartOrCheckout: engaged,
    abandonedSessions: abandoned,
    convertedSessions: converted,
    abandonmentRate: engaged > 0 ? abandoned / engaged : null,
    productsViewed: Object.entries(state.recentProducts)
      .filter(([, p]) => p.seen <= asOfMs)
      .map(([sku, p]) => ({ sku, name: p.name, category: p.category }))
      .sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    lastVisitAt: last?.at ?? null,
  };
}

function channelsView(state: Customer360State, asOfMs: number): ChannelActivity[] {
  const byChannel: Record<string, ChannelTotal> = copyRecord(state.history.channels);
  for (const e of Object.values(state.events)) {
    if (e.ms > asOfMs || !CONTACT_TYPES.has(e.type)) continue;
    addChannel(byChannel, e.channel, { count: 1, lastAt: e.at, lastMs: e.ms });
  }
  return CHANNELS.flatMap((channel) => {
    const c = getKey(byChannel, channel);
    return c === undefined ? [] : [{ channel, count: c.count, lastContactAt: c.lastAt }];
  });
}

function refundSummary(state: Customer360State, asOfMs: number): RefundSummary {
  const h = state.history;
  let count = h.refunds;
  const amountByCurrency = copyRecord(h.refundedByCurrency);
  let last = h.lastRefund;
  for (const r of Object.values(state.refunds)) {
    const stamp = eventStamp(state.events, r.eventId);
    if (stamp.ms > asOfMs) continue;
    count += 1;
    addNumber(amountByCurrency, r.currency, r.amount);
    last = laterStamp(last, stamp);
  }
  return { count, amountByCurrency, lastRefundAt: last?.at ?? null };
}

/**
 * Everything an agent sees, valid as of `asOf`: facts dated after it are left out, and every
 * time-dependent figure is computed here, never stored. The profile is the current one; the
 * timeline as of an earlier date can be shorter than `timelineSize` when newer entries pushed
 * older ones out of the retained window. An `asOf` before the newest compacted fact is refused
 * (`as_of_beyond_horizon`): the compacted figures cannot be cut at an earlier instant.
 */
export function customer360View(
  state: Customer360State,
  asOf: Date,
  policy: Customer360Policy,
): Customer360View {
  const asOfMs = asOf.getTime();
  const h = state.history;
  if (h.throughMs !== null && asOfMs < h.throughMs) {
    throw asOfBeyondHorizon('customer360', asOf, h.throughMs);
  }
  if (h.timeZone !== null && h.timeZone !== policy.timeZone) {
    throw AppError.validation(
      'time_zone_mismatch',
      `customer360: this document's compacted purchases are bucketed in ${h.timeZone}, not in ` +
        `${policy.timeZone}; read it with the policy of the version that built it`,
    );
  }
  const totals = purchaseTotals(state, asOfMs, policy.timeZone);
  const rfm = computeRfmOf(totals, asOf, policy.timeZone);
  const channels = channelsView(state, asOfMs);
  const lastContact = channels.reduce<{ at: string; ms: number } | null>((m, c) => {
    const ms = Date.parse(c.lastContactAt);
    return m === null || ms > m.ms ? { at: c.lastContactAt, ms } : m;
  }, null);
  const consent = Object.fromEntries(
    CONSENT_KEYS.map((k) => [k, state.consent[k]?.value ?? null]),
  ) as Record<ConsentKey, boolean | null>;
  const p = state.profile;
  return {
    key: state.key,
    kind: state.kind,
    customerId: state.kind === 'customer' ? state.id : null,
    anonymousId: state.kind === 'visitor' ? state.id : null,
    asOf: asOf.toISOString(),
    identity: {
      registeredAt: state.registered?.at ?? null,
      linkedAnonymousIds: sortedKeys(state.linkedAnonymousIds),
      linkedCustomerId: state.kind === 'visitor' ? latestKey(state.linkedCustomerIds) : null,
      mergedCustomerIds: sortedKeys(state.absorbedCustomerIds),
      mergedIntoCustomerId: latestKey(state.mergedInto),
      erased: state.erased !== null,
      erasedAt: state.erased?.stamp.at ?? null,
    },
    contact: {
      name: p.name?.value ?? null,
      email: p.email?.value ?? null,
      phone: p.phone?.value ?? null,
      loyaltyCardId: p.loyaltyCardId?.value ?? null,
    },
    profile: { birthDate: p.birthDate?.value ?? null, address: p.address?.value ?? null },
    searchKeys: state.searchKeys,
    consent,
    channels,
    totalContacts: channels.reduce((s, c) => s + c.count, 0),
    lastContactAt: lastContact?.at ?? null,
    timeline: retainedTimeline(state)
      .filter((e) => e.ms <= asOfMs)
      .slice(0, policy.timelineSize),
    purchases: purchaseSummary(totals),
    refunds: refundSummary(state, asOfMs),
    rfm,
    complaints: complaintsView(state, asOfMs),
    satisfaction: satisfactionView(state, asOfMs),
    web: webView(state, asOfMs),
    lifecycle: lifecycleStage(rfm, policy),
    exactFrom: h.throughMs === null ? null : new Date(h.throughMs).toISOString(),
  };
}
