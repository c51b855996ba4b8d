import {
  CALL_DIRECTIONS,
  CALL_OUTCOMES,
  DEVICE_KINDS,
  EMAIL_KINDS,
  type CallDirection,
  type CallLoggedPayload,
  type CallOutcome,
  type CartAdd,
  type DeviceKind,
  type EmailClickedPayload,
  type EmailKind,
  type EmailOpenedPayload,
  type EmailReceivedPayload,
  type EmailSentPayload,
  type PageView,
  type ProductRef,
  type WebVisitedPayload,
} from './catalogue.types';
import { Bool, Category, Id, Int, NestedArray, OneOf, Str, Url } from './field-rules.decorators';

export class CallLoggedPayloadV1Dto implements CallLoggedPayload {
  @Id({ doc: 'Id of the call in the CTI system.' })
  callId!: string;

  @OneOf(CALL_DIRECTIONS)
  direction!: CallDirection;

  @Int({ min: 0, doc: 'Talk time in seconds.' })
  durationSeconds!: number;

  @Id({ optional: true })
  agentId?: string;

  @Str({ optional: true, max: 100 })
  queue?: string;

  @Str({ optional: true, max: 200 })
  topic?: string;

  @OneOf(CALL_OUTCOMES, { optional: true })
  outcome?: CallOutcome;

  @Id({ optional: true, doc: 'Complaint this call concerns, if any.' })
  complaintId?: string;

  @Str({ optional: true, max: 2000, doc: 'Agent notes; personal data, removed on erasure.' })
  summary?: string;
}

export class EmailSentPayloadV1Dto implements EmailSentPayload {
  @Id({ doc: 'Message id of the e-mail platform; ties opens and clicks to the send.' })
  messageId!: string;

  @OneOf(EMAIL_KINDS)
  kind!: EmailKind;

  @Id({ optional: true })
  campaignId?: string;

  @Id({ optional: true })
  templateId?: string;

  @Str({ optional: true, max: 300 })
  subject?: string;
}

export class EmailOpenedPayloadV1Dto implements EmailOpenedPayload {
  @Id()
  messageId!: string;

  @Id({ optional: true })
  campaignId?: string;
}

export class EmailClickedPayloadV1Dto implements EmailClickedPayload {
  @Id()
  messageId!: string;

  @Url({ doc: 'Link target that was clicked.' })
  url!: string;

  @Id({ optional: true })
  campaignId?: string;

  @Id({ optional: true })
  linkId?: string;
}

export class EmailReceivedPayloadV1Dto implements EmailReceivedPayload {
  @Id({ doc: 'Message id of the inbound e-mail.' })
  messageId!: string;

  @Str({ optional: true, max: 300 })
  subject?: string;

  @Str({ optional: true, max: 200, doc: 'Topic assigned by routing or the agent.' })
  topic?: string;

  @Id({ optional: true, doc: 'messageId of the e-mail this replies to.' })
  inReplyTo?: string;

  @Id({ optional: true })
  complaintId?: string;
}

export class PageViewDto implements PageView {
  @Str({ max: 2048, doc: 'Path or full URL of the page.' })
  path!: string;

  @Str({ optional: true, max: 300 })
  title?: string;

  @Int({ optional: true, min: 0 })
  durationSeconds?: number;
}

export class ProductRefDto implements ProductRef {
  @Id()
  sku!: string;

  @Str({ optional: true, max: 200 })
  name?: string;

  @Category({ optional: true })
  category?: string;
}

export class CartAddDto implements CartAdd {
  @Id()
  sku!: string;

  @Str({ optional: true, max: 200 })
  name?: string;

  @Category({ optional: true })
  category?: string;

  @Int({ min: 1 })
  quantity!: number;
}

export class WebVisitedPayloadV2Dto implements WebVisitedPayload {
  @Id({ doc: 'Analytics session id; one event per session.' })
  sessionId!: string;

  @NestedArray(() => PageViewDto, { maxItems: 1000, minItems: 1, doc: 'Pages in view order.' })
  pages!: PageViewDto[];

  @NestedArray(() => ProductRefDto, {
    maxItems: 1000,
    doc: 'Product detail pages seen; may be empty.',
  })
  productsViewed!: ProductRefDto[];

  @NestedArray(() => CartAddDto, {
    maxItems: 500,
    doc: 'One element per add-to-cart; may be empty.',
  })
  cartAdds!: CartAddDto[];

  @Bool()
  checkoutStarted!: boolean;

  @Bool({ doc: 'The session ended in an order.' })
  converted!: boolean;

  @Id({ optional: true, doc: 'The order, when converted.' })
  orderId?: string;

  @Url({ optional: true })
  referrer?: string;

  @OneOf(DEVICE_KINDS, { optional: true })
  device?: DeviceKind;

  @Int({ optional: true, min: 0 })
  durationSeconds?: number;
}
