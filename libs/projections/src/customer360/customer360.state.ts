import {
  type Channel,
  type ComplaintCategory,
  type ComplaintSeverity,
  type ErasureReason,
  type EventType,
  type Money,
  type PersonName,
  type PostalAddress,
} from '@touchpoint/contracts';
import {
  addProduct,
  type Customer360History,
  compareTimelineEntries,
  EMPTY_HISTORY,
  HistoryBuilder,
  joinHistories,
  keepRecentProducts,
  RECENT_PRODUCTS,
  type RecentProduct,
} from './customer360.history';
import { type Customer360Policy, TIMELINE_RETAINED } from './customer360.policy';
import {
  compareStamps,
  copyRecord,
  type EventKey,
  getKey,
  setKey,
  type Stamp,
  type TimelineEntry,
} from './customer360.record';
import { deriveSearchKeys, type SearchKeys } from './customer360.search';
import { LINKED_VISITORS, newestLinks } from '../identity-links';

const DAY_MS = 86_400_000;

/**
 * Design note. A document has two parts. The DETAIL holds the facts of the events within the
 * horizon: their eventIds (idempotence), business records by id (orders, refunds, complaints,
 * sessions, answers), and what the timeline and exact `asOf` views need. The HISTORY
 * (customer360.history) holds what older facts contribute to every all-time figure, as sums,
 * counts, extremes and calendar buckets that commute.
 *
 * The horizon is a boundary in the total order of (event time, eventId): the later of "the
 * newest event time seen minus `horizonDays`" and "the `detailEvents`-th newest event". Both
 * only move forward as events arrive and both are functions of the SET of events, so a
 * document compacted batch by batch, in any order, equals one compacted once at the end: live
 * and replay agree. A record compacts when its own stamp (an order's first report, a
 * session's last event, a complaint's later half) falls below the boundary; a complaint with
 * one half missing never does, only the MAX_OPEN_COMPLAINTS bound removes it from the detail.
 *
 * What is lost beyond the horizon is the ability to recognise a duplicate: an event older than
 * the boundary, or a second report of a business id whose record was compacted, counts again
 * (`beyondHorizon` says so; rebuilding the customer from its stream repairs it).
 *
 * Profile, consent and links stay a join-semilattice as before: conflicts are settled by
 * event time, ties by eventId, never by arrival order. Everything is plain JSON.
 */

export interface Field<T> {
  readonly value: T | null;
  readonly stamp: Stamp;
}

/** Every profile field is personal data, so erasure removes the whole profile. */
export interface ProfileState {
  readonly name?: Field<PersonName>;
  readonly email?: Field<string>;
  readonly phone?: Field<string>;
  readonly birthDate?: Field<string>;
  readonly address?: Field<PostalAddress>;
  readonly loyaltyCardId?: Field<string>;
}
export type ProfileKey = keyof ProfileState;
export const PROFILE_KEYS: readonly ProfileKey[] = [
  'name',
  'email',
  'phone',
  'birthDate',
  'address',
  'loyaltyCardId',
];

export const CONSENT_KEYS = ['email', 'sms', 'phone', 'post', 'profiling'] as const;
export type ConsentKey = (typeof CONSENT_KEYS)[number];
export type ConsentState = Partial<Record<ConsentKey, Field<boolean>>>;

/**
 * An order as its first report (by event time, then eventId) stated it. Records name the event
 * that stated them instead of copying its stamp: a record is in the detail exactly while that
 * event is (both compact when it falls below the horizon), so `events` always has it.
 */
export interface PurchaseRecord {
  readonly eventId: string;
  readonly currency: string;
  readonly total: number;
  /** Quantity per category of the order's lines. */
  readonly categories: Readonly<Record<string, number>>;
}

export interface RefundRecord {
  readonly eventId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
}

export interface ComplaintOpenedRecord {
  readonly stamp: Stamp;
  readonly channel: Channel;
  readonly category: ComplaintCategory;
  readonly severity: ComplaintSeverity;
  /** Free text; removed on erasure. */
  readonly description: string | null;
  readonly orderId: string | null;
}

export interface ComplaintResolvedRecord {
  readonly stamp: Stamp;
  /** Free text; removed on erasure. */
  readonly resolution: string | null;
  readonly compensationPoints: number | null;
  readonly compensationMoney: Money | null;
}

/** Either half may arrive first; both are kept until the other shows up. */
export interface ComplaintRecord {
  readonly opened: ComplaintOpenedRecord | null;
  readonly resolved: ComplaintResolvedRecord | null;
}

/** Filed under the eventId of the answer, which states its time. */
export interface FeedbackRecord {
  readonly nps: number | null;
  readonly csat: number | null;
}

export interface ProductSeen {
  readonly name: string | null;
  readonly category: string | null;
}

/**
 * One web/app session. A session may be reported by more than one event (a resend with a new
 * eventId, an app that flushes twice); the facts are unioned, so resends never inflate it.
 */
export interface SessionRecord {
  /** The eventId of its latest report: the session compacts with it. */
  readonly last: string;
  /** Its earliest report, when that is another event (which may already be compacted). */
  readonly first?: Stamp;
  readonly cart: boolean;
  readonly checkoutStarted: boolean;
  readonly converted: boolean;
}

/** An applied event within the horizon; its eventId is the key it is filed under. */
export type DetailEvent = Omit<TimelineEntry, 'eventId'>;

export interface ErasureRecord {
  readonly stamp: Stamp;
  readonly reason: ErasureReason;
}

export type DocumentKind = 'customer' | 'visitor';

/**
 * Where the detail starts: facts ordered below it are compacted. An eventId of '' stands below
 * every eventId: the boundary then sits at the start of `ms`.
 */
export type HorizonKey = EventKey;

export interface Customer360State {
  readonly key: string;
  readonly kind: DocumentKind;
  /** customerId for a customer document, anonymousId for a visitor document. */
  readonly id: string;
  /** The newest event time the document has seen: the horizon is measured from it. */
  readonly newestMs: number | null;
  /** Where the detail starts; null only before the first event (the time horizon applies from it). */
  readonly horizon: HorizonKey | null;
  readonly registered: Stamp | null;
  readonly erased: ErasureRecord | null;
  readonly profile: ProfileState;
  readonly consent: ConsentState;
  /** Derived from `profile` after every change; stored so the store can index it. */
  readonly searchKeys: SearchKeys;
  /**
   * Customer document: visitor ids that belong to it, each at its latest identification; the
   * LINKED_VISITORS newest (identity-links.ts).
   */
  readonly linkedAnonymousIds: Readonly<Record<string, Stamp>>;
  /** Visitor document: the customer(s) it was identified as. */
  readonly linkedCustomerIds: Readonly<Record<string, Stamp>>;
  /** Customer document: customers merged into this one. */
  readonly absorbedCustomerIds: Readonly<Record<string, Stamp>>;
  /** Customer document: the customer this one was merged into (retired). */
  readonly mergedInto: Readonly<Record<string, Stamp>>;
  /** Every applied event within the horizon, by eventId: idempotence, channels, timeline. */
  readonly events: Readonly<Record<string, DetailEvent>>;
  /** Keyed by orderId: a resent order with a new eventId is still one order. */
  readonly purchases: Readonly<Record<string, PurchaseRecord>>;
  /** Keyed by refundId, kept apart from purchases so refunds never rewrite purchase history. */
  readonly refunds: Readonly<Record<string, RefundRecord>>;
  readonly complaints: Readonly<Record<string, ComplaintRecord>>;
  /** Keyed by eventId: two answers to the same survey are two answers. */
  readonly feedback: Readonly<Record<string, FeedbackRecord>>;
  readonly sessions: Readonly<Record<string, SessionRecord>>;
  /**
   * The RECENT_PRODUCTS products viewed last (by the event time of the view), by sku: a list
   * shown to people, so it keeps the newest N, which is order-free like the timeline.
   */
  readonly recentProducts: Readonly<Record<string, RecentProduct>>;
  readonly history: Customer360History;
}

/**
 * Timeline entries a document yields (TIMELINE_RETAINED): the newest N of all its events, the
 * detail completed from the history when the horizon holds fewer. Top-N of a union is the
 * top-N of the top-Ns, so the list is order-free.
 */
export { TIMELINE_RETAINED };

/**
 * Complaints with one half known (open ones, or a resolution whose opening has not arrived)
 * kept in the detail whatever their age, so the halves pair in any arrival order. Beyond it
 * the oldest are compacted unpaired: an open one is no longer listed but still counted as open
 * (`history.openNotItemised`), and a later resolution of it shows as a resolution whose
 * opening is unknown while the open count does not go down; a lone resolution counts as
 * resolved with no time to resolve, and a later opening of it as a new open complaint.
 */
export const MAX_OPEN_COMPLAINTS = 25;

const EMPTY_SEARCH_KEYS: SearchKeys = { emails: [], phones: [], names: [], loyaltyCards: [] };

/** Events that are a contact with the customer; identity bookkeeping and back-office are not. */
export const CONTACT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
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

export function documentKind(key: string): { kind: DocumentKind; id: string } {
  if (key.startsWith('customer:')) return { kind: 'customer', id: key.slice('customer:'.length) };
  if (key.startsWith('visitor:')) return { kind: 'visitor', id: key.slice('visitor:'.length) };
  throw new Error(`customer360: unknown document key ${JSON.stringify(key)}`);
}

export function initialCustomer360State(key: string): Customer360State {
  const { kind, id } = documentKind(key);
  return {
    key,
    kind,
    id,
    newestMs: null,
    horizon: null,
    registered: null,
    erased: null,
    profile: {},
    consent: {},
    searchKeys: EMPTY_SEARCH_KEYS,
    linkedAnonymousIds: {},
    linkedCustomerIds: {},
    absorbedCustomerIds: {},
    mergedInto: {},
    events: {},
    purchases: {},
    refunds: {},
    complaints: {},
    feedback: {},
    sessions: {},
    recentProducts: {},
    history: EMPTY_HISTORY,
  };
}

// ---- ordering helpers ------------------------------------------------------------------------

function compareKeys(a: HorizonKey, b: HorizonKey): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

function laterKey(a: HorizonKey | null, b: HorizonKey): HorizonKey {
  return a === null || compareKeys(b, a) > 0 ? b : a;
}

/** True when a fact stamped (ms, eventId) lies below the horizon (is, or would be, compacted). */
export function isBelowHorizon(horizon: HorizonKey | null, ms: number, eventId: string): boolean {
  return horizon !== null && compareKeys({ ms, eventId }, horizon) < 0;
}

/**
 * Two values under the same stamp come from the same event; they can still differ (one copy
 * scrubbed by erasure), so the tie is settled on content to keep the join commutative.
 */
function contentTieBreak<T>(x: T, y: T): T {
  return JSON.stringify(x) <= JSON.stringify(y) ? x : y;
}

function earlier<T>(x: T, y: T, stampOf: (v: T) => Stamp): T {
  const c = compareStamps(stampOf(x), stampOf(y));
  return c < 0 ? x : c > 0 ? y : contentTieBreak(x, y);
}

function later<T>(x: T, y: T, stampOf: (v: T) => Stamp): T {
  const c = compareStamps(stampOf(x), stampOf(y));
  return c > 0 ? x : c < 0 ? y : contentTieBreak(x, y);
}

const ownStamp = (s: Stamp): Stamp => s;
const fieldStamp = <T>(f: Field<T>): Stamp => f.stamp;

function isEmpty(record: object): boolean {
  for (const k in record) if (Object.prototype.hasOwnProperty.call(record, k)) return false;
  return true;
}

/** Adds `value` under `key`, joined with what is there, in place. */
function upsert<T>(record: Record<string, T>, key: string, value: T, pick: (x: T, y: T) => T) {
  const before = getKey(record, key);
  setKey(record, key, before === undefined ? value : pick(before, value));
}

/** Copies `a` only when `b` has something to add. */
function joinRecords<T>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  pick: (x: T, y: T) => T,
): Readonly<Record<string, T>> {
  if (isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  const out = copyRecord(a);
  for (const [k, y] of Object.entries(b)) upsert(out, k, y, pick);
  return out;
}

function pickText(x: string | null, y: string | null): string | null {
  if (x === null) return y;
  if (y === null) return x;
  return x <= y ? x : y;
}

export function joinProductSeen(x: ProductSeen, y: ProductSeen): ProductSeen {
  return { name: pickText(x.name, y.name), category: pickText(x.category, y.category) };
}

type EventLookup = (eventId: string) => DetailEvent | undefined;

/** The stamp of an event the detail holds (records name theirs, see PurchaseRecord). */
function stampVia(lookup: EventLookup, eventId: string): Stamp {
  const e = lookup(eventId);
  if (e === undefined) throw new Error(`customer360: record of event ${eventId} outlived it`);
  return { at: e.at, ms: e.ms, eventId };
}

export function eventStamp(events: Readonly<Record<string, DetailEvent>>, eventId: string): Stamp {
  return stampVia((id) => getKey(events, id), eventId);
}

/** Joins of records that name their event, resolved against the detail's events. */
function recordJoins(lookup: EventLookup) {
  const stamp = (eventId: string) => stampVia(lookup, eventId);
  // The first report of an order or refund (by event time, then eventId) is the one that counts.
  const firstReport = <T extends { readonly eventId: string }>(x: T, y: T): T =>
    compareStamps(stamp(x.eventId), stamp(y.eventId)) <= 0 ? x : y;
  const sessions = (x: SessionRecord, y: SessionRecord): SessionRecord => {
    const xLast = stamp(x.last);
    const yLast = stamp(y.last);
    const last = compareStamps(xLast, yLast) >= 0 ? xLast : yLast;
    const first = earlier(x.first ?? xLast, y.first ?? yLast, ownStamp);
    return {
      last: last.eventId,
      ...(first.eventId === last.eventId ? {} : { first }),
      cart: x.cart || y.cart,
      checkoutStarted: x.checkoutStarted || y.checkoutStarted,
      converted: x.converted || y.converted,
    };
  };
  return { purchases: firstReport, refunds: firstReport, sessions };
}

function joinComplaints(x: ComplaintRecord, y: ComplaintRecord): ComplaintRecord {
  const opened =
    x.opened === null
      ? y.opened
      : y.opened === null
        ? x.opened
        : earlier(x.opened, y.opened, (o) => o.stamp);
  // The latest resolution stands: a complaint re-resolved after escalation shows the outcome.
  const resolved =
    x.resolved === null
      ? y.resolved
      : y.resolved === null
        ? x.resolved
        : later(x.resolved, y.resolved, (r) => r.stamp);
  return { opened, resolved };
}

const joinLinks = (x: Stamp, y: Stamp) => earlier(x, y, ownStamp);
/** A visitor link stands at its latest identification: the rank `newestLinks` keeps by. */
const joinVisitorLinks = (x: Stamp, y: Stamp) => later(x, y, ownStamp);

/** The LINKED_VISITORS newest visitor links (identity-links.ts). */
function newestVisitorLinks(
  links: Readonly<Record<string, Stamp>>,
): Readonly<Record<string, Stamp>> {
  const entries = Object.entries(links);
  if (entries.length <= LINKED_VISITORS) return links;
  const out: Record<string, Stamp> = {};
  const kept = newestLinks(entries, ([a, x], [b, y]) => compareStamps(x, y) || (a < b ? -1 : 1));
  for (const [id, stamp] of kept) setKey(out, id, stamp);
  return out;
}

export function joinProfiles(a: ProfileState, b: ProfileState): ProfileState {
  if (isEmpty(b)) return a;
  const out: Record<string, Field<unknown>> = { ...(a as Record<string, Field<unknown>>) };
  for (const key of PROFILE_KEYS) {
    const y = b[key] as Field<unknown> | undefined;
    if (y === undefined) continue;
    const x = out[key];
    out[key] = x === undefined ? y : later(x, y, fieldStamp);
  }
  return out;
}

export function joinConsent(a: ConsentState, b: ConsentState): ConsentState {
  if (isEmpty(b)) return a;
  const out: Record<string, Field<boolean>> = { ...(a as Record<string, Field<boolean>>) };
  for (const key of CONSENT_KEYS) {
    const y = b[key];
    if (y === undefined) continue;
    const x = out[key];
    out[key] = x === undefined ? y : later(x, y, fieldStamp);
  }
  return out;
}

function joinNullable<T>(x: T | null, y: T | null, pick: (p: T, q: T) => T): T | null {
  if (x === null) return y;
  if (y === null) return x;
  return pick(x, y);
}

const joinRegistered = (x: Stamp | null, y: Stamp | null) =>
  joinNullable(x, y, (p, q) => earlier(p, q, ownStamp));
const joinErased = (x: ErasureRecord | null, y: ErasureRecord | null) =>
  joinNullable(x, y, (p, q) => earlier(p, q, (e) => e.stamp));

function scrubComplaint(c: ComplaintRecord): ComplaintRecord {
  if (c.opened?.description == null && c.resolved?.resolution == null) return c;
  return {
    opened: c.opened === null ? null : { ...c.opened, description: null },
    resolved: c.resolved === null ? null : { ...c.resolved, resolution: null },
  };
}

/** The timeline entries a state yields, newest first (see TIMELINE_RETAINED). */
export function retainedTimeline(state: Customer360State): readonly TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const [eventId, e] of Object.entries(state.events)) entries.push({ eventId, ...e });
  entries.push(...state.history.timeline);
  return entries.sort(compareTimelineEntries).slice(0, TIMELINE_RETAINED);
}

/**
 * What one event states about a document, as `evolve` files it. Profile, consent and links
 * are small and joined as values; records are added to the document's maps in place.
 */
export interface EventFacts {
  readonly registered?: Stamp;
  readonly erased?: ErasureRecord;
  readonly profile?: ProfileState;
  readonly consent?: ConsentState;
  readonly linkedAnonymousId?: string;
  readonly linkedCustomerId?: string;
  readonly absorbedCustomerId?: string;
  readonly mergedInto?: string;
  readonly purchase?: { readonly orderId: string; readonly record: PurchaseRecord };
  readonly refund?: { readonly refundId: string; readonly record: RefundRecord };
  readonly complaint?: { readonly complaintId: string; readonly record: ComplaintRecord };
  readonly feedback?: FeedbackRecord;
  readonly session?: {
    readonly sessionId: string;
    readonly record: SessionRecord;
    readonly products: readonly {
      readonly sku: string;
      readonly name?: string;
      readonly category?: string;
    }[];
  };
}

/**
 * A document being folded: its records are loaded into Maps once, each event's facts are added
 * in place, then `build` compacts below the (possibly moved) horizon once and writes plain
 * records back. The cost of a batch is its own size plus the detail's, which the horizon
 * bounds, never the customer's whole history.
 */
export class DocumentBuilder {
  private registered: Stamp | null;
  private erased: ErasureRecord | null;
  private profile: ProfileState;
  private consent: ConsentState;
  private newestMs: number | null;
  private readonly links = {
    linkedAnonymousIds: new Map<string, Stamp>(),
    linkedCustomerIds: new Map<string, Stamp>(),
    absorbedCustomerIds: new Map<string, Stamp>(),
    mergedInto: new Map<string, Stamp>(),
  };
  private readonly events: Map<string, DetailEvent>;
  private readonly purchases: Map<string, PurchaseRecord>;
  private readonly refunds: Map<string, RefundRecord>;
  private readonly complaints: Map<string, ComplaintRecord>;
  private readonly feedback: Map<string, FeedbackRecord>;
  private readonly sessions: Map<string, SessionRecord>;
  private readonly recentProducts: Map<string, RecentProduct>;
  private readonly joins: ReturnType<typeof recordJoins>;
  /** The oldest fact added, to know whether some of it already lies below the horizon. */
  private oldestAdded: HorizonKey | null = null;
  private added = 0;

  constructor(private readonly base: Customer360State) {
    this.registered = base.registered;
    this.erased = base.erased;
    this.profile = base.profile;
    this.consent = base.consent;
    this.newestMs = base.newestMs;
    this.events = new Map(Object.entries(base.events));
    this.purchases = new Map(Object.entries(base.purchases));
    this.refunds = new Map(Object.entries(base.refunds));
    this.complaints = new Map(Object.entries(base.complaints));
    this.feedback = new Map(Object.entries(base.feedback));
    this.sessions = new Map(Object.entries(base.sessions));
    this.recentProducts = new Map(Object.entries(base.recentProducts));
    this.joins = recordJoins((id) => this.events.get(id));
  }

  /** True when the event was applied before (within the horizon) or earlier in this batch. */
  knows(eventId: string): boolean {
    return this.events.has(eventId);
  }

  add(eventId: string, event: DetailEvent, stamp: Stamp, facts: EventFacts): void {
    this.added += 1;
    this.events.set(eventId, event);
    this.newestMs = this.newestMs === null ? stamp.ms : Math.max(this.newestMs, stamp.ms);
    if (this.oldestAdded === null || compareKeys(stamp, this.oldestAdded) < 0) {
      this.oldestAdded = stamp;
    }
    if (facts.registered !== undefined)
      this.registered = joinRegistered(this.registered, facts.registered);
    if (facts.erased !== undefined) this.erased = joinErased(this.erased, facts.erased);
    if (facts.profile !== undefined) this.profile = joinProfiles(this.profile, facts.profile);
    if (facts.consent !== undefined) this.consent = joinConsent(this.consent, facts.consent);
    const links = this.links;
    if (facts.linkedAnonymousId !== undefined)
      upsertIn(links.linkedAnonymousIds, facts.linkedAnonymousId, stamp, joinVisitorLinks);
    if (facts.linkedCustomerId !== undefined)
      upsertIn(links.linkedCustomerIds, facts.linkedCustomerId, stamp, joinLinks);
    if (facts.absorbedCustomerId !== undefined)
      upsertIn(links.absorbedCustomerIds, facts.absorbedCustomerId, stamp, joinLinks);
    if (facts.mergedInto !== undefined)
      upsertIn(links.mergedInto, facts.mergedInto, stamp, joinLinks);
    const { purchase, refund, complaint, feedback, session } = facts;
    if (purchase !== undefined)
      upsertIn(this.purchases, purchase.orderId, purchase.record, this.joins.purchases);
    if (refund !== undefined)
      upsertIn(this.refunds, refund.refundId, refund.record, this.joins.refunds);
    if (complaint !== undefined)
      upsertIn(this.complaints, complaint.complaintId, complaint.record, joinComplaints);
    if (feedback !== undefined) this.feedback.set(eventId, feedback);
    if (session !== undefined) {
      upsertIn(this.sessions, session.sessionId, session.record, this.joins.sessions);
      const seen = stamp.ms;
      for (const p of session.products) {
        const before = this.recentProducts.get(p.sku);
        const name = p.name ?? null;
        const category = p.category ?? null;
        this.recentProducts.set(
          p.sku,
          before === undefined
            ? { name, category, seen }
            : {
                name: pickText(before.name, name),
                category: pickText(before.category, category),
                seen: Math.max(seen, before.seen),
              },
        );
      }
    }
  }

  build(policy: Customer360Policy): Customer360State {
    const base = this.base;
    if (this.added === 0) return base;
    const horizon = this.horizon(policy);
    const moved =
      horizon !== null &&
      (base.horizon === null ||
        compareKeys(horizon, base.horizon) !== 0 ||
        (this.oldestAdded !== null && compareKeys(this.oldestAdded, horizon) < 0));
    const overCap = this.unpairedComplaints() > MAX_OPEN_COMPLAINTS;
    const history = moved || overCap ? this.compact(horizon, policy) : this.trimTimeline();
    const erased = this.erased;
    if (erased !== null) {
      for (const [id, c] of this.complaints) this.complaints.set(id, scrubComplaint(c));
    }
    const profile = erased === null ? this.profile : {};
    const links = this.links;
    return {
      key: base.key,
      kind: base.kind,
      id: base.id,
      newestMs: this.newestMs,
      horizon,
      registered: this.registered,
      erased,
      profile,
      consent: this.consent,
      searchKeys:
        erased !== null
          ? EMPTY_SEARCH_KEYS
          : profile === base.profile
            ? base.searchKeys
            : deriveSearchKeys(profile),
      linkedAnonymousIds:
        links.linkedAnonymousIds.size === 0
          ? base.linkedAnonymousIds
          : newestVisitorLinks(
              withEntries(base.linkedAnonymousIds, links.linkedAnonymousIds, joinVisitorLinks),
            ),
      linkedCustomerIds: withEntries(base.linkedCustomerIds, links.linkedCustomerIds, joinLinks),
      absorbedCustomerIds: withEntries(
        base.absorbedCustomerIds,
        links.absorbedCustomerIds,
        joinLinks,
      ),
      mergedInto: withEntries(base.mergedInto, links.mergedInto, joinLinks),
      events: toRecord(this.events),
      purchases: toRecord(this.purchases),
      refunds: toRecord(this.refunds),
      complaints: toRecord(this.complaints),
      feedback: toRecord(this.feedback),
      sessions: toRecord(this.sessions),
      recentProducts: keepRecentProducts(toRecord(this.recentProducts), RECENT_PRODUCTS),
      history,
    };
  }

  /**
   * The later of the time horizon and the count cap, never earlier than before. The cap is the
   * `detailEvents`-th newest event of the whole set, which exists as soon as the set holds that
   * many: it applies when the events at hand hold at least that many (`>=`, not `>`). The
   * events at hand are the detail plus this batch, so older events may already be compacted;
   * the set then holds more than they show, and were the cap to wait for more than
   * `detailEvents` at hand, a detail thinned to exactly that many by the time horizon would
   * keep a boundary that depends on the batch split. Taken over the events at hand, the cap
   * equals the set's whenever it matters: were one of the set's newest `detailEvents` events
   * already compacted, the set's cap would lie below the old horizon and change nothing.
   */
  private horizon(policy: Customer360Policy): HorizonKey | null {
    let horizon = this.base.horizon;
    if (this.newestMs !== null) {
      horizon = laterKey(horizon, {
        ms: this.newestMs - policy.horizonDays * DAY_MS,
        eventId: '',
      });
    }
    if (this.events.size >= policy.detailEvents) {
      const keys: HorizonKey[] = [];
      for (const [eventId, e] of this.events) keys.push({ ms: e.ms, eventId });
      keys.sort((a, b) => compareKeys(b, a));
      horizon = laterKey(horizon, keys[policy.detailEvents - 1] as HorizonKey);
    }
    return horizon;
  }

  private unpairedComplaints(): number {
    let unpaired = 0;
    for (const c of this.complaints.values()) {
      if (c.opened === null || c.resolved === null) unpaired += 1;
    }
    return unpaired;
  }

  private trimTimeline(): Customer360History {
    const history = this.base.history;
    const room = TIMELINE_RETAINED - this.events.size;
    if (history.timeline.length <= Math.max(0, room)) return history;
    return new HistoryBuilder(history).build(room);
  }

  /** Moves every fact below `horizon` (and complaints over the cap) into the history. */
  private compact(horizon: HorizonKey | null, policy: Customer360Policy): Customer360History {
    const h = new HistoryBuilder(this.base.history);
    const below = (s: EventKey) => isBelowHorizon(horizon, s.ms, s.eventId);
    const stamp = (eventId: string) => stampVia((id) => this.events.get(id), eventId);
    const tz = policy.timeZone;
    // Records first: they read their stamps from the events, which compact last.
    for (const [id, p] of this.purchases) {
      const at = stamp(p.eventId);
      if (!below(at)) continue;
      this.purchases.delete(id);
      const categories: Record<string, { orders: number; quantity: number }> = {};
      for (const [c, quantity] of Object.entries(p.categories))
        setKey(categories, c, { orders: 1, quantity });
      h.purchase(at, p.currency, p.total, categories, tz);
    }
    for (const [id, r] of this.refunds) {
      const at = stamp(r.eventId);
      if (!below(at)) continue;
      this.refunds.delete(id);
      h.refund(at, r.currency, r.amount);
    }
    for (const [eventId, f] of this.feedback) {
      const at = stamp(eventId);
      if (!below(at)) continue;
      this.feedback.delete(eventId);
      h.feedback(at, f.csat, f.nps);
    }
    for (const [id, s] of this.sessions) {
      const last = stamp(s.last);
      if (!below(last)) continue;
      this.sessions.delete(id);
      h.session(last, s.cart || s.checkoutStarted, s.converted);
    }
    // A complaint compacts once both halves are known, so the halves pair in any arrival order.
    const unpaired: [string, ComplaintRecord, Stamp][] = [];
    for (const [id, c] of this.complaints) {
      if (c.opened === null || c.resolved === null) {
        const known = c.opened?.stamp ?? c.resolved?.stamp;
        if (known !== undefined) unpaired.push([id, c, known]);
        continue;
      }
      const newest =
        compareStamps(c.opened.stamp, c.resolved.stamp) > 0 ? c.opened.stamp : c.resolved.stamp;
      if (!below(newest)) continue;
      this.complaints.delete(id);
      h.through(newest.ms);
      h.resolvedComplaint(c.resolved.stamp.ms - c.opened.stamp.ms);
    }
    if (unpaired.length > MAX_OPEN_COMPLAINTS) {
      unpaired.sort(([, , a], [, , b]) => compareStamps(a, b));
      for (const [id, c] of unpaired.slice(0, unpaired.length - MAX_OPEN_COMPLAINTS)) {
        this.complaints.delete(id);
        if (c.resolved === null) h.openComplaintNotItemised();
        else h.resolvedComplaint(null);
      }
    }
    for (const [eventId, e] of this.events) {
      if (!isBelowHorizon(horizon, e.ms, eventId)) continue;
      this.events.delete(eventId);
      h.through(e.ms);
      if (CONTACT_TYPES.has(e.type)) h.contact(e.channel, e.at, e.ms);
      h.timelineEntry({ eventId, ...e });
    }
    return h.build(TIMELINE_RETAINED - this.events.size);
  }
}

function upsertIn<T>(map: Map<string, T>, key: string, value: T, pick: (x: T, y: T) => T) {
  const before = map.get(key);
  map.set(key, before === undefined ? value : pick(before, value));
}

function toRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of map) setKey(out, k, v);
  return out;
}

/** `base` with the entries of `added` joined in; `base` itself when there are none. */
function withEntries(
  base: Readonly<Record<string, Stamp>>,
  added: ReadonlyMap<string, Stamp>,
  join: (x: Stamp, y: Stamp) => Stamp,
): Readonly<Record<string, Stamp>> {
  if (added.size === 0) return base;
  const out = copyRecord(base);
  for (const [k, v] of added) upsert(out, k, v, join);
  return out;
}

/**
 * The least upper bound of related documents' states for the read-time merge (identity is
 * taken from `a`). Their detail records are joined by id; their histories hold disjoint
 * events, so they add.
 */
export function joinCustomer360States(a: Customer360State, b: Customer360State): Customer360State {
  const profile = joinProfiles(a.profile, b.profile);
  const erased = joinErased(a.erased, b.erased);
  const complaints = joinRecords(a.complaints, b.complaints, joinComplaints);
  const newest = [a.newestMs, b.newestMs].filter((m): m is number => m !== null);
  const events = joinRecords(a.events, b.events, contentTieBreak);
  const joins = recordJoins((id) => getKey(events, id));
  return {
    key: a.key,
    kind: a.kind,
    id: a.id,
    newestMs: newest.length > 0 ? Math.max(...newest) : null,
    horizon: b.horizon === null ? a.horizon : laterKey(a.horizon, b.horizon),
    registered: joinRegistered(a.registered, b.registered),
    erased,
    profile: erased === null ? profile : {},
    consent: joinConsent(a.consent, b.consent),
    searchKeys:
      erased !== null
        ? EMPTY_SEARCH_KEYS
        : profile === a.profile
          ? a.searchKeys
          : deriveSearchKeys(profile),
    linkedAnonymousIds: joinRecords(a.linkedAnonymousIds, b.linkedAnonymousIds, joinVisitorLinks),
    linkedCustomerIds: joinRecords(a.linkedCustomerIds, b.linkedCustomerIds, joinLinks),
    absorbedCustomerIds: joinRecords(a.absorbedCustomerIds, b.absorbedCustomerIds, joinLinks),
    mergedInto: joinRecords(a.mergedInto, b.mergedInto, joinLinks),
    events,
    purchases: joinRecords(a.purchases, b.purchases, joins.purchases),
    refunds: joinRecords(a.refunds, b.refunds, joins.refunds),
    complaints:
      erased === null
        ? complaints
        : Object.fromEntries(
            Object.entries(complaints).map(([id, c]) => [id, scrubComplaint(c)] as const),
          ),
    feedback: joinRecords(a.feedback, b.feedback, contentTieBreak),
    sessions: joinRecords(a.sessions, b.sessions, joins.sessions),
    recentProducts: joinRecentProducts(a.recentProducts, b.recentProducts),
    history: joinHistories(a.history, b.history, TIMELINE_RETAINED),
  };
}

function joinRecentProducts(
  a: Readonly<Record<string, RecentProduct>>,
  b: Readonly<Record<string, RecentProduct>>,
): Readonly<Record<string, RecentProduct>> {
  if (isEmpty(b)) return a;
  const out = copyRecord(a);
  for (const [sku, p] of Object.entries(b)) addProduct(out, sku, p);
  return keepRecentProducts(out, RECENT_PRODUCTS);
}
