import { type Channel } from './channels.constants';

export const EVENT_TYPES = [
  'customer.registered',
  'customer.profile_updated',
  'customer.identified',
  'customer.merged',
  'customer.erased',
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
  'loyalty.points_adjusted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

// ---- shared value shapes -------------------------------------------------------------------

export interface PersonName {
  readonly given?: string;
  readonly family?: string;
}

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode?: string;
  /** ISO 3166-1 alpha-2 */
  readonly country: string;
}

/** Marketing consent per contact medium; an absent flag means "not stated", not "refused". */
export interface ConsentFlags {
  readonly email?: boolean;
  readonly sms?: boolean;
  readonly phone?: boolean;
  readonly post?: boolean;
  readonly profiling?: boolean;
}

/** Integer minor units of `currency` (ISO 4217); never negative. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

// ---- enumerations used by payloads ---------------------------------------------------------

export const IDENTIFICATION_METHODS = [
  'registration',
  'login',
  'checkout',
  'email_link',
  'loyalty_card',
  'agent',
] as const;
export type IdentificationMethod = (typeof IDENTIFICATION_METHODS)[number];

export const ERASURE_REASONS = ['customer_request', 'retention_policy', 'legal_order'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_OUTCOMES = [
  'resolved',
  'follow_up',
  'escalated',
  'no_answer',
  'voicemail',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const EMAIL_KINDS = ['marketing', 'transactional', 'service'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const DEVICE_KINDS = ['desktop', 'mobile', 'tablet', 'app', 'other'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const COMPLAINT_CATEGORIES = [
  'delivery',
  'product_quality',
  'billing',
  'service',
  'staff',
  'website',
  'privacy',
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

// ---- payloads (current schema versions) ----------------------------------------------------

export interface CustomerRegisteredPayload {
  readonly name?: PersonName;
  readonly email?: string;
  readonly phone?: string;
  /** YYYY-MM-DD */
  readonly birthDate?: string;
  readonly address?: PostalAddress;
  readonly loyaltyCardId?: string;
  readonly consent?: ConsentFlags;
}

/** Patch semantics: absent = unchanged, null = cleared; consent flags merge one by one. */
export interface CustomerProfileUpdatedPayload {
  readonly name?: PersonName | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly birthDate?: string | null;
  readonly address?: PostalAddress | null;
  readonly loyaltyCardId?: string | null;
  readonly consent?: ConsentFlags;
}

/** The envelope carries both ids: anonymousId (the visitor) now belongs to customerId. */
export interface CustomerIdentifiedPayload {
  readonly method: IdentificationMethod;
}

/** The envelope's customerId survives; mergedCustomerId is folded into it and retired. */
export interface CustomerMergedPayload {
  readonly mergedCustomerId: string;
  readonly reason?: string;
}

export interface CustomerErasedPayload {
  readonly reason: ErasureReason;
  readonly requestId?: string;
}

export interface CallLoggedPayload {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly durationSeconds: number;
  readonly agentId?: string;
  readonly queue?: string;
  readonly topic?: string;
  readonly outcome?: CallOutcome;
  readonly complaintId?: string;
  readonly summary?: string;
}

export interface EmailSentPayload {
  readonly messageId: string;
  readonly kind: EmailKind;
  readonly campaignId?: string;
  readonly templateId?: string;
  readonly subject?: string;
}

export interface EmailOpenedPayload {
  readonly messageId: string;
  readonly campaignId?: string;
}

export interface EmailClickedPayload {
  readonly messageId: string;
  readonly url: string;
  readonly campaignId?: string;
  readonly linkId?: string;
}

export interface EmailReceivedPayload {
  readonly messageId: string;
  readonly subject?: string;
  readonly topic?: string;
  readonly inReplyTo?: string;
  readonly complaintId?: string;
}

export interface PageView {
  /** Path (or full URL) of the page. */
  readonly path: string;
  readonly title?: string;
  readonly durationSeconds?: number;
}

export interface ProductRef {
  readonly sku: string;
  readonly name?: string;
  readonly category?: string;
}

export interface CartAdd {
  readonly sku: string;
  readonly name?: string;
  readonly category?: string;
  readonly quantity: number;
}

export interface WebVisitedPayload {
  readonly sessionId: string;
  readonly pages: readonly PageView[];
  readonly productsViewed: readonly ProductRef[];
  readonly cartAdds: readonly CartAdd[];
  readonly checkoutStarted: boolean;
  readonly converted: boolean;
  readonly orderId?: string;
  readonly referrer?: string;
  readonly device?: DeviceKind;
  readonly durationSeconds?: number;
}

export interface LineItem {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  /** Integer minor units of the order currency. */
  readonly unitPrice: number;
}

export interface PurchaseCompletedPayload {
  readonly orderId: string;
  readonly currency: string;
  readonly items: readonly LineItem[];
  /** What the customer paid, minor units, after discounts and including shipping and tax. */
  readonly total: number;
  readonly discount?: number;
  readonly storeId?: string;
  readonly pointsEarned?: number;
}

export interface RefundedItem {
  readonly sku: string;
  readonly quantity: number;
}

export interface PurchaseRefundedPayload {
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: number;
  readonly currency: string;
  readonly items?: readonly RefundedItem[];
  readonly reason?: string;
}

export interface ComplaintOpenedPayload {
  readonly complaintId: string;
  readonly category: ComplaintCategory;
  readonly severity: ComplaintSeverity;
  readonly description: string;
  readonly orderId?: string;
}

export interface Compensation {
  readonly points?: number;
  readonly money?: Money;
}

export interface ComplaintResolvedPayload {
  readonly complaintId: string;
  readonly resolution: string;
  readonly compensation?: Compensation;
}

export interface FeedbackSubmittedPayload {
  readonly surveyId?: string;
  /** Net Promoter Score answer, 0-10. */
  readonly nps?: number;
  /** Customer satisfaction answer, 1-5. */
  readonly csat?: number;
  readonly comment?: string;
  readonly complaintId?: string;
}

export interface LoyaltyPointsRedeemedPayload {
  readonly redemptionId: string;
  readonly points: number;
  readonly reward?: string;
  readonly orderId?: string;
}

export interface LoyaltyPointsAdjustedPayload {
  readonly adjustmentId: string;
  /** Signed: positive credits, negative debits. */
  readonly points: number;
  readonly reason: string;
  readonly complaintId?: string;
}

export interface PayloadByType {
  'customer.registered': CustomerRegisteredPayload;
  'customer.profile_updated': CustomerProfileUpdatedPayload;
  'customer.identified': CustomerIdentifiedPayload;
  'customer.merged': CustomerMergedPayload;
  'customer.erased': CustomerErasedPayload;
  'call.logged': CallLoggedPayload;
  'email.sent': EmailSentPayload;
  'email.opened': EmailOpenedPayload;
  'email.clicked': EmailClickedPayload;
  'email.received': EmailReceivedPayload;
  'web.visited': WebVisitedPayload;
  'purchase.completed': PurchaseCompletedPayload;
  'purchase.refunded': PurchaseRefundedPayload;
  'complaint.opened': ComplaintOpenedPayload;
  'complaint.resolved': ComplaintResolvedPayload;
  'feedback.submitted': FeedbackSubmittedPayload;
  'loyalty.points_redeemed': LoyaltyPointsRedeemedPayload;
  'loyalty.points_adjusted': LoyaltyPointsAdjustedPayload;
}

// ---- envelopes -----------------------------------------------------------------------------

/** What a channel submits. After validation the payload is always at the current version. */
export interface IncomingEventOf<T extends EventType> {
  readonly eventId: string;
  readonly type: T;
  readonly schemaVersion: number;
  /** Required unless anonymousId is given (some types require it regardless). */
  readonly customerId?: string;
  readonly anonymousId?: string;
  readonly channel: Channel;
  /** ISO-8601 with offset, kept as sent. */
  readonly occurredAt: string;
  readonly correlationId?: string;
  readonly payload: PayloadByType[T];
}

/** What is on the log: the incoming event plus the platform's own facts about receiving it. */
export interface RecordedEventOf<T extends EventType> extends IncomingEventOf<T> {
  /** Platform clock at acceptance, ISO-8601 UTC; never taken from a client. */
  readonly receivedAt: string;
  /** The channel application that sent it, from its credentials. */
  readonly source: string;
  readonly correlationId: string;
}

export type IncomingEvent = { [T in EventType]: IncomingEventOf<T> }[EventType];
export type RecordedEvent = { [T in EventType]: RecordedEventOf<T> }[EventType];

/** Which identities an event type needs in its envelope. */
export type IdentityRule = 'customer' | 'customer_or_anonymous' | 'customer_and_anonymous';
