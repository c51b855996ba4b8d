/**
 * Shapes of the loyalty read model. The state is the stored document (plain JSON, MongoDB-safe:
 * collections are arrays sorted by a business key rather than objects keyed by ids, because ids
 * may contain dots, which MongoDB and FerretDB treat specially in field names). Its size is bounded
 * whatever the customer's history (DESIGN §4 "Bounded"): facts are kept one by one only within
 * the horizon (the policy's `horizonDays` back from the newest event time, and at most its
 * `maxDetailEvents`); older ones are summed per local day while a window can still reach them,
 * and into all-time totals. The view is what `view(state, asOf, policy)` derives and is never
 * stored.
 */

/** When something happened: the offset string as sent, and its instant for ordering. */
export interface EventTime {
  readonly eventId: string;
  readonly occurredAt: string;
  /** Epoch milliseconds of `occurredAt`. */
  readonly atMs: number;
}

export interface PurchaseFact extends EventTime {
  readonly orderId: string;
  /** What the customer paid, integer minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
}

export interface RefundFact extends EventTime {
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: number;
  readonly currency: string;
  /**
   * Set when the refund's order was compacted while the refund was still kept in detail: its
   * effect on that order, worked out then (the order's amount is no longer kept).
   */
  readonly order: RefundedOrder | null;
}

/** A refund's effect on its compacted order, in the order's event-time sequence of refunds. */
export interface RefundedOrder {
  /** Local day of the order (policy time zone), for the window. */
  readonly day: number;
  readonly currency: string;
  /** Part of the refund that counts (0 when the currencies differ). */
  readonly applied: number;
  /** Part of the refund above what was left of the order. */
  readonly excess: number;
  readonly currencyMismatch: boolean;
  /** The refund made the order fully refunded: it stops counting as a purchase. */
  readonly completes: boolean;
  /** Points taken back. */
  readonly points: number;
}

export interface RedemptionFact extends EventTime {
  readonly redemptionId: string;
  readonly points: number;
  readonly reward: string | null;
}

/** A signed ledger correction: `loyalty.points_adjusted`, or complaint compensation. */
export interface AdjustmentFact extends EventTime {
  /** `adjustmentId` of the event, or `complaint:<complaintId>` for a compensation. */
  readonly adjustmentKey: string;
  readonly points: number;
  readonly reason: string;
  readonly complaintId: string | null;
  readonly origin: 'adjustment' | 'complaint_compensation';
}

export interface MergeFact extends EventTime {
  readonly customerId: string;
}

/** `customer.identified`: a visitor whose purchases belong to this customer. */
export interface VisitorLinkFact extends EventTime {
  readonly anonymousId: string;
}

/** Another report of a detail event's business key (a re-sent order under a new eventId). */
export interface ResentFact {
  readonly eventId: string;
  readonly atMs: number;
}

/**
 * Compacted purchases of one local day in one currency, kept while the day can still be in a
 * window: [days since 1970-01-01 in the policy time zone, currency, orders not fully refunded,
 * amount net of refunds in minor units]. A tuple because a busy customer keeps a year of them:
 * about 25 bytes each, where an object with named fields took 74.
 */
export type DayTotal = readonly [day: number, currency: string, purchases: number, amount: number];

/** A day's totals grouped, as the view reads them. */
export interface DayBucket {
  /** Days since 1970-01-01 in the policy time zone. */
  readonly day: number;
  /** Per currency, sorted by currency. */
  readonly spend: readonly CurrencyFigures[];
}

export interface CurrencyFigures {
  readonly currency: string;
  /** Orders not fully refunded. */
  readonly purchases: number;
  /** Net of refunds, minor units. */
  readonly amount: number;
}

/** Everything compacted, summed: order-free, so any arrival order gives the same totals. */
export interface CompactedTotals {
  /** Per currency, sorted by currency. */
  readonly spend: readonly CurrencyFigures[];
  readonly earned: number;
  readonly reversed: number;
  readonly redeemed: number;
  /** Signed. */
  readonly adjusted: number;
  /**
   * Refunds compacted without ever meeting their order in detail: no effect, like a refund
   * without purchase. Either the order was never seen, or it was compacted before the refund
   * arrived (a document cannot keep every order's amount, so such a refund cannot be netted).
   */
  readonly unmatchedRefunds: number;
}

export interface LoyaltyState {
  /** Bumped when the stored shape changes, so a reader can tell old documents apart. */
  readonly schema: 3;
  readonly customerId: string;
  /** Earliest `customer.registered` by event time (tenure starts there). */
  readonly registration: EventTime | null;
  /**
   * Detail, within the horizon (`exactFromMs` on): one per orderId, sorted by orderId; a
   * re-sent order keeps its earliest (time, eventId).
   */
  readonly purchases: readonly PurchaseFact[];
  /** One per (orderId, refundId), sorted by that pair. */
  readonly refunds: readonly RefundFact[];
  /** One per redemptionId, sorted by it. */
  readonly redemptions: readonly RedemptionFact[];
  /** One per adjustmentKey, sorted by it. */
  readonly adjustments: readonly AdjustmentFact[];
  /** Customers folded into this one (`customer.merged` as survivor), sorted by customerId. */
  readonly absorbed: readonly MergeFact[];
  /** Set when this customer was folded into another one (earliest merge wins). */
  readonly mergedInto: MergeFact | null;
  /**
   * Visitors identified as this customer, sorted by anonymousId, each at its latest
   * identification; the LINKED_VISITORS newest (identity-links.ts). Their purchases stay on their
   * own `visitor:<id>` documents (a visit can arrive after the link) and join at read time.
   */
  readonly linkedVisitors: readonly VisitorLinkFact[];
  /**
   * Set by `customer.erased`. Everything else is then empty and stays empty: the document is a
   * tombstone, so a replay in any order cannot bring the customer's history back.
   */
  readonly erased: EventTime | null;
  /** Detail events that lost to an earlier report of their business key, sorted by eventId. */
  readonly resent: readonly ResentFact[];
  /** Newest event time of a detail event ever seen (the high-water mark), or null. */
  readonly newestMs: number | null;
  /**
   * Detail is kept for events at or after this instant; everything before it is in `days` and
   * `compacted`. Null while nothing was ever compacted. Never decreases.
   */
  readonly exactFromMs: number | null;
  /**
   * The policy parameters compaction baked in (`windowDays/timeZone/rate/rounding`), so a view
   * with other ones refuses rather than misreads the sums. Null while nothing was compacted.
   */
  readonly compactedUnder: string | null;
  /** Sorted by day, then currency; only days a window read at or after `exactFromMs` can reach. */
  readonly days: readonly DayTotal[];
  readonly compacted: CompactedTotals;
}

// ---- view --------------------------------------------------------------------------------------

export type LoyaltyStatus = 'active' | 'merged' | 'erased';

export interface Outreach {
  readonly greetings: boolean;
  readonly recommendations: boolean;
}

export type TierCause =
  | {
      readonly kind: 'purchase';
      readonly eventId: string;
      readonly orderId: string;
      readonly occurredAt: string;
    }
  | {
      readonly kind: 'refund';
      readonly eventId: string;
      readonly orderId: string;
      readonly refundId: string;
      readonly occurredAt: string;
    }
  | {
      /** The purchase's day left the rolling window at the change instant. */
      readonly kind: 'window_passed';
      readonly eventId: string;
      readonly orderId: string;
      readonly purchasedAt: string;
    }
  | {
      /** A day of compacted purchases left the rolling window at the change instant. */
      readonly kind: 'window_passed_day';
      /** `YYYY-MM-DD` in the policy time zone. */
      readonly day: string;
      readonly purchases: number;
    }
  | { readonly kind: 'registration'; readonly eventId: string; readonly occurredAt: string }
  | {
      /** A tier's tenure requirement became satisfied at the change instant. */
      readonly kind: 'tenure';
      readonly eventId: string;
      readonly registeredAt: string;
      readonly days: number;
    };

export interface WindowFigures {
  readonly purchases: number;
  /** Net of refunds, minor units of the policy's `spendCurrency`. */
  readonly spend: number;
}

export interface TierChange {
  /** ISO-8601 UTC instant of the change. */
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'up' | 'down';
  /** What happened at that instant that moved the figures in `direction`. */
  readonly causes: readonly TierCause[];
  /** Window figures right after the change. */
  readonly figures: WindowFigures;
  readonly reason: string;
}

export type LedgerKind = 'earned' | 'reversed' | 'redeemed' | 'adjusted';

export interface LedgerLine {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly kind: LedgerKind;
  /** Signed: credits positive, debits negative. */
  readonly points: number;
  readonly balanceAfter: number;
  readonly reason: string;
  /** orderId, redemptionId, adjustmentId or complaintId the line comes from. */
  readonly reference: string;
}

export type LoyaltyAnomaly =
  | {
      /** Applied in full: the reward was given, so the ledger shows the overdraft. */
      readonly kind: 'redemption_exceeds_balance';
      readonly eventId: string;
      readonly occurredAt: string;
      readonly points: number;
      readonly balanceBefore: number;
    }
  | {
      readonly kind: 'debit_exceeds_balance';
      readonly eventId: string;
      readonly occurredAt: string;
      readonly points: number;
      readonly balanceBefore: number;
    }
  | {
      readonly kind: 'refund_without_purchase';
      readonly eventId: string;
      readonly orderId: string;
      readonly refundId: string;
    }
  | {
      readonly kind: 'refund_exceeds_purchase';
      readonly eventId: string;
      readonly orderId: string;
      readonly refundId: string;
      /** Part of the refund above what was left of the order, ignored for spend and points. */
      readonly excess: number;
    }
  | {
      readonly kind: 'refund_currency_mismatch';
      readonly eventId: string;
      readonly orderId: string;
      readonly refundId: string;
    }
  | { readonly kind: 'unknown_currency'; readonly eventId: string; readonly currency: string }
  | {
      /** Both a compensation and a manual adjustment name the same complaint (docs/events.md). */
      readonly kind: 'possible_double_compensation';
      readonly complaintId: string;
      readonly eventIds: readonly string[];
    };

/** The ledger's totals before its first line: what was compacted. */
export interface OpeningBalance {
  readonly balance: number;
  readonly earned: number;
  readonly reversed: number;
  readonly redeemed: number;
  readonly adjusted: number;
}

export interface PointsSummary {
  readonly balance: number;
  readonly earned: number;
  /** Points taken back because the purchase was refunded. */
  readonly reversed: number;
  readonly redeemed: number;
  /** Net of all adjustments, signed. */
  readonly adjusted: number;
  /**
   * Event-time order, lines from the horizon on; `balance = earned - reversed - redeemed +
   * adjusted = opening.balance + the lines' points`.
   */
  readonly ledger: readonly LedgerLine[];
  readonly opening: OpeningBalance;
}

export interface HorizonSummary {
  /** Views are exact from this instant on (ISO-8601 UTC); null when nothing was compacted. */
  readonly exactFrom: string | null;
  /** The tier at `exactFrom`; `tierHistory` lists the changes after it. */
  readonly tierAtExactFrom: string | null;
  /** Refunds compacted without meeting their order (their order was already compacted). */
  readonly unmatchedRefunds: number;
}

export interface LoyaltyView {
  readonly customerId: string;
  readonly asOf: string;
  readonly policyVersion: string;
  readonly status: LoyaltyStatus;
  readonly mergedInto: string | null;
  readonly tier: string;
  /**
   * When the current tier began, or null if it has always been the base tier. When the tier was
   * already held at the horizon (`horizon.tierAtExactFrom`, no change since), the horizon's
   * start: it began then or earlier, which the compacted document cannot tell.
   */
  readonly tierSince: string | null;
  readonly window: WindowFigures & {
    readonly days: number;
    /**
     * Inclusive lower bound, the start of the window's first local day: purchases at or after
     * it and at or before asOf count.
     */
    readonly from: string;
    readonly currency: string;
    /** Net window spend in currencies the policy does not count, by currency. */
    readonly otherCurrencies: readonly { readonly currency: string; readonly amount: number }[];
  };
  /** Every order up to asOf, whatever its age: the window's figures without a window. */
  readonly lifetime: WindowFigures & {
    readonly currency: string;
    readonly otherCurrencies: readonly { readonly currency: string; readonly amount: number }[];
  };
  readonly registeredAt: string | null;
  readonly tenureDays: number | null;
  readonly tierHistory: readonly TierChange[];
  readonly points: PointsSummary;
  readonly anomalies: readonly LoyaltyAnomaly[];
  readonly outreach: Outreach;
  readonly horizon: HorizonSummary;
}
