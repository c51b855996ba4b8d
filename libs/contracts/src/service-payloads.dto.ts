import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_SEVERITIES,
  type Compensation,
  type ComplaintCategory,
  type ComplaintOpenedPayload,
  type ComplaintResolvedPayload,
  type ComplaintSeverity,
  type FeedbackSubmittedPayload,
  type LoyaltyPointsAdjustedPayload,
  type LoyaltyPointsRedeemedPayload,
  type Money,
} from './catalogue.types';
import {
  Currency,
  Id,
  Int,
  MinorUnits,
  Nested,
  NonZeroInt,
  OneOf,
  Str,
} from './field-rules.decorators';

export class MoneyDto implements Money {
  @MinorUnits()
  amount!: number;

  @Currency()
  currency!: string;
}

export class ComplaintOpenedPayloadV1Dto implements ComplaintOpenedPayload {
  @Id({ doc: 'Complaint id, e.g. K-5512; resolved by the same id.' })
  complaintId!: string;

  @OneOf(COMPLAINT_CATEGORIES)
  category!: ComplaintCategory;

  @OneOf(COMPLAINT_SEVERITIES)
  severity!: ComplaintSeverity;

  @Str({ max: 4000 })
  description!: string;

  @Id({ optional: true })
  orderId?: string;
}

export class CompensationDto implements Compensation {
  @Int({ optional: true, min: 1, doc: 'Goodwill points credited to the loyalty ledger.' })
  points?: number;

  @Nested(() => MoneyDto, { optional: true })
  money?: MoneyDto;
}

export class ComplaintResolvedPayloadV1Dto implements ComplaintResolvedPayload {
  @Id()
  complaintId!: string;

  @Str({ max: 2000, doc: 'What was done.' })
  resolution!: string;

  @Nested(() => CompensationDto, { optional: true, doc: 'Points and/or money; not empty.' })
  compensation?: CompensationDto;
}

export class FeedbackSubmittedPayloadV1Dto implements FeedbackSubmittedPayload {
  @Id({ optional: true })
  surveyId?: string;

  @Int({ optional: true, min: 0, max: 10, doc: 'Net Promoter Score answer.' })
  nps?: number;

  @Int({ optional: true, min: 1, max: 5, doc: 'Customer satisfaction answer.' })
  csat?: number;

  @Str({ optional: true, max: 2000 })
  comment?: string;

  @Id({ optional: true, doc: 'Complaint the feedback follows up.' })
  complaintId?: string;
}

export class LoyaltyPointsRedeemedPayloadV1Dto implements LoyaltyPointsRedeemedPayload {
  @Id()
  redemptionId!: string;

  @Int({ min: 1 })
  points!: number;

  @Str({ optional: true, max: 200 })
  reward?: string;

  @Id({ optional: true })
  orderId?: string;
}

export class LoyaltyPointsAdjustedPayloadV1Dto implements LoyaltyPointsAdjustedPayload {
  @Id()
  adjustmentId!: string;

  @NonZeroInt({ doc: 'Signed: positive credits, negative debits.' })
  points!: number;

  @Str({ max: 500, doc: 'Shown in the ledger.' })
  reason!: string;

  @Id({ optional: true })
  complaintId?: string;
}
