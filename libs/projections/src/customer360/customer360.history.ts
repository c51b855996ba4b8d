import { type Channel } from '@touchpoint/contracts';
import { localDayNumber } from './customer360.calendar';
import {
  compareStamps,
  copyRecord,
  getKey,
  setKey,
  type Stamp,
  type TimelineEntry,
} from './customer360.record';

/**
 * The compacted part of a document: what the facts older than the horizon contribute to every
 * all-time figure, as sums, counts, extremes and per-month buckets. Each part commutes (sums
 * add, extremes keep the earlier or later stamp, top-N lists keep the top N of the union), so
 * compacting in any order, in any batch split, or joining the histories of related documents
 * (which hold disjoint events) gives what one fold of all their facts would give.
 */

export interface ChannelTotal {
  readonly count: number;
  /** The latest contact on the channel: `at` as the event stated it, `ms` parsed. */
  readonly lastAt: string;
  readonly lastMs: number;
}

export interface CurrencyTotal {
  readonly orders: number;
  readonly spend: number;
}

/** Orders and spend, in minor units: a pair, because a ten-year history holds 120 months of them. */
export type MonthTotal = readonly [orders: number, spend: number];

/**
 * One calendar month in the policy's time zone: the days with a purchase (bit d − 1 for day d)
 * and orders and spend per currency. A pair, like MonthTotal, to keep ten years of them small.
 */
export type MonthBucket = readonly [days: number, spend: Readonly<Record<string, MonthTotal>>];

export interface CategoryTotal {
  readonly orders: number;
  readonly quantity: number;
  /**
   * How many of `orders` may belong to categories this one replaced (Space-Saving, see
   * addCategoryCapped); absent while the count is exact.
   */
  readonly over?: number;
}

/**
 * Distinct categories the compacted history counts. A buyer of a long catalogue would otherwise
 * grow the document by a category with every new one; beyond this many the history keeps a
 * Space-Saving summary (Metwally, Agrawal, El Abbadi 2005), as the co-purchase aggregates do.
 */
export const HISTORY_CATEGORIES = 64;

export interface ScoreStamp {
  readonly score: number;
  readonly stamp: Stamp;
}

export interface RecentProduct {
  readonly name: string | null;
  readonly category: string | null;
  /** When it was last viewed (ms): what "recent" is ranked by, ties by sku. */
  readonly seen: number;
}

export interface Customer360History {
  /** The zone the calendar buckets were cut in; null until a purchase is compacted. */
  readonly timeZone: string | null;
  /** The newest event time among compacted facts: views are exact from it on. */
  readonly throughMs: number | null;
  /** Contact events per channel. */
  readonly channels: Readonly<Record<string, ChannelTotal>>;
  readonly orders: Readonly<Record<string, CurrencyTotal>>;
  readonly firstPurchase: Stamp | null;
  readonly lastPurchase: Stamp | null;
  readonly categories: Readonly<Record<string, CategoryTotal>>;
  /** Keyed `YYYY-MM`. */
  readonly months: Readonly<Record<string, MonthBucket>>;
  /** The earliest purchase day (local day number) and what was spent on it, per currency. */
  readonly firstDay: number | null;
  readonly firstDaySpend: Readonly<Record<string, number>>;
  readonly refunds: number;
  readonly refundedByCurrency: Readonly<Record<string, number>>;
  readonly lastRefund: Stamp | null;
  readonly resolvedComplaints: number;
  /** Resolved complaints whose opening is known, and the sum of their times to resolve. */
  readonly timedComplaints: number;
  readonly resolveMs: number;
  /** Open complaints beyond MAX_OPEN_COMPLAINTS, oldest first out (see customer360.state). */
  readonly openNotItemised: number;
  readonly responses: number;
  readonly csatSum: number;
  readonly csatCount: number;
  readonly npsSum: number;
  readonly npsCount: number;
  readonly latestCsat: ScoreStamp | null;
  readonly latestNps: ScoreStamp | null;
  readonly sessions: number;
  readonly engagedSessions: number;
  readonly abandonedSessions: number;
  readonly convertedSessions: number;
  readonly lastVisit: Stamp | null;
  /**
   * Timeline entries of compacted events, newest first, only as many as the detail lacks to
   * make TIMELINE_RETAINED (see customer360.state).
   */
  readonly timeline: readonly TimelineEntry[];
}

/** Products listed as viewed: the most recent ones, so the list stays bounded. */
export const RECENT_PRODUCTS = 8;

export const EMPTY_HISTORY: Customer360History = {
  timeZone: null,
  throughMs: null,
  channels: {},
  orders: {},
  firstPurchase: null,
  lastPurchase: null,
  categories: {},
  months: {},
  firstDay: null,
  firstDaySpend: {},
  refunds: 0,
  refundedByCurrency: {},
  lastRefund: null,
  resolvedComplaints: 0,
  timedComplaints: 0,
  resolveMs: 0,
  openNotItemised: 0,
  responses: 0,
  csatSum: 0,
  csatCount: 0,
  npsSum: 0,
  npsCount: 0,
  latestCsat: null,
  latestNps: null,
  sessions: 0,
  engagedSessions: 0,
  abandonedSessions: 0,
  convertedSessions: 0,
  lastVisit: null,
  timeline: [],
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DAY_MS = 86_400_000;

/** `YYYY-MM` and day of month (1-based) of a local day number. */
export function monthOfDay(day: number): { month: string; dayOfMonth: number } {
  const iso = new Date(day * DAY_MS).toISOString();
  return { month: iso.slice(0, 7), dayOfMonth: Number(iso.slice(8, 10)) };
}

/** The local day numbers a month bucket marks. */
export function daysOfMonth(month: string, bits: number): number[] {
  const start = Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / DAY_MS;
  const out: number[] = [];
  for (let d = 0; d < 31; d++) if ((bits & (1 << d)) !== 0) out.push(start + d);
  return out;
}

export function earlierStamp(a: Stamp | null, b: Stamp | null): Stamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(a, b) <= 0 ? a : b;
}

export function laterStamp(a: Stamp | null, b: Stamp | null): Stamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(a, b) >= 0 ? a : b;
}

function laterScore(a: ScoreStamp | null, b: ScoreStamp | null): ScoreStamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(a.stamp, b.stamp) >= 0 ? a : b;
}

function pickText(x: string | null, y: string | null): string | null {
  if (x === null) return y;
  if (y === null) return x;
  return x <= y ? x : y;
}

export function addCurrency(
  into: Record<string, CurrencyTotal>,
  currency: string,
  orders: number,
  spend: number,
): void {
  const before = getKey(into, currency);
  setKey(into, currency, {
    orders: (before?.orders ?? 0) + orders,
    spend: (before?.spend ?? 0) + spend,
  });
}

export function addNumber(into: Record<string, number>, key: string, n: number): void {
  setKey(into, key, (getKey(into, key) ?? 0) + n);
}

export function addCategory(into: Record<string, CategoryTotal>, key: string, c: CategoryTotal) {
  const before = getKey(into, key);
  const over = (before?.over ?? 0) + (c.over ?? 0);
  setKey(into, key, {
    orders: (before?.orders ?? 0) + c.orders,
    quantity: (before?.quantity ?? 0) + c.quantity,
    ...(over > 0 ? { over } : {}),
  });
}

/**
 * addCategory, keeping at most HISTORY_CATEGORIES categories: a new one beyond that replaces
 * the category with the fewest orders (ties: the greatest name) and starts from its counts,
 * which it may overstate by `over`. So a category's count is never below its true one and
 * above it by at most the smallest count kept; a category that is no longer listed had at most
 * that many orders; and while no category was ever replaced (fewer than HISTORY_CATEGORIES
 * in all) every count is exact, whatever the arrival order. Beyond it the summary depends on
 * the order categories arrived in, as Space-Saving does.
 */
export function addCategoryCapped(
  into: Record<string, CategoryTotal>,
  key: string,
  c: CategoryTotal,
): void {
  if (getKey(into, key) !== undefined) return addCategory(into, key, c);
  const keys = Object.keys(into);
  if (keys.length < HISTORY_CATEGORIES) return addCategory(into, key, c);
  let victim = '';
  let least: CategoryTotal | undefined;
  for (const k of keys) {
    const t = getKey(into, k)!;
    if (
      least === undefined ||
      t.orders < least.orders ||
      (t.orders === least.orders && k > victim)
    ) {
      victim = k;
      least = t;
    }
  }
  delete into[victim];
  addCategory(into, key, {
    orders: least!.orders + c.orders,
    quantity: least!.quantity + c.quantity,
    over: least!.orders + (c.over ?? 0),
  });
}

export function addChannel(
  into: Record<string, ChannelTotal>,
  channel: string,
  c: ChannelTotal,
): void {
  const before = getKey(into, channel);
  const later =
    before === undefined ||
    c.lastMs > before.lastMs ||
    (c.lastMs === before.lastMs && c.lastAt > before.lastAt);
  setKey(into, channel, {
    count: (before?.count ?? 0) + c.count,
    lastAt: later ? c.lastAt : before.lastAt,
    lastMs: later ? c.lastMs : before.lastMs,
  });
}

export function addMonthTotal(into: Record<string, MonthTotal>, currency: string, t: MonthTotal) {
  const before = getKey(into, currency);
  setKey(into, currency, before === undefined ? t : [before[0] + t[0], before[1] + t[1]]);
}

function addMonth(into: Record<string, MonthBucket>, month: string, b: MonthBucket): void {
  const before = getKey(into, month);
  if (before === undefined) {
    setKey(into, month, b);
    return;
  }
  const spend = copyRecord(before[1]);
  for (const [c, t] of Object.entries(b[1])) addMonthTotal(spend, c, t);
  setKey(into, month, [before[0] | b[0], spend]);
}

/** Keeps the `limit` entries of `products` most recently seen. */
export function keepRecentProducts(
  products: Record<string, RecentProduct>,
  limit: number,
): Record<string, RecentProduct> {
  const entries = Object.entries(products);
  if (entries.length <= limit) return products;
  entries.sort(([x, a], [y, b]) => b.seen - a.seen || (x < y ? -1 : x > y ? 1 : 0));
  const out: Record<string, RecentProduct> = {};
  for (const [sku, p] of entries.slice(0, limit)) setKey(out, sku, p);
  return out;
}

export function addProduct(
  into: Record<string, RecentProduct>,
  sku: string,
  p: RecentProduct,
): void {
  const before = getKey(into, sku);
  setKey(
    into,
    sku,
    before === undefined
      ? p
      : {
          name: pickText(before.name, p.name),
          category: pickText(before.category, p.category),
          seen: Math.max(p.seen, before.seen),
        },
  );
}

/**
 * A history under construction: the record-valued parts are copied once, then added to in
 * place, so compacting a batch's facts costs what they are, not what the history is.
 */
export class HistoryBuilder {
  private readonly h: Mutable<Customer360History>;
  private readonly channels: Record<string, ChannelTotal>;
  private readonly orders: Record<string, CurrencyTotal>;
  private readonly categories: Record<string, CategoryTotal>;
  private readonly months: Record<string, MonthBucket>;
  private firstDaySpend: Record<string, number>;
  private readonly refundedByCurrency: Record<string, number>;
  private readonly timeline: TimelineEntry[] = [];

  constructor(from: Customer360History) {
    this.h = { ...from };
    this.channels = copyRecord(from.channels);
    this.orders = copyRecord(from.orders);
    this.categories = copyRecord(from.categories);
    this.months = copyRecord(from.months);
    this.firstDaySpend = copyRecord(from.firstDaySpend);
    this.refundedByCurrency = copyRecord(from.refundedByCurrency);
    this.timeline = [...from.timeline];
  }

  /** Notes that facts up to `ms` are now compacted. */
  through(ms: number): void {
    this.h.throughMs = this.h.throughMs === null ? ms : Math.max(this.h.throughMs, ms);
  }

  contact(channel: Channel, at: string, ms: number): void {
    addChannel(this.channels, channel, { count: 1, lastAt: at, lastMs: ms });
  }

  timelineEntry(entry: TimelineEntry): void {
    this.timeline.push(entry);
  }

  purchase(
    stamp: Stamp,
    currency: string,
    total: number,
    categories: Readonly<Record<string, CategoryTotal>>,
    timeZone: string,
  ): void {
    this.zone(timeZone);
    addCurrency(this.orders, currency, 1, total);
    this.h.firstPurchase = earlierStamp(this.h.firstPurchase, stamp);
    this.h.lastPurchase = laterStamp(this.h.lastPurchase, stamp);
    for (const c of Object.keys(categories).sort())
      addCategoryCapped(this.categories, c, getKey(categories, c)!);
    const day = localDayNumber(stamp.ms, timeZone);
    const { month, dayOfMonth } = monthOfDay(day);
    addMonth(this.months, month, [1 << (dayOfMonth - 1), { [currency]: [1, total] }]);
    if (this.h.firstDay === null || day < this.h.firstDay) {
      this.h.firstDay = day;
      this.firstDaySpend = {};
    }
    if (day === this.h.firstDay) addNumber(this.firstDaySpend, currency, total);
  }

  refund(stamp: Stamp, currency: string, amount: number): void {
    this.h.refunds += 1;
    addNumber(this.refundedByCurrency, currency, amount);
    this.h.lastRefund = laterStamp(this.h.lastRefund, stamp);
  }

  resolvedComplaint(resolveMs: number | null): void {
    this.h.resolvedComplaints += 1;
    if (resolveMs !== null) {
      this.h.timedComplaints += 1;
      this.h.resolveMs += resolveMs;
    }
  }

  openComplaintNotItemised(): void {
    this.h.openNotItemised += 1;
  }

  feedback(stamp: Stamp, csat: number | null, nps: number | null): void {
    this.h.responses += 1;
    if (csat !== null) {
      this.h.csatSum += csat;
      this.h.csatCount += 1;
      this.h.latestCsat = laterScore(this.h.latestCsat, { score: csat, stamp });
    }
    if (nps !== null) {
      this.h.npsSum += nps;
      this.h.npsCount += 1;
      this.h.latestNps = laterScore(this.h.latestNps, { score: nps, stamp });
    }
  }

  session(last: Stamp, engaged: boolean, converted: boolean): void {
    this.h.sessions += 1;
    if (engaged) this.h.engagedSessions += 1;
    if (engaged && !converted) this.h.abandonedSessions += 1;
    if (converted) this.h.convertedSessions += 1;
    this.h.lastVisit = laterStamp(this.h.lastVisit, last);
  }

  /** The history, its timeline cut to the `timelineRoom` newest entries. */
  build(timelineRoom: number): Customer360History {
    this.timeline.sort(compareTimelineEntries);
    return {
      ...this.h,
      channels: this.channels,
      orders: this.orders,
      categories: this.categories,
      months: this.months,
      firstDaySpend: this.firstDaySpend,
      refundedByCurrency: this.refundedByCurrency,
      timeline: this.timeline.slice(0, Math.max(0, timelineRoom)),
    };
  }

  private zone(timeZone: string): void {
    if (this.h.timeZone !== null && this.h.timeZone !== timeZone) {
      // A policy's zone is fixed for a model version; buckets of two zones cannot be added.
      throw new Error(
        `customer360: history bucketed in ${this.h.timeZone}, policy now says ${timeZone}`,
      );
    }
    this.h.timeZone = timeZone;
  }
}

/** Newest first; equal times in ascending eventId. */
export function compareTimelineEntries(x: TimelineEntry, y: TimelineEntry): number {
  if (x.ms !== y.ms) return y.ms - x.ms;
  return x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0;
}

/**
 * The history of several related documents (disjoint events): sums add, extremes pick, the
 * recent lists keep their top N. Used by the read-time identity merge.
 */
export function joinHistories(
  a: Customer360History,
  b: Customer360History,
  timelineRoom: number,
): Customer360History {
  if (b.throughMs === null && b.openNotItemised === 0) return a;
  if (a.throughMs === null && a.openNotItemised === 0) return b;
  if (a.timeZone !== null && b.timeZone !== null && a.timeZone !== b.timeZone) {
    throw new Error(`customer360: histories bucketed in ${a.timeZone} and ${b.timeZone}`);
  }
  const channels = copyRecord(a.channels);
  for (const [k, c] of Object.entries(b.channels)) addChannel(channels, k, c);
  const orders = copyRecord(a.orders);
  for (const [k, c] of Object.entries(b.orders)) addCurrency(orders, k, c.orders, c.spend);
  const categories = copyRecord(a.categories);
  for (const k of Object.keys(b.categories).sort())
    addCategoryCapped(categories, k, getKey(b.categories, k)!);
  const months = copyRecord(a.months);
  for (const [k, m] of Object.entries(b.months)) addMonth(months, k, m);
  let firstDay = a.firstDay;
  let firstDaySpend: Record<string, number> = copyRecord(a.firstDaySpend);
  if (b.firstDay !== null && (firstDay === null || b.firstDay < firstDay)) {
    firstDay = b.firstDay;
    firstDaySpend = copyRecord(b.firstDaySpend);
  } else if (b.firstDay !== null && b.firstDay === firstDay) {
    for (const [k, n] of Object.entries(b.firstDaySpend)) addNumber(firstDaySpend, k, n);
  }
  const refundedByCurrency = copyRecord(a.refundedByCurrency);
  for (const [k, n] of Object.entries(b.refundedByCurrency)) addNumber(refundedByCurrency, k, n);
  const max = (x: number | null, y: number | null): number | null =>
    x === null ? y : y === null ? x : Math.max(x, y);
  return {
    timeZone: a.timeZone ?? b.timeZone,
    throughMs: max(a.throughMs, b.throughMs),
    channels,
    orders,
    firstPurchase: earlierStamp(a.firstPurchase, b.firstPurchase),
    lastPurchase: laterStamp(a.lastPurchase, b.lastPurchase),
    categories,
    months,
    firstDay,
    firstDaySpend,
    refunds: a.refunds + b.refunds,
    refundedByCurrency,
    lastRefund: laterStamp(a.lastRefund, b.lastRefund),
    resolvedComplaints: a.resolvedComplaints + b.resolvedComplaints,
    timedComplaints: a.timedComplaints + b.timedComplaints,
    resolveMs: a.resolveMs + b.resolveMs,
    openNotItemised: a.openNotItemised + b.openNotItemised,
    responses: a.responses + b.responses,
    csatSum: a.csatSum + b.csatSum,
    csatCount: a.csatCount + b.csatCount,
    npsSum: a.npsSum + b.npsSum,
    npsCount: a.npsCount + b.npsCount,
    latestCsat: laterScore(a.latestCsat, b.latestCsat),
    latestNps: laterScore(a.latestNps, b.latestNps),
    sessions: a.sessions + b.sessions,
    engagedSessions: a.engagedSessions + b.engagedSessions,
    abandonedSessions: a.abandonedSessions + b.abandonedSessions,
    convertedSessions: a.convertedSessions + b.convertedSessions,
    lastVisit: laterStamp(a.lastVisit, b.lastVisit),
    timeline: [...a.timeline, ...b.timeline]
      .sort(compareTimelineEntries)
      .slice(0, Math.max(0, timelineRoom)),
  };
}
