import { type RecordedEvent, parseOffsetTimestamp } from '@touchpoint/contracts';
import { type EventHandlers, handle, keysFrom } from '../event-handlers';
import { newestLinks } from '../identity-links';
import {
  type PositionedEvent,
  type Projection,
  customerKey,
  visitorKey,
} from '../projection.types';
import { DEFAULT_LOYALTY_POLICY, type LoyaltyPolicy } from './loyalty.policy';
import {
  type CompactedWork,
  type DetailWork,
  compact,
  compactedTotals,
  compactedWork,
  cutoffFor,
  dayTotals,
  refundKey,
} from './loyalty.compaction';
import {
  type AdjustmentFact,
  type CompactedTotals,
  type EventTime,
  type LoyaltyState,
  type LoyaltyView,
  type MergeFact,
  type ResentFact,
  type VisitorLinkFact,
} from './loyalty.types';
import { loyaltyView } from './loyalty.view';

export const LOYALTY_MODEL = 'loyalty';

const CUSTOMER_PREFIX = customerKey('');

/** Document keys for an event; only customers have a loyalty account. */
export const loyaltyKeys = keysFrom({
  // A visitor's purchase waits on the visitor's document; once a `customer.identified` links it,
  // `mergeLoyaltyStates` counts it for the customer when read.
  'purchase.completed': (event) => {
    if (event.customerId !== undefined) return [customerKey(event.customerId)];
    return event.anonymousId === undefined ? [] : [visitorKey(event.anonymousId)];
  },
  'customer.registered': (event) => ownKey(event),
  'customer.erased': (event) => ownKey(event),
  'customer.identified': (event) => ownKey(event),
  'purchase.refunded': (event) => ownKey(event),
  'loyalty.points_redeemed': (event) => ownKey(event),
  'loyalty.points_adjusted': (event) => ownKey(event),
  'complaint.resolved': (event) =>
    (event.payload.compensation?.points ?? 0) > 0 ? ownKey(event) : [],
  // Both sides: the survivor lists what it absorbed, the retired record stops outreach.
  'customer.merged': (event) =>
    event.customerId === undefined
      ? []
      : [customerKey(event.customerId), customerKey(event.payload.mergedCustomerId)],
});

function ownKey(event: RecordedEvent): readonly string[] {
  return event.customerId === undefined ? [] : [customerKey(event.customerId)];
}

const NO_TOTALS: CompactedTotals = {
  spend: [],
  earned: 0,
  reversed: 0,
  redeemed: 0,
  adjusted: 0,
  unmatchedRefunds: 0,
};

export function initialLoyaltyState(key: string): LoyaltyState {
  return {
    schema: 3,
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
    resent: [],
    newestMs: null,
    exactFromMs: null,
    compactedUnder: null,
    days: [],
    compacted: NO_TOTALS,
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

/** The LINKED_VISITORS newest links by their latest identification (identity-links.ts). */
export function newestVisitorLinks(links: readonly VisitorLinkFact[]): readonly VisitorLinkFact[] {
  return newestLinks(links, (a, b) => (earlier(a, b) === a ? -1 : 1));
}

function byKey<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function keyed<T>(list: readonly T[], keyOf: (t: T) => string): Map<string, T> {
  return new Map(list.map((t) => [keyOf(t), t]));
}

/** A batch's working copy of a state: mutable maps, joined into a new state once. */
class Work {
  readonly detail: DetailWork;
  readonly absorbed: Map<string, MergeFact>;
  readonly linkedVisitors: Map<string, VisitorLinkFact>;
  registration: EventTime | null;
  mergedInto: MergeFact | null;
  erased: EventTime | null;
  newestMs: number | null;
  changed = false;

  constructor(state: LoyaltyState) {
    this.detail = {
      purchases: keyed(state.purchases, (p) => p.orderId),
      refunds: keyed(state.refunds, refundKey),
      redemptions: keyed(state.redemptions, (r) => r.redemptionId),
      adjustments: keyed(state.adjustments, (a) => a.adjustmentKey),
      resent: keyed(state.resent, (r) => r.eventId),
    };
    this.absorbed = keyed(state.absorbed, (m) => m.customerId);
    this.linkedVisitors = keyed(state.linkedVisitors, (l) => l.anonymousId);
    this.registration = state.registration;
    this.mergedInto = state.mergedInto;
    this.erased = state.erased;
    this.newestMs = state.newestMs;
  }

  /**
   * One report of a detail event's business key: the earliest (time, eventId) is the fact, the
   * others are remembered as re-sent (they count toward the detail cap like any event, so the
   * cut does not depend on which report arrived first).
   */
  upsert<T extends EventTime>(map: Map<string, T>, key: string, fact: T): void {
    const resent = this.detail.resent;
    if (resent.has(fact.eventId)) return;
    if (this.newestMs === null || fact.atMs > this.newestMs) this.newestMs = fact.atMs;
    const current = map.get(key);
    if (current === undefined) {
      map.set(key, fact);
      this.changed = true;
      return;
    }
    if (current.eventId === fact.eventId) return;
    const loser = earlier(current, fact) === current ? fact : current;
    if (loser === current) map.set(key, fact);
    resent.set(loser.eventId, { eventId: loser.eventId, atMs: loser.atMs } satisfies ResentFact);
    this.changed = true;
  }

  earliest<T extends EventTime>(current: T | null, fact: T): T {
    if (current !== null && earlier(current, fact) === current) return current;
    this.changed = true;
    return fact;
  }
}

/** Joins one handled event into the working copy. */
const APPLY: EventHandlers<void, Work, string> = {
  'customer.registered': (event, w) => {
    w.registration = w.earliest(w.registration, eventTime(event));
  },
  'purchase.completed': (event, w) => {
    w.upsert(w.detail.purchases, event.payload.orderId, {
      ...eventTime(event),
      orderId: event.payload.orderId,
      amount: event.payload.total,
      currency: event.payload.currency,
    });
  },
  'purchase.refunded': (event, w) => {
    const fact = {
      ...eventTime(event),
      orderId: event.payload.orderId,
      refundId: event.payload.refundId,
      amount: event.payload.amount,
      currency: event.payload.currency,
      order: null,
    };
    const current = w.detail.refunds.get(refundKey(fact));
    // An earlier report of a refund whose order was compacted keeps the effect worked out.
    w.upsert(w.detail.refunds, refundKey(fact), { ...fact, order: current?.order ?? null });
  },
  'loyalty.points_redeemed': (event, w) => {
    w.upsert(w.detail.redemptions, event.payload.redemptionId, {
      ...eventTime(event),
      redemptionId: event.payload.redemptionId,
      points: event.payload.points,
      reward: event.payload.reward ?? null,
    });
  },
  'loyalty.points_adjusted': (event, w) => {
    w.upsert(w.detail.adjustments, event.payload.adjustmentId, {
      ...eventTime(event),
      adjustmentKey: event.payload.adjustmentId,
      points: event.payload.points,
      reason: event.payload.reason,
      complaintId: event.payload.complaintId ?? null,
      origin: 'adjustment',
    } satisfies AdjustmentFact);
  },
  'complaint.resolved': (event, w) => {
    const points = event.payload.compensation?.points ?? 0;
    if (points <= 0) return;
    const complaintId = event.payload.complaintId;
    // Keyed by complaint: a re-sent resolution of the same complaint credits once.
    w.upsert(w.detail.adjustments, `complaint:${complaintId}`, {
      ...eventTime(event),
      adjustmentKey: `complaint:${complaintId}`,
      points,
      reason: `Compensation for complaint ${complaintId}`,
      complaintId,
      origin: 'complaint_compensation',
    } satisfies AdjustmentFact);
  },
  'customer.merged': (event, w, key) => {
    if (event.customerId === undefined) return;
    const time = eventTime(event);
    if (key === customerKey(event.payload.mergedCustomerId)) {
      w.mergedInto = w.earliest(w.mergedInto, { ...time, customerId: event.customerId });
      return;
    }
    const id = event.payload.mergedCustomerId;
    w.absorbed.set(id, w.earliest(w.absorbed.get(id) ?? null, { ...time, customerId: id }));
  },
  'customer.identified': (event, w) => {
    if (event.anonymousId === undefined) return;
    const id = event.anonymousId;
    const link = { ...eventTime(event), anonymousId: id };
    const before = w.linkedVisitors.get(id);
    // A link stands at its latest identification, the rank identity-links.ts keeps by.
    if (
      before === undefined ||
      (before.eventId !== link.eventId && earlier(before, link) === before)
    ) {
      w.linkedVisitors.set(id, link);
      w.changed = true;
    }
  },
  'customer.erased': (event, w) => {
    w.erased = w.earliest(w.erased, eventTime(event));
  },
};

/**
 * Folds a batch: every event is joined into mutable maps of the state's detail, then detail older
 * than the horizon (in days from the newest event time, and beyond the newest
 * `maxDetailEvents`) is compacted once. The result is a function of the set of events: a
 * re-delivered event within the horizon is recognised by its eventId or business id; an event
 * older than the horizon goes straight into the sums and cannot be recognised again
 * (`beyondHorizon`). It equals folding the events one by one with `evolve`, except that a
 * duplicate inside one batch is recognised even where, folded alone, the first copy would already
 * have been compacted.
 */
export function evolveLoyaltyBatch(
  state: LoyaltyState,
  events: readonly PositionedEvent[],
  key: string,
  policy: LoyaltyPolicy,
): LoyaltyState {
  if (state.erased !== null && !events.some((e) => e.event.type === 'customer.erased')) {
    return state;
  }
  const w = new Work(state);
  for (const { event } of events) handle(APPLY, event, undefined, w, key);
  if (w.erased !== null) {
    if (!w.changed) return state;
    // Only the tombstone survives, so every arrival order of the history ends in the same state.
    return { ...initialLoyaltyState(key), customerId: state.customerId, erased: w.erased };
  }
  const cut = cutoffFor(w.detail, w.newestMs, state.exactFromMs, policy);
  if (!w.changed && cut === state.exactFromMs) return state;
  const sums: CompactedWork = compactedWork(
    state.exactFromMs,
    state.compactedUnder,
    state.days,
    state.compacted,
  );
  compact(w.detail, sums, cut, policy);
  return {
    schema: 3,
    customerId: state.customerId,
    registration: w.registration,
    purchases: byKey(w.detail.purchases),
    refunds: byKey(w.detail.refunds),
    redemptions: byKey(w.detail.redemptions),
    adjustments: byKey(w.detail.adjustments),
    absorbed: byKey(w.absorbed),
    mergedInto: w.mergedInto,
    linkedVisitors: newestVisitorLinks(byKey(w.linkedVisitors)),
    erased: null,
    resent: byKey(w.detail.resent),
    newestMs: w.newestMs,
    exactFromMs: sums.exactFromMs,
    compactedUnder: sums.compactedUnder,
    days: dayTotals(sums),
    compacted: compactedTotals(sums),
  };
}

export function evolveLoyalty(
  state: LoyaltyState,
  positioned: PositionedEvent,
  key: string,
  policy: LoyaltyPolicy,
): LoyaltyState {
  return evolveLoyaltyBatch(state, [positioned], key, policy);
}

/**
 * Events kept as detail (and so recognised when re-delivered) while within the horizon. The
 * others (registration, links, merges, erasure) keep their earliest report: re-applying one is a
 * no-op at any age.
 */
const DETAIL: EventHandlers<boolean> = {
  'purchase.completed': () => true,
  'purchase.refunded': () => true,
  'loyalty.points_redeemed': () => true,
  'loyalty.points_adjusted': () => true,
  'complaint.resolved': (event) => (event.payload.compensation?.points ?? 0) > 0,
};

/** True when `event` is older than the detail the state keeps: a duplicate would count twice. */
export function loyaltyBeyondHorizon(state: LoyaltyState, positioned: PositionedEvent): boolean {
  const event = positioned.event;
  if (
    state.erased !== null ||
    state.exactFromMs === null ||
    !handle(DETAIL, event, false, undefined, undefined)
  )
    return false;
  return eventTime(event).atMs < state.exactFromMs;
}

/**
 * The loyalty read model (DESIGN §5). The state holds facts within the horizon (purchases,
 * refunds, redemptions, adjustments, registration) and sums of older ones; tier, window figures,
 * earned points and tier history are derived in `view` at `asOf`. Until something is compacted
 * the state does not depend on the policy, so comparing v1 with v2 is two calls to `view`; the
 * sums bake in the window, time zone and earning rate (`compactedUnder`), and a view under other
 * values refuses rather than misreads them.
 */
export const loyaltyProjection: Projection<LoyaltyState, LoyaltyView, LoyaltyPolicy> = {
  model: LOYALTY_MODEL,
  // 2: bounded documents (detail within the horizon, compacted history).
  stateSchema: 3,
  defaultPolicy: DEFAULT_LOYALTY_POLICY,
  keys: loyaltyKeys,
  initial: initialLoyaltyState,
  evolve: evolveLoyalty,
  evolveBatch: evolveLoyaltyBatch,
  beyondHorizon: loyaltyBeyondHorizon,
  view: loyaltyView,
};
