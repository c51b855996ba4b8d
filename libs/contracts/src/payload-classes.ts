import { EVENT_TYPES, type EventType } from './catalogue.types';
import {
  PurchaseCompletedPayloadV2Dto,
  PurchaseRefundedPayloadV1Dto,
} from './commerce-payloads.dto';
import {
  CustomerErasedPayloadV1Dto,
  CustomerIdentifiedPayloadV1Dto,
  CustomerMergedPayloadV1Dto,
  CustomerProfileUpdatedPayloadV1Dto,
  CustomerRegisteredPayloadV1Dto,
} from './customer-payloads.dto';
import { type DtoClass } from './field-rules.decorators';
import {
  CallLoggedPayloadV1Dto,
  EmailClickedPayloadV1Dto,
  EmailOpenedPayloadV1Dto,
  EmailReceivedPayloadV1Dto,
  EmailSentPayloadV1Dto,
  WebVisitedPayloadV2Dto,
} from './interaction-payloads.dto';
import { PurchaseCompletedPayloadV1Dto, WebVisitedPayloadV1Dto } from './legacy-payloads.dto';
import {
  ComplaintOpenedPayloadV1Dto,
  ComplaintResolvedPayloadV1Dto,
  FeedbackSubmittedPayloadV1Dto,
  LoyaltyPointsAdjustedPayloadV1Dto,
  LoyaltyPointsRedeemedPayloadV1Dto,
} from './service-payloads.dto';

/**
 * The payload DTO of every (type, schemaVersion) that may exist on the log. Versions are dense
 * from 1: an upcaster exists for every step, and the highest version is the current one.
 */
export const PAYLOAD_DTO_CLASSES: Readonly<Record<EventType, readonly DtoClass[]>> = {
  'customer.registered': [CustomerRegisteredPayloadV1Dto],
  'customer.profile_updated': [CustomerProfileUpdatedPayloadV1Dto],
  'customer.identified': [CustomerIdentifiedPayloadV1Dto],
  'customer.merged': [CustomerMergedPayloadV1Dto],
  'customer.erased': [CustomerErasedPayloadV1Dto],
  'call.logged': [CallLoggedPayloadV1Dto],
  'email.sent': [EmailSentPayloadV1Dto],
  'email.opened': [EmailOpenedPayloadV1Dto],
  'email.clicked': [EmailClickedPayloadV1Dto],
  'email.received': [EmailReceivedPayloadV1Dto],
  'web.visited': [WebVisitedPayloadV1Dto, WebVisitedPayloadV2Dto],
  'purchase.completed': [PurchaseCompletedPayloadV1Dto, PurchaseCompletedPayloadV2Dto],
  'purchase.refunded': [PurchaseRefundedPayloadV1Dto],
  'complaint.opened': [ComplaintOpenedPayloadV1Dto],
  'complaint.resolved': [ComplaintResolvedPayloadV1Dto],
  'feedback.submitted': [FeedbackSubmittedPayloadV1Dto],
  'loyalty.points_redeemed': [LoyaltyPointsRedeemedPayloadV1Dto],
  'loyalty.points_adjusted': [LoyaltyPointsAdjustedPayloadV1Dto],
};

export const CURRENT_SCHEMA_VERSION: Readonly<Record<EventType, number>> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, PAYLOAD_DTO_CLASSES[type].length]),
) as Record<EventType, number>;

export function payloadDtoClass(type: EventType, schemaVersion: number): DtoClass | undefined {
  return PAYLOAD_DTO_CLASSES[type][schemaVersion - 1];
}
