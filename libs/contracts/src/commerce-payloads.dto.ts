import {
  type LineItem,
  type PurchaseCompletedPayload,
  type PurchaseRefundedPayload,
  type RefundedItem,
} from './catalogue.types';
import {
  Category,
  Currency,
  Id,
  Int,
  MinorUnits,
  NestedArray,
  Str,
} from './field-rules.decorators';

export class LineItemDto implements LineItem {
  @Id()
  sku!: string;

  @Str({ max: 200 })
  name!: string;

  @Category({ doc: 'Lower-case slug; cross-sell statistics group by it.' })
  category!: string;

  @Int({ min: 1 })
  quantity!: number;

  @MinorUnits({ doc: 'Price of one unit in integer minor units of the order currency.' })
  unitPrice!: number;
}

export class PurchaseCompletedPayloadV2Dto implements PurchaseCompletedPayload {
  @Id()
  orderId!: string;

  @Currency({ doc: 'ISO 4217 code for every amount of the order.' })
  currency!: string;

  @NestedArray(() => LineItemDto, { minItems: 1, maxItems: 500 })
  items!: LineItemDto[];

  @MinorUnits({ doc: 'Paid, minor units, after discounts, including shipping and tax.' })
  total!: number;

  @MinorUnits({ optional: true, doc: 'Discount granted, minor units.' })
  discount?: number;

  @Id({ optional: true })
  storeId?: string;

  @Int({ optional: true, min: 0, doc: 'Loyalty points the channel granted for this order.' })
  pointsEarned?: number;
}

export class RefundedItemDto implements RefundedItem {
  @Id()
  sku!: string;

  @Int({ min: 1 })
  quantity!: number;
}

export class PurchaseRefundedPayloadV1Dto implements PurchaseRefundedPayload {
  @Id({ doc: 'The order being refunded.' })
  orderId!: string;

  @Id({ doc: 'Idempotency of the refund within the order.' })
  refundId!: string;

  @MinorUnits({ doc: 'Refunded, minor units.' })
  amount!: number;

  @Currency()
  currency!: string;

  @NestedArray(() => RefundedItemDto, {
    optional: true,
    maxItems: 500,
    doc: 'Absent = whole order.',
  })
  items?: RefundedItemDto[];

  @Str({ optional: true, max: 500 })
  reason?: string;
}
