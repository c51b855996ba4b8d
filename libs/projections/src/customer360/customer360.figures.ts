import { CHANNELS, type Channel } from '@touchpoint/contracts';
import { localDayNumber } from './customer360.calendar';
import { monthOfDay } from './customer360.history';
import { type Customer360Policy } from './customer360.policy';
import { compareStamps, getKey, setKey, type Stamp } from './customer360.record';
import {
  CONSENT_KEYS,
  CONTACT_TYPES,
  type ConsentKey,
  type Customer360State,
  type DocumentKind,
  eventStamp,
} from './customer360.state';
import { type LifecycleStage, lifecycleStage, type RfmFigures } from './customer360.view';

/**
 * The figures analysts count customers by, stored as native fields next to the JSON state so
 * mongosh or a BI tool can read them without our code (docs/read-models.md).
 *
 * `asOf` is the newest event time the document has seen, never the clock, so a replay writes the
 * same figures as the live fold. Most figures cannot change until the next event. Those that
 * can (they depend on the reading instant) are either named `...AtAsOf`, or stored as the
 * absolute instant at which they change (`atRiskFrom`, `lapsedFrom`), so a query can compare
 * them with its own "now".
 *
 * One document's figures, not the merged customer: purchases a visitor made before being
 * identified stay on the `visitor:<id>` document, as in the state.
 */
export type Customer360Figures = {
  readonly kind: DocumentKind;
  readonly registeredAt: string | null;
  readonly erased: boolean;
  /** The customer this record was merged into (a retired duplicate), or null. */
  readonly mergedIntoCustomerId: string | null;
  readonly lifecycleAtAsOf: LifecycleStage;
  /** From this instant on, with no purchase since, the stage is `at_risk` (unless lapsed). */
  readonly atRiskFrom: string | null;
  /** From this instant on, with no purchase since, the stage is `lapsed`. */
  readonly lapsedFrom: string | null;
  readonly daysSinceLastPurchaseAtAsOf: number | null;
  readonly rfm: {
    readonly frequency: number;
    /** BTYD recency: days from the first to the last purchase day (not "days since"). */
    readonly recencyDays: number;
    readonly tDaysAtAsOf: number;
    /** Mean spend per repeat purchase day, minor units of `currency`; may be fractional. */
    readonly monetary: number;
    readonly currency: string;
    readonly purchaseDays: number;
  } | null;
  /** Orders in every currency. */
  readonly orders: number;
  /** The currency most orders were paid in; `spend` is in it. */
  readonly currency: string | null;
  /** Minor units of `currency`. */
  readonly spend: number;
  readonly spendByCurrency: Readonly<Record<string, number>>;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  /** The category of the most orders, ties by name. */
  readonly topCategory: string | null;
  readonly refunds: number;
  readonly refundedByCurrency: Readonly<Record<string, number>>;
  readonly contacts: number;
  readonly lastContactAt: string | null;
  readonly lastContactChannel: Channel | null;
  readonly openComplaints: number;
  /** Opening of the oldest open complaint still itemised (see MAX_OPEN_COMPLAINTS). */
  readonly oldestOpenComplaintAt: string | null;
  readonly resolvedComplaints: number;
  /** null = never stated, which is not the same as refused. */
  readonly consent: Readonly<Record<ConsentKey, boolean | null>>;
  readonly latestNps: number | null;
  readonly latestCsat: number | null;
  readonly webSessions: number;
  readonly lastVisitAt: string | null;
};

const DAY_MS = 86_400_000;

/** Instants as UTC ISO-8601: they then sort and compare as strings, whatever offset was sent. */
const utc = (ms: number): string => new Date(ms).toISOString();
const UTC_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|\+00:00)$/;
/**
 * An instant as stated, when it was stated in UTC with milliseconds (`at` parses to `ms`): the
 * text is then the UTC form already, or one suffix away from it, and needs no formatting.
 */
const utcAt = (at: string, ms: number): string =>
  UTC_TEXT.test(at) ? (at.length === 24 ? at : `${at.slice(0, 23)}Z`) : utc(ms);
const utcOf = (s: Stamp | null): string | null => (s === null ? null : utcAt(s.at, s.ms));

function later(a: Stamp | null, b: Stamp): Stamp {
  return a === null || compareStamps(b, a) > 0 ? b : a;
}

function popcount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n += 1;
  return n;
}

function monthStartDay(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / DAY_MS;
}

/**
 * `YYYY-MM` and day of month of a day number, as the history's `monthOfDay` gives them, by
 * calendar arithmetic (H. Hinnant's civil_from_days) instead of formatting a Date per purchase.
 */
export function monthAndDay(day: number): { month: string; dayOfMonth: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return monthOfDay(day);
  return {
    month: `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}`,
    dayOfMonth: doy - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

function addTo(into: Record<string, number>, key: string, n: number): void {
  setKey(into, key, (getKey(into, key) ?? 0) + n);
}

interface PurchaseFigures {
  readonly orders: Map<string, { orders: number; spend: number }>;
  readonly first: Stamp | null;
  readonly last: Stamp | null;
  /** Orders per category among the detail's purchases; the history's are added when read. */
  readonly detailCategories: Map<string, number>;
  readonly purchaseDays: number;
  readonly firstDay: number | null;
  readonly lastDay: number | null;
  readonly firstDaySpend: Record<string, number>;
}

/**
 * The view's purchase totals without what only the agent's screen needs (months, quantities):
 * distinct purchase days are counted from the month bitmaps, and a detail purchase adds a day
 * only when its month's bitmap lacks it, so nothing is built per compacted day.
 */
function purchaseFigures(state: Customer360State, asOfMs: number, zone: string): PurchaseFigures {
  const h = state.history;
  const orders = new Map<string, { orders: number; spend: number }>();
  for (const [c, t] of Object.entries(h.orders)) orders.set(c, { ...t });
  const detailCategories = new Map<string, number>();
  let purchaseDays = 0;
  let lastDay: number | null = null;
  for (const [month, [bits]] of Object.entries(h.months)) {
    if (bits === 0) continue;
    purchaseDays += popcount(bits);
    const highest = monthStartDay(month) + 31 - Math.clz32(bits);
    if (lastDay === null || highest > lastDay) lastDay = highest;
  }
  let first = h.firstPurchase;
  let last = h.lastPurchase;
  let firstDay = h.firstDay;
  let firstDaySpend: Record<string, number> = { ...h.firstDaySpend };
  const extraDays = new Set<number>();
  for (const p of Object.values(state.purchases)) {
    const stamp = eventStamp(state.events, p.eventId);
    if (stamp.ms > asOfMs) continue;
    const o = orders.get(p.currency);
    if (o === undefined) orders.set(p.currency, { orders: 1, spend: p.total });
    else {
      o.orders += 1;
      o.spend += p.total;
    }
    if (first === null || compareStamps(stamp, first) < 0) first = stamp;
    last = later(last, stamp);
    for (const c of Object.keys(p.categories))
      detailCategories.set(c, (detailCategories.get(c) ?? 0) + 1);
    const day = localDayNumber(stamp.ms, zone);
    if (!extraDays.has(day)) {
      const { month, dayOfMonth } = monthAndDay(day);
      const bits = getKey(h.months, month)?.[0] ?? 0;
      if ((bits & (1 << (dayOfMonth - 1))) === 0) {
        extraDays.add(day);
        purchaseDays += 1;
      }
    }
    if (lastDay === null || day > lastDay) lastDay = day;
    if (firstDay === null || day < firstDay) {
      firstDay = day;
      firstDaySpend = {};
    }
    if (day === firstDay) addTo(firstDaySpend, p.currency, p.total);
  }
  return { orders, first, last, detailCategories, purchaseDays, firstDay, lastDay, firstDaySpend };
}

/** As the view picks it: most orders, ties to the first in alphabetical order. */
function mainCurrency(orders: ReadonlyMap<string, { orders: number }>): string | null {
  let best: string | null = null;
  let most = 0;
  for (const c of [...orders.keys()].sort()) {
    const n = orders.get(c)?.orders ?? 0;
    if (best === null || n > most) {
      best = c;
      most = n;
    }
  }
  return best;
}

/** The category of the most orders, ties by name: the history's counts plus the detail's. */
function topCategory(
  history: Customer360State['history']['categories'],
  detail: ReadonlyMap<string, number>,
): string | null {
  let best: string | null = null;
  let most = 0;
  const consider = (k: string, n: number) => {
    if (best === null || n > most || (n === most && k < best)) {
      best = k;
      most = n;
    }
  };
  for (const [k, t] of Object.entries(history)) consider(k, t.orders + (detail.get(k) ?? 0));
  for (const [k, n] of detail) if (getKey(history, k) === undefined) consider(k, n);
  return best;
}

// A zone's local midnight is searched for, so the start of a day is cached per zone and day:
// the population's last purchase days are few and shared.
const dayStarts = new Map<string, number>();
const DAY_STARTS_KEPT = 10_000;

/**
 * The first instant (to the second) whose calendar day in `zone` is `day`: a local midnight,
 * or the first instant after it where a zone transition skips midnight.
 */
export function localDayStart(day: number, zone: string): number {
  if (zone === 'UTC') return day * DAY_MS;
  const key = `${zone}|${day}`;
  const cached = dayStarts.get(key);
  if (cached !== undefined) return cached;
  // Offsets stay within ±26 h; the calendar day is monotone in the instant.
  let lo = Math.floor((day * DAY_MS - 26 * 3_600_000) / 1000);
  let hi = Math.floor((day * DAY_MS + 26 * 3_600_000) / 1000);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDayNumber(mid * 1000, zone) < day) lo = mid + 1;
    else hi = mid;
  }
  if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
  dayStarts.set(key, lo * 1000);
  return lo * 1000;
}

// Formatting an instant costs more than the rest of a small document's figures; the starts of
// days repeat across customers, so their text is kept per zone and day.
const dayStartTexts = new Map<string, Map<number, string>>();

function dayStartText(day: number, zone: string): string {
  let texts = dayStartTexts.get(zone);
  if (texts === undefined) dayStartTexts.set(zone, (texts = new Map<number, string>()));
  let text = texts.get(day);
  if (text === undefined) {
    if (texts.size >= DAY_STARTS_KEPT) texts.clear();
    text = utc(localDayStart(day, zone));
    texts.set(day, text);
  }
  return text;
}

export function customer360Figures(
  state: Customer360State,
  asOf: Date,
  policy: Customer360Policy,
): Customer360Figures {
  const asOfMs = asOf.getTime();
  const zone = policy.timeZone;
  const h = state.history;
  const p = purchaseFigures(state, asOfMs, zone);
  const currency = mainCurrency(p.orders);
  const spendByCurrency: Record<string, number> = {};
  let orders = 0;
  for (const [c, t] of p.orders) {
    orders += t.orders;
    setKey(spendByCurrency, c, t.spend);
  }
  const spend = currency === null ? 0 : (p.orders.get(currency)?.spend ?? 0);
  let rfm: RfmFigures | null = null;
  if (currency !== null && p.firstDay !== null && p.lastDay !== null) {
    const repeats = p.purchaseDays - 1;
    const repeatSpend = spend - (getKey(p.firstDaySpend, currency) ?? 0);
    rfm = {
      frequency: repeats,
      recency: p.lastDay - p.firstDay,
      T: localDayNumber(asOfMs, zone) - p.firstDay,
      monetary: repeats > 0 ? repeatSpend / repeats : 0,
      currency,
      purchaseDays: p.purchaseDays,
    };
  }
  const lifecycle = lifecycleStage(rfm, policy);
  const lastDay = p.lastDay;

  // Contacts: per channel, as the view counts them, for the total and the latest channel.
  const lastByChannel = new Map<string, { ms: number; at: string }>();
  let contacts = 0;
  for (const [channel, c] of Object.entries(h.channels)) {
    contacts += c.count;
    lastByChannel.set(channel, { ms: c.lastMs, at: c.lastAt });
  }
  for (const e of Object.values(state.events)) {
    if (e.ms > asOfMs || !CONTACT_TYPES.has(e.type)) continue;
    contacts += 1;
    const before = lastByChannel.get(e.channel);
    if (before === undefined || e.ms > before.ms) lastByChannel.set(e.channel, e);
  }
  let lastContact: { channel: Channel; ms: number; at: string } | null = null;
  for (const channel of CHANNELS) {
    const c = lastByChannel.get(channel);
    if (c !== undefined && (lastContact === null || c.ms > lastContact.ms))
      lastContact = { channel, ms: c.ms, at: c.at };
  }

  let openComplaints = h.openNotItemised;
  let oldestOpen: Stamp | null = null;
  let resolvedComplaints = h.resolvedComplaints;
  for (const c of Object.values(state.complaints)) {
    const opened = c.opened !== null && c.opened.stamp.ms <= asOfMs ? c.opened : null;
    const resolved = c.resolved !== null && c.resolved.stamp.ms <= asOfMs;
    if (resolved) resolvedComplaints += 1;
    else if (opened !== null) {
      openComplaints += 1;
      if (oldestOpen === null || opened.stamp.ms < oldestOpen.ms) oldestOpen = opened.stamp;
    }
  }

  let refunds = h.refunds;
  const refundedByCurrency: Record<string, number> = { ...h.refundedByCurrency };
  for (const r of Object.values(state.refunds)) {
    if (eventStamp(state.events, r.eventId).ms > asOfMs) continue;
    refunds += 1;
    addTo(refundedByCurrency, r.currency, r.amount);
  }

  let latestCsat = h.latestCsat;
  let latestNps = h.latestNps;
  for (const [eventId, f] of Object.entries(state.feedback)) {
    const stamp = eventStamp(state.events, eventId);
    if (stamp.ms > asOfMs) continue;
    if (f.csat !== null && (latestCsat === null || compareStamps(stamp, latestCsat.stamp) > 0))
      latestCsat = { score: f.csat, stamp };
    if (f.nps !== null && (latestNps === null || compareStamps(stamp, latestNps.stamp) > 0))
      latestNps = { score: f.nps, stamp };
  }

  let webSessions = h.sessions;
  let lastVisit = h.lastVisit;
  for (const s of Object.values(state.sessions)) {
    const lastStamp = eventStamp(state.events, s.last);
    if ((s.first ?? lastStamp).ms > asOfMs) continue;
    webSessions += 1;
    lastVisit = later(lastVisit, lastStamp);
  }

  let mergedInto: [string, Stamp] | null = null;
  for (const [id, s] of Object.entries(state.mergedInto)) {
    if (mergedInto === null || compareStamps(s, mergedInto[1]) > 0) mergedInto = [id, s];
  }

  const consent = {} as Record<ConsentKey, boolean | null>;
  for (const k of CONSENT_KEYS) consent[k] = state.consent[k]?.value ?? null;
  const l = policy.lifecycle;
  return {
    kind: state.kind,
    registeredAt: utcOf(state.registered),
    erased: state.erased !== null,
    mergedIntoCustomerId: mergedInto?.[0] ?? null,
    lifecycleAtAsOf: lifecycle.stage,
    atRiskFrom: lastDay === null ? null : dayStartText(lastDay + l.atRiskAfterDays, zone),
    lapsedFrom: lastDay === null ? null : dayStartText(lastDay + l.lapsedAfterDays, zone),
    daysSinceLastPurchaseAtAsOf: lifecycle.daysSinceLastPurchase,
    rfm:
      rfm === null
        ? null
        : {
            frequency: rfm.frequency,
            recencyDays: rfm.recency,
            tDaysAtAsOf: rfm.T,
            monetary: rfm.monetary,
            currency: rfm.currency,
            purchaseDays: rfm.purchaseDays,
          },
    orders,
    currency,
    spend,
    spendByCurrency,
    firstPurchaseAt: utcOf(p.first),
    lastPurchaseAt: utcOf(p.last),
    topCategory: topCategory(h.categories, p.detailCategories),
    refunds,
    refundedByCurrency,
    contacts,
    lastContactAt: lastContact === null ? null : utcAt(lastContact.at, lastContact.ms),
    lastContactChannel: lastContact?.channel ?? null,
    openComplaints,
    oldestOpenComplaintAt: utcOf(oldestOpen),
    resolvedComplaints,
    consent,
    latestNps: latestNps?.score ?? null,
    latestCsat: latestCsat?.score ?? null,
    webSessions,
    lastVisitAt: utcOf(lastVisit),
  };
}
