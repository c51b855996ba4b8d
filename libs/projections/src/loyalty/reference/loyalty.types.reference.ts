/**
 * TEST-ONLY ORACLE: the unbounded loyalty model as it was before bounded documents (git
 * f29dec1), copied unchanged but for import paths. It keeps every fact forever and was validated
 * against independent tools; the equality properties (loyalty.horizon.spec.ts) compare the
 * bounded model with it. Imported only by spec files.
 */
/**
 * Shapes of the loyalty read model. The state is the stored document (plain JSON, MongoDB-safe:
 * collections are arrays sorted by a business key rather than objects keyed by ids, because ids
 * may contain dots, which MongoDB and FerretDB treat specially in field names). The view is what
 * `view(state, asOf, policy)` derives and is never stored.
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

export interface LoyaltyState {
  /** Bumped when the stored shape changes, so a reader can tell old documents apart. */
  readonly schema: 1;
  readonly customerId: string;
  /** Earliest `customer.registered` by event time (tenure starts there). */
  readonly registration: EventTime | null;
  /** One per orderId, sorted by orderId; a re-sent order keeps its earliest (time, eventId). */
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
   * Visitors identified as this customer, sorted by anonymousId. Their purchases stay on their
   * own `visitor:<id>` documents (a visit can arrive after the link) and join at read time.
   */
  readonly linkedVisitors: readonly VisitorLinkFact[];
  /**
   * Set by `customer.erased`. Everything else is then empty and stays empty: the document is a
   * tombstone, so a replay in any order cannot bring the customer's history back.
   */
  readonly erased: EventTime | null;
  /** Sorted, for idempotence per eventId. */
  readonly appliedEventIds: readonly string[];
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
      /** The purchase left the rolling window at the change instant. */
      readonly kind: 'window_passed';
      readonly eventId: string;
      readonly orderId: string;
      readonly purchasedAt: string;
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

export interface PointsSummary {
  readonly balance: number;
  readonly earned: number;
  /** Points taken back because the purchase was refunded. */
  readonly reversed: number;
  readonly redeemed: number;
  /** Net of all adjustments, signed. */
  readonly adjusted: number;
  /** Event-time order; `balance = earned - reversed - redeemed + adjusted`. */
  readonly ledger: readonly LedgerLine[];
}

export interface LoyaltyView {
  readonly customerId: string;
  readonly asOf: string;
  readonly policyVersion: string;
  readonly status: LoyaltyStatus;
  readonly mergedInto: string | null;
  readonly tier: string;
  /** When the current tier began, or null if it has always been the base tier. */
  readonly tierSince: string | null;
  readonly window: WindowFigures & {
    readonly days: number;
    /** Exclusive lower bound: purchases strictly after it and at or before asOf count. */
    readonly from: string;
    readonly currency: string;
    /** Net window spend in currencies the policy does not count, by currency. */
    readonly otherCurrencies: readonly { readonly currency: string; readonly amount: number }[];
  };
  readonly registeredAt: string | null;
  readonly tenureDays: number | null;
  readonly tierHistory: readonly TierChange[];
  readonly points: PointsSummary;
  readonly anomalies: readonly LoyaltyAnomaly[];
  readonly outreach: Outreach;
}
