/**
 * TEST-ONLY ORACLE: the unbounded loyalty model as it was before bounded documents (git
 * f29dec1), copied unchanged but for import paths. It keeps every fact forever and was validated
 * against independent tools; the equality properties (loyalty.horizon.spec.ts) compare the
 * bounded model with it. Imported only by spec files.
 */
import { type RecordedEvent, parseOffsetTimestamp } from '@touchpoint/contracts';
import { assertNever } from '@touchpoint/core';
import {
  type PositionedEvent,
  type Projection,
  customerKey,
  visitorKey,
} from '../../projection.types';
import { DEFAULT_LOYALTY_POLICY, type LoyaltyPolicy } from '../loyalty.policy';
import {
  type AdjustmentFact,
  type EventTime,
  type LoyaltyState,
  type LoyaltyView,
  type MergeFact,
  type PurchaseFact,
  type RedemptionFact,
  type RefundFact,
  type VisitorLinkFact,
} from './loyalty.types.reference';
import { loyaltyView } from './loyalty.view.reference';

export const LOYALTY_MODEL = 'loyalty';

const CUSTOMER_PREFIX = customerKey('');

/** Document keys for an event; only customers have a loyalty account. */
export function loyaltyKeys(event: RecordedEvent): readonly string[] {
  switch (event.type) {
    case 'purchase.completed':
      // A visitor's purchase waits on the visitor's document; once a `customer.identified`
      // links it, `mergeLoyaltyStates` counts it for the customer when read.
      if (event.customerId !== undefined) return [customerKey(event.customerId)];
      return event.anonymousId === undefined ? [] : [visitorKey(event.anonymousId)];
    case 'customer.registered':
    case 'customer.erased':
    case 'customer.identified':
    case 'purchase.refunded':
    case 'loyalty.points_redeemed':
    case 'loyalty.points_adjusted':
      return event.customerId === undefined ? [] : [customerKey(event.customerId)];
    case 'complaint.resolved':
      return event.customerId !== undefined && (event.payload.compensation?.points ?? 0) > 0
        ? [customerKey(event.customerId)]
        : [];
    case 'customer.merged':
      // Both sides: the survivor lists what it absorbed, the retired record stops outreach.
      return event.customerId === undefined
        ? []
        : [customerKey(event.customerId), customerKey(event.payload.mergedCustomerId)];
    case 'customer.profile_updated':
    case 'call.logged':
    case 'email.sent':
    case 'email.opened':
    case 'email.clicked':
    case 'email.received':
    case 'web.visited':
    case 'complaint.opened':
    case 'feedback.submitted':
      return [];
    default:
      return assertNever(event, 'event type');
  }
}

export function initialLoyaltyState(key: string): LoyaltyState {
  return {
    schema: 1,
    customerId: key.startsWith(CUSTOMER_PREFIX) ? key.slice(CUSTOMER_PREFIX.length) : key,
    registration: null,
    purchases: [],
    refunds: [],
    redemptions: [],
    adjustments: [],
    absorbed: [],
    mergedInto: null,
    linkedVisitors: [],
    erased: null,
    appliedEventIds: [],
  };
}

export function eventTime(event: RecordedEvent): EventTime {
  const atMs = parseOffsetTimestamp(event.occurredAt);
  if (atMs === undefined) {
    // Validation upstream guarantees a parseable time; guessing one would corrupt the window.
    throw new Error(`loyalty: event ${event.eventId} has an unparseable occurredAt`);
  }
  return { eventId: event.eventId, occurredAt: event.occurredAt, atMs };
}

/** Earliest by event time, ties to the smaller eventId: the same winner in any arrival order. */
export function earlier<T extends EventTime>(a: T, b: T): T {
  if (a.atMs !== b.atMs) return a.atMs < b.atMs ? a : b;
  return a.eventId <= b.eventId ? a : b;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Inserts or replaces the element with the same business key, keeping the array sorted by that
 * key. When the key is already there (a re-sent order, refund, redemption under another eventId)
 * the earliest occurrence stays, so duplicates count once whatever order they arrive in.
 */
export function upsertEarliest<T extends EventTime>(
  list: readonly T[],
  item: T,
  keyOf: (t: T) => string,
): readonly T[] {
  const key = keyOf(item);
  const index = list.findIndex((t) => compareKeys(keyOf(t), key) >= 0);
  if (index === -1) return [...list, item];
  const current = list[index] as T;
  if (keyOf(current) === key) {
    const kept = earlier(current, item);
    if (kept === current) return list;
    return [...list.slice(0, index), kept, ...list.slice(index + 1)];
  }
  return [...list.slice(0, index), item, ...list.slice(index)];
}

export function insertSorted(list: readonly string[], value: string): readonly string[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === value) return list;
  return [...list.slice(0, lo), value, ...list.slice(lo)];
}

function hasApplied(list: readonly string[], value: string): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return list[lo] === value;
}

const refundKey = (r: RefundFact): string => `${r.orderId}\u0000${r.refundId}`;

/** The changed part of the state for a handled event, or undefined if the model ignores it. */
function apply(
  state: LoyaltyState,
  event: RecordedEvent,
  key: string,
): Partial<LoyaltyState> | undefined {
  switch (event.type) {
    case 'customer.registered': {
      const time = eventTime(event);
      return {
        registration: state.registration === null ? time : earlier(state.registration, time),
      };
    }
    case 'purchase.completed': {
      const fact: PurchaseFact = {
        ...eventTime(event),
        orderId: event.payload.orderId,
        amount: event.payload.total,
        currency: event.payload.currency,
      };
      return { purchases: upsertEarliest(state.purchases, fact, (p) => p.orderId) };
    }
    case 'purchase.refunded': {
      const fact: RefundFact = {
        ...eventTime(event),
        orderId: event.payload.orderId,
        refundId: event.payload.refundId,
        amount: event.payload.amount,
        currency: event.payload.currency,
      };
      return { refunds: upsertEarliest(state.refunds, fact, refundKey) };
    }
    case 'loyalty.points_redeemed': {
      const fact: RedemptionFact = {
        ...eventTime(event),
        redemptionId: event.payload.redemptionId,
        points: event.payload.points,
        reward: event.payload.reward ?? null,
      };
      return { redemptions: upsertEarliest(state.redemptions, fact, (r) => r.redemptionId) };
    }
    case 'loyalty.points_adjusted': {
      const fact: AdjustmentFact = {
        ...eventTime(event),
        adjustmentKey: event.payload.adjustmentId,
        points: event.payload.points,
        reason: event.payload.reason,
        complaintId: event.payload.complaintId ?? null,
        origin: 'adjustment',
      };
      return { adjustments: upsertEarliest(state.adjustments, fact, (a) => a.adjustmentKey) };
    }
    case 'complaint.resolved': {
      const points = event.payload.compensation?.points ?? 0;
      if (points <= 0) return undefined;
      const complaintId = event.payload.complaintId;
      // Keyed by complaint: a re-sent resolution of the same complaint credits once.
      const fact: AdjustmentFact = {
        ...eventTime(event),
        adjustmentKey: `complaint:${complaintId}`,
        points,
        reason: `Compensation for complaint ${complaintId}`,
        complaintId,
        origin: 'complaint_compensation',
      };
      return { adjustments: upsertEarliest(state.adjustments, fact, (a) => a.adjustmentKey) };
    }
    case 'customer.merged': {
      if (event.customerId === undefined) return undefined;
      const time = eventTime(event);
      if (key === customerKey(event.payload.mergedCustomerId)) {
        const fact: MergeFact = { ...time, customerId: event.customerId };
        return { mergedInto: state.mergedInto === null ? fact : earlier(state.mergedInto, fact) };
      }
      const fact: MergeFact = { ...time, customerId: event.payload.mergedCustomerId };
      return { absorbed: upsertEarliest(state.absorbed, fact, (m) => m.customerId) };
    }
    case 'customer.identified': {
      if (event.anonymousId === undefined) return undefined;
      const fact: VisitorLinkFact = { ...eventTime(event), anonymousId: event.anonymousId };
      return { linkedVisitors: upsertEarliest(state.linkedVisitors, fact, (l) => l.anonymousId) };
    }
    case 'customer.erased':
      // Handled before dispatch: erasure replaces the whole document.
      return undefined;
    case 'customer.profile_updated':
    case 'call.logged':
    case 'email.sent':
    case 'email.opened':
    case 'email.clicked':
    case 'email.received':
    case 'web.visited':
    case 'complaint.opened':
    case 'feedback.submitted':
      return undefined;
    default:
      return assertNever(event, 'event type');
  }
}

export function evolveLoyalty(
  state: LoyaltyState,
  positioned: PositionedEvent,
  key: string,
  _policy: LoyaltyPolicy,
): LoyaltyState {
  const event = positioned.event;
  if (event.type === 'customer.erased') {
    const time = eventTime(event);
    const erased = state.erased === null ? time : earlier(state.erased, time);
    if (erased === state.erased) return state;
    // Only the tombstone survives, so every arrival order of the history ends in the same state.
    return { ...initialLoyaltyState(key), customerId: state.customerId, erased };
  }
  if (state.erased !== null) return state;
  if (hasApplied(state.appliedEventIds, event.eventId)) return state;
  const change = apply(state, event, key);
  if (change === undefined) return state;
  return {
    ...state,
    ...change,
    appliedEventIds: insertSorted(state.appliedEventIds, event.eventId),
  };
}

/**
 * The loyalty read model (DESIGN §5). The state is policy-free (facts only: purchases, refunds,
 * redemptions, adjustments, registration), so one fold serves every policy version and comparing
 * v1 with v2 is two calls to `view`. Tier, window figures, earned points and tier history are
 * all derived in `view` at `asOf`.
 */
export const loyaltyProjection: Projection<LoyaltyState, LoyaltyView, LoyaltyPolicy> = {
  model: LOYALTY_MODEL,
  defaultPolicy: DEFAULT_LOYALTY_POLICY,
  keys: loyaltyKeys,
  initial: initialLoyaltyState,
  evolve: evolveLoyalty,
  view: loyaltyView,
};
