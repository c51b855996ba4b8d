// Test oracle: the unbounded customer360 model as of f29dec1, kept verbatim; spec files only.
import {
  CHANNELS,
  type Channel,
  type ComplaintCategory,
  type ComplaintSeverity,
  type EventType,
  type Money,
  type PersonName,
  type PostalAddress,
} from '@touchpoint/contracts';
import { localDayNumber } from './customer360.calendar.reference';
import { type Customer360Policy } from './customer360.policy.reference';
import { type SearchKeys } from './customer360.search.reference';
import {
  CONSENT_KEYS,
  type ConsentKey,
  type Customer360State,
  type DocumentKind,
  type PurchaseRecord,
  type Stamp,
  compareStamps,
  type TimelineEntry,
} from './customer360.state.reference';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Events that are a contact with the customer; identity bookkeeping and back-office are not. */
const CONTACT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'customer.registered',
  'customer.profile_updated',
  'call.logged',
  'email.sent',
  'email.opened',
  'email.clicked',
  'email.received',
  'web.visited',
  'purchase.completed',
  'purchase.refunded',
  'complaint.opened',
  'complaint.resolved',
  'feedback.submitted',
  'loyalty.points_redeemed',
]);

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
  readonly open: readonly OpenComplaint[];
  readonly resolved: readonly ResolvedComplaint[];
  readonly averageTimeToResolveHours: number | null;
}

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
}

const sortedKeys = (r: object): string[] => Object.keys(r).sort();

function latestKey(r: Readonly<Record<string, Stamp>>): string | null {
  let best: [string, Stamp] | null = null;
  for (const [k, s] of Object.entries(r)) {
    if (best === null || compareStamps(s, best[1]) > 0) best = [k, s];
  }
  return best?.[0] ?? null;
}

function mainCurrency(purchases: readonly PurchaseRecord[]): string | null {
  const counts = new Map<string, number>();
  for (const p of purchases) counts.set(p.currency, (counts.get(p.currency) ?? 0) + 1);
  let best: string | null = null;
  for (const [c, n] of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (best === null || n > (counts.get(best) ?? 0)) best = c;
  }
  return best;
}

function localMonth(ms: number, timeZone: string): string {
  return new Date(localDayNumber(ms, timeZone) * DAY_MS).toISOString().slice(0, 7);
}

function purchaseSummary(purchases: readonly PurchaseRecord[], timeZone: string): PurchaseSummary {
  const currency = mainCurrency(purchases);
  const spendByCurrency: Record<string, number> = {};
  const categories = new Map<string, { orders: number; quantity: number }>();
  for (const p of purchases) {
    spendByCurrency[p.currency] = (spendByCurrency[p.currency] ?? 0) + p.total;
    const inOrder = new Set<string>();
    for (const i of p.items) {
      const c = categories.get(i.category) ?? { orders: 0, quantity: 0 };
      categories.set(i.category, {
        orders: c.orders + (inOrder.has(i.category) ? 0 : 1),
        quantity: c.quantity + i.quantity,
      });
      inOrder.add(i.category);
    }
  }
  const inMain = purchases.filter((p) => p.currency === currency);
  const spend = inMain.reduce((s, p) => s + p.total, 0);
  const months = new Map<string, { orders: number; spend: number }>();
  for (const p of inMain) {
    const month = localMonth(p.stamp.ms, timeZone);
    const m = months.get(month) ?? { orders: 0, spend: 0 };
    months.set(month, { orders: m.orders + 1, spend: m.spend + p.total });
  }
  const sorted = [...purchases].sort((a, b) => compareStamps(a.stamp, b.stamp));
  return {
    orders: purchases.length,
    currency,
    spend,
    averageOrderValue: inMain.length > 0 ? spend / inMain.length : null,
    spendByCurrency,
    firstPurchaseAt: sorted[0]?.stamp.at ?? null,
    lastPurchaseAt: sorted[sorted.length - 1]?.stamp.at ?? null,
    categories: [...categories.entries()]
      .map(([category, c]) => ({ category, ...c }))
      .sort((a, b) => b.orders - a.orders || (a.category < b.category ? -1 : 1)),
    spendByMonth: [...months.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([month, m]) => ({ month, ...m })),
  };
}

/** BTYD figures in days; see RfmFigures for the definitions. */
export function computeRfm(
  purchases: readonly PurchaseRecord[],
  asOf: Date,
  timeZone: string,
): RfmFigures | null {
  const currency = mainCurrency(purchases);
  if (currency === null) return null;
  const spendByDay = new Map<number, number>();
  for (const p of purchases) {
    const day = localDayNumber(p.stamp.ms, timeZone);
    const add = p.currency === currency ? p.total : 0;
    spendByDay.set(day, (spendByDay.get(day) ?? 0) + add);
  }
  const days = [...spendByDay.keys()].sort((a, b) => a - b);
  const first = days[0] ?? 0;
  const last = days[days.length - 1] ?? 0;
  const repeats = days.slice(1);
  const repeatSpend = repeats.reduce((s, d) => s + (spendByDay.get(d) ?? 0), 0);
  return {
    frequency: repeats.length,
    recency: last - first,
    T: localDayNumber(asOf.getTime(), timeZone) - first,
    monetary: repeats.length > 0 ? repeatSpend / repeats.length : 0,
    currency,
    purchaseDays: days.length,
  };
}

export function lifecycleStage(
  purchases: readonly PurchaseRecord[],
  asOf: Date,
  policy: Customer360Policy,
): LifecycleView {
  const rfm = computeRfm(purchases, asOf, policy.timeZone);
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
  const open: OpenComplaint[] = [];
  const resolved: ResolvedComplaint[] = [];
  for (const c of Object.values(state.complaints)) {
    const o = c.opened !== null && c.opened.stamp.ms <= asOfMs ? c.opened : null;
    const r = c.resolved !== null && c.resolved.stamp.ms <= asOfMs ? c.resolved : null;
    if (r !== null) {
      resolved.push({
        complaintId: c.complaintId,
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
        complaintId: c.complaintId,
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
  const times = resolved.map((r) => r.timeToResolveHours).filter((t): t is number => t !== null);
  return {
    open,
    resolved,
    averageTimeToResolveHours:
      times.length > 0 ? times.reduce((s, t) => s + t, 0) / times.length : null,
  };
}

function satisfactionView(state: Customer360State, asOfMs: number): SatisfactionView {
  const answers = Object.values(state.feedback)
    .filter((f) => f.stamp.ms <= asOfMs)
    .sort((a, b) => compareStamps(a.stamp, b.stamp));
  const csat = answers.map((a) => a.csat).filter((n): n is number => n !== null);
  const nps = answers.map((a) => a.nps).filter((n): n is number => n !== null);
  const mean = (xs: number[]): number | null =>
    xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
  const latestOf = (field: 'csat' | 'nps'): ScoreAt | null => {
    for (let i = answers.length - 1; i >= 0; i--) {
      const a = answers[i];
      const score = a?.[field];
      if (a !== undefined && score !== null && score !== undefined) {
        return { score, at: a.stamp.at };
      }
    }
    return null;
  };
  return {
    responses: answers.length,
    latestCsat: latestOf('csat'),
    latestNps: latestOf('nps'),
    averageCsat: mean(csat),
    averageNps: mean(nps),
  };
}

function webView(state: Customer360State, asOfMs: number): WebView {
  const sessions = Object.values(state.sessions).filter((s) => s.first.ms <= asOfMs);
  const engaged = sessions.filter((s) => s.checkoutStarted || Object.keys(s.cartAdds).length > 0);
  const abandoned = engaged.filter((s) => !s.converted);
  const products = new Map<string, ViewedProduct>();
  for (const s of sessions) {
    for (const [sku, p] of Object.entries(s.productsViewed)) {
      const before = products.get(sku);
      products.set(sku, {
        sku,
        name: before?.name ?? p.name,
        category: before?.category ?? p.category,
      });
    }
  }
  const last = sessions.reduce<Stamp | null>(
    (m, s) => (m === null || compareStamps(s.last, m) > 0 ? s.last : m),
    null,
  );
  return {
    sessions: sessions.length,
    sessionsWithCartOrCheckout: engaged.length,
    abandonedSessions: abandoned.length,
    convertedSessions: sessions.filter((s) => s.converted).length,
    abandonmentRate: engaged.length > 0 ? abandoned.length / engaged.length : null,
    productsViewed: [...products.values()].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    lastVisitAt: last?.at ?? null,
  };
}

function channelsView(state: Customer360State, asOfMs: number): ChannelActivity[] {
  const byChannel = new Map<Channel, { count: number; last: { at: string; ms: number } }>();
  for (const e of Object.values(state.events)) {
    if (e.ms > asOfMs || !CONTACT_TYPES.has(e.type)) continue;
    const c = byChannel.get(e.channel);
    byChannel.set(e.channel, {
      count: (c?.count ?? 0) + 1,
      last: c === undefined || e.ms > c.last.ms ? { at: e.at, ms: e.ms } : c.last,
    });
  }
  return CHANNELS.flatMap((channel) => {
    const c = byChannel.get(channel);
    return c === undefined ? [] : [{ channel, count: c.count, lastContactAt: c.last.at }];
  });
}

/**
 * Everything an agent sees, valid as of `asOf`: facts dated after it are left out, and every
 * time-dependent figure is computed here, never stored. The profile is the current one; the
 * timeline as of an earlier date can be shorter than `timelineSize` when newer entries pushed
 * older ones out of the retained window.
 */
export function customer360View(
  state: Customer360State,
  asOf: Date,
  policy: Customer360Policy,
): Customer360View {
  const asOfMs = asOf.getTime();
  const purchases = Object.values(state.purchases).filter((p) => p.stamp.ms <= asOfMs);
  const refunds = Object.values(state.refunds).filter((r) => r.stamp.ms <= asOfMs);
  const channels = channelsView(state, asOfMs);
  const lastContact = channels.reduce<{ at: string; ms: number } | null>((m, c) => {
    const ms = Date.parse(c.lastContactAt);
    return m === null || ms > m.ms ? { at: c.lastContactAt, ms } : m;
  }, null);
  const amountByCurrency: Record<string, number> = {};
  for (const r of refunds)
    amountByCurrency[r.currency] = (amountByCurrency[r.currency] ?? 0) + r.amount;
  const lastRefund = [...refunds].sort((a, b) => compareStamps(b.stamp, a.stamp))[0];
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
    timeline: state.timeline.filter((e) => e.ms <= asOfMs).slice(0, policy.timelineSize),
    purchases: purchaseSummary(purchases, policy.timeZone),
    refunds: {
      count: refunds.length,
      amountByCurrency,
      lastRefundAt: lastRefund?.stamp.at ?? null,
    },
    rfm: computeRfm(purchases, asOf, policy.timeZone),
    complaints: complaintsView(state, asOfMs),
    satisfaction: satisfactionView(state, asOfMs),
    web: webView(state, asOfMs),
    lifecycle: lifecycleStage(purchases, asOf, policy),
  };
}
