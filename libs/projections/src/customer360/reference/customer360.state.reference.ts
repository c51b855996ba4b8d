// Test oracle: the unbounded customer360 model as of f29dec1, kept verbatim; spec files only.
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
import { deriveSearchKeys, type SearchKeys } from './customer360.search.reference';

/**
 * Design note. Every part of the state is a join-semilattice: `joinCustomer360States` is
 * commutative, associative and idempotent, and `evolve` is `join(state, deltaOf(event))`.
 * That one property gives order independence, idempotence (joining the same delta twice is a
 * no-op), batch independence, and a read-time merge of visitor/absorbed documents that is
 * exactly what folding all their events into one document would have produced.
 *
 * Conflicts are settled by event time, ties by eventId (`Stamp`), never by arrival order.
 * Everything is plain JSON: optional facts are `null` or an absent key, never `undefined`.
 */

/** When and by which event a fact was stated; `ms` is `at` parsed, kept to avoid re-parsing. */
export interface Stamp {
  readonly at: string;
  readonly ms: number;
  readonly eventId: string;
}

export interface AppliedEvent {
  readonly type: EventType;
  readonly channel: Channel;
  readonly at: string;
  readonly ms: number;
}

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

export interface LineItemRecord {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface PurchaseRecord {
  readonly orderId: string;
  readonly stamp: Stamp;
  readonly channel: Channel;
  readonly currency: string;
  readonly total: number;
  readonly items: readonly LineItemRecord[];
}

export interface RefundRecord {
  readonly refundId: string;
  readonly orderId: string;
  readonly stamp: Stamp;
  readonly amount: number;
  readonly currency: string;
  /** Free text; removed on erasure. */
  readonly reason: string | null;
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
  readonly complaintId: string;
  readonly opened: ComplaintOpenedRecord | null;
  readonly resolved: ComplaintResolvedRecord | null;
}

export interface FeedbackRecord {
  readonly stamp: Stamp;
  readonly nps: number | null;
  readonly csat: number | null;
  readonly surveyId: string | null;
  readonly complaintId: string | null;
  /** Free text; removed on erasure. */
  readonly comment: string | null;
}

export interface ProductSeen {
  readonly name: string | null;
  readonly category: string | null;
}

export interface CartLine extends ProductSeen {
  readonly quantity: number;
}

/**
 * One web/app session. A session may be reported by more than one event (a resend with a new
 * eventId, an app that flushes twice); the facts are unioned, so resends never inflate it.
 */
export interface SessionRecord {
  readonly sessionId: string;
  readonly first: Stamp;
  readonly last: Stamp;
  readonly pageViews: number;
  readonly productsViewed: Readonly<Record<string, ProductSeen>>;
  readonly cartAdds: Readonly<Record<string, CartLine>>;
  readonly checkoutStarted: boolean;
  readonly converted: boolean;
}

export interface TimelineEntry {
  readonly eventId: string;
  readonly type: EventType;
  readonly channel: Channel;
  readonly at: string;
  readonly ms: number;
  /** Built from structured fields only, never from free text, so erasure needs no rewrite. */
  readonly summary: string;
  /** The business id the entry is about (orderId, complaintId, sessionId, callId, ...). */
  readonly ref: string | null;
}

export interface ErasureRecord {
  readonly stamp: Stamp;
  readonly reason: ErasureReason;
}

export type DocumentKind = 'customer' | 'visitor';

export interface Customer360State {
  readonly key: string;
  readonly kind: DocumentKind;
  /** customerId for a customer document, anonymousId for a visitor document. */
  readonly id: string;
  /** Every applied eventId (the idempotence set) with what the channel counts need. */
  readonly events: Readonly<Record<string, AppliedEvent>>;
  readonly registered: Stamp | null;
  readonly erased: ErasureRecord | null;
  readonly profile: ProfileState;
  readonly consent: ConsentState;
  /** Derived from `profile` after every change; stored so the store can index it. */
  readonly searchKeys: SearchKeys;
  /** Customer document: visitor ids that belong to it. */
  readonly linkedAnonymousIds: Readonly<Record<string, Stamp>>;
  /** Visitor document: the customer(s) it was identified as. */
  readonly linkedCustomerIds: Readonly<Record<string, Stamp>>;
  /** Customer document: customers merged into this one. */
  readonly absorbedCustomerIds: Readonly<Record<string, Stamp>>;
  /** Customer document: the customer this one was merged into (retired). */
  readonly mergedInto: Readonly<Record<string, Stamp>>;
  /** Keyed by orderId: a resent order with a new eventId is still one order. */
  readonly purchases: Readonly<Record<string, PurchaseRecord>>;
  /** Keyed by refundId, kept apart from purchases so refunds never rewrite purchase history. */
  readonly refunds: Readonly<Record<string, RefundRecord>>;
  readonly complaints: Readonly<Record<string, ComplaintRecord>>;
  /** Keyed by eventId: two answers to the same survey are two answers. */
  readonly feedback: Readonly<Record<string, FeedbackRecord>>;
  readonly sessions: Readonly<Record<string, SessionRecord>>;
  /** Newest first, at most TIMELINE_RETAINED entries. */
  readonly timeline: readonly TimelineEntry[];
}

/**
 * The timeline is the one list that is cut. Keeping the top N by (event time, eventId) is
 * order-independent (top-N of a union is the top-N of the top-Ns), and N above the displayed
 * size leaves room for views "as of" a somewhat earlier date. Purchases, sessions, complaints
 * and the eventId set grow with history because the all-time figures (RFM, abandonment,
 * idempotence) need them; each entry is small.
 */
export const TIMELINE_RETAINED = 200;

const EMPTY_SEARCH_KEYS: SearchKeys = { emails: [], phones: [], names: [], loyaltyCards: [] };

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
    events: {},
    registered: null,
    erased: null,
    profile: {},
    consent: {},
    searchKeys: EMPTY_SEARCH_KEYS,
    linkedAnonymousIds: {},
    linkedCustomerIds: {},
    absorbedCustomerIds: {},
    mergedInto: {},
    purchases: {},
    refunds: {},
    complaints: {},
    feedback: {},
    sessions: {},
    timeline: [],
  };
}

// ---- ordering helpers ------------------------------------------------------------------------

export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
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

/**
 * Ids come from outside: defineProperty keeps a key such as `__proto__` an ordinary key. It is
 * the only key whose assignment on a plain object does anything else (every other inherited
 * member is a writable data property, so assignment creates an own one), and defineProperty on
 * every key was the fold's hottest line, so plain assignment takes the rest.
 */
export function setKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key !== '__proto__') {
    record[key] = value;
    return;
  }
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A shallow copy; spread defines own keys (`__proto__` included) like setKey does. */
export function copyRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return { ...record };
}

export function getKey<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Copies `a` only when `b` has something to add, so joining a one-event delta stays cheap. */
function joinRecords<T>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
  pick: (x: T, y: T) => T,
): Readonly<Record<string, T>> {
  if (isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  const out = copyRecord(a);
  for (const [k, y] of Object.entries(b)) {
    const x = getKey(out, k);
    setKey(out, k, x === undefined ? y : pick(x, y));
  }
  return out;
}

function pickText(x: string | null, y: string | null): string | null {
  if (x === null) return y;
  if (y === null) return x;
  return x <= y ? x : y;
}

function joinProductSeen<T extends ProductSeen>(x: T, y: T): T {
  return { ...x, name: pickText(x.name, y.name), category: pickText(x.category, y.category) };
}

function joinSessions(x: SessionRecord, y: SessionRecord): SessionRecord {
  return {
    sessionId: x.sessionId,
    first: earlier(x.first, y.first, ownStamp),
    last: later(x.last, y.last, ownStamp),
    pageViews: Math.max(x.pageViews, y.pageViews),
    productsViewed: joinRecords(x.productsViewed, y.productsViewed, joinProductSeen),
    // Max, not sum: two reports of one session repeat the same cart rather than add to it.
    cartAdds: joinRecords(x.cartAdds, y.cartAdds, (p, q) => ({
      ...joinProductSeen(p, q),
      quantity: Math.max(p.quantity, q.quantity),
    })),
    checkoutStarted: x.checkoutStarted || y.checkoutStarted,
    converted: x.converted || y.converted,
  };
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
  return { complaintId: x.complaintId, opened, resolved };
}

function joinTimelines(
  a: readonly TimelineEntry[],
  b: readonly TimelineEntry[],
): readonly TimelineEntry[] {
  if (b.length === 0) return a;
  if (a.length === 0 && b.length <= TIMELINE_RETAINED) return b;
  const byId = new Map<string, TimelineEntry>();
  for (const e of [...a, ...b]) {
    const seen = byId.get(e.eventId);
    byId.set(e.eventId, seen === undefined ? e : contentTieBreak(seen, e));
  }
  return [...byId.values()].sort(compareTimelineEntries).slice(0, TIMELINE_RETAINED);
}

/** Newest first; equal times in ascending eventId. */
export function compareTimelineEntries(x: TimelineEntry, y: TimelineEntry): number {
  if (x.ms !== y.ms) return y.ms - x.ms;
  return x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0;
}

function joinProfiles(a: ProfileState, b: ProfileState): ProfileState {
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

function joinConsent(a: ConsentState, b: ConsentState): ConsentState {
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

/**
 * Erasure is absorbing: once any erasure is known, personal data is dropped and every later
 * join drops it again, whatever order profile events and the erasure arrive in.
 */
function scrub(state: Customer360State): Customer360State {
  const mapValues = <T>(r: Readonly<Record<string, T>>, f: (v: T) => T): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(r)) setKey(out, k, f(v));
    return out;
  };
  return {
    ...state,
    profile: {},
    searchKeys: EMPTY_SEARCH_KEYS,
    refunds: mapValues(state.refunds, (r) => (r.reason === null ? r : { ...r, reason: null })),
    complaints: mapValues(state.complaints, (c) => ({
      ...c,
      opened: c.opened === null ? null : { ...c.opened, description: null },
      resolved: c.resolved === null ? null : { ...c.resolved, resolution: null },
    })),
    feedback: mapValues(state.feedback, (f) => (f.comment === null ? f : { ...f, comment: null })),
  };
}

function hasPersonalData(state: Customer360State): boolean {
  if (!isEmpty(state.profile)) return true;
  const s = state.searchKeys;
  if (s.emails.length + s.phones.length + s.names.length + s.loyaltyCards.length > 0) return true;
  return (
    Object.values(state.refunds).some((r) => r.reason !== null) ||
    Object.values(state.complaints).some(
      (c) => c.opened?.description != null || c.resolved?.resolution != null,
    ) ||
    Object.values(state.feedback).some((f) => f.comment !== null)
  );
}

/**
 * The least upper bound of two states of the same document (or, for the read-time merge, of
 * related documents; identity is then taken from `a`).
 */
export function joinCustomer360States(a: Customer360State, b: Customer360State): Customer360State {
  const profile = joinProfiles(a.profile, b.profile);
  const joined: Customer360State = {
    key: a.key,
    kind: a.kind,
    id: a.id,
    events: joinRecords(a.events, b.events, contentTieBreak),
    registered: joinNullable(a.registered, b.registered, (x, y) => earlier(x, y, ownStamp)),
    erased: joinNullable(a.erased, b.erased, (x, y) => earlier(x, y, (e) => e.stamp)),
    profile,
    consent: joinConsent(a.consent, b.consent),
    searchKeys: profile === a.profile ? a.searchKeys : deriveSearchKeys(profile),
    linkedAnonymousIds: joinRecords(a.linkedAnonymousIds, b.linkedAnonymousIds, (x, y) =>
      earlier(x, y, ownStamp),
    ),
    linkedCustomerIds: joinRecords(a.linkedCustomerIds, b.linkedCustomerIds, (x, y) =>
      earlier(x, y, ownStamp),
    ),
    absorbedCustomerIds: joinRecords(a.absorbedCustomerIds, b.absorbedCustomerIds, (x, y) =>
      earlier(x, y, ownStamp),
    ),
    mergedInto: joinRecords(a.mergedInto, b.mergedInto, (x, y) => earlier(x, y, ownStamp)),
    // The first report of an order (by event time, then eventId) is the one that counts.
    purchases: joinRecords(a.purchases, b.purchases, (x, y) => earlier(x, y, (p) => p.stamp)),
    refunds: joinRecords(a.refunds, b.refunds, (x, y) => earlier(x, y, (r) => r.stamp)),
    complaints: joinRecords(a.complaints, b.complaints, joinComplaints),
    feedback: joinRecords(a.feedback, b.feedback, contentTieBreak),
    sessions: joinRecords(a.sessions, b.sessions, joinSessions),
    timeline: joinTimelines(a.timeline, b.timeline),
  };
  return joined.erased !== null && hasPersonalData(joined) ? scrub(joined) : joined;
}
