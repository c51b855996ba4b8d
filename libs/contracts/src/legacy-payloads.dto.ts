import {
  Bool,
  Category,
  Currency,
  DecimalAmount,
  Id,
  Int,
  NestedArray,
  Str,
  StrArray,
} from './field-rules.decorators';
import { ID_PATTERN } from './field-rules.decorators';

/**
 * Payload shapes of schema versions that are no longer produced but still sit on the log.
 * They are validated as sent (so errors name the fields the client actually used) and then
 * upcast; see upcast.ts.
 */

/** web.visited v1: flat id lists; each element of cartProductIds was one add-to-cart. */
export interface WebVisitedPayloadV1 {
  readonly sessionId: string;
  readonly pages: readonly string[];
  readonly productIds: readonly string[];
  readonly cartProductIds: readonly string[];
  readonly checkoutStarted: boolean;
  readonly converted: boolean;
}

export class WebVisitedPayloadV1Dto implements WebVisitedPayloadV1 {
  @Id()
  sessionId!: string;

  @StrArray({ maxItems: 1000, itemMax: 2048, doc: 'Page paths in view order.' })
  pages!: string[];

  @StrArray({ maxItems: 1000, itemMax: 128, itemPattern: ID_PATTERN, doc: 'SKUs viewed.' })
  productIds!: string[];

  @StrArray({ maxItems: 500, itemMax: 128, itemPattern: ID_PATTERN, doc: 'One SKU per add.' })
  cartProductIds!: string[];

  @Bool()
  checkoutStarted!: boolean;

  @Bool()
  converted!: boolean;
}

/** purchase.completed v1: prices as decimal major units (12.5 = 12.50 CNY). */
export interface LineItemV1 {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly price: number;
}

export interface PurchaseCompletedPayloadV1 {
  readonly orderId: string;
  readonly currency: string;
  readonly items: readonly LineItemV1[];
  readonly total: number;
  readonly storeId?: string;
}

export class LineItemV1Dto implements LineItemV1 {
  @Id()
  sku!: string;

  @Str({ max: 200 })
  name!: string;

  @Category()
  category!: string;

  @Int({ min: 1 })
  quantity!: number;

  @DecimalAmount({ doc: 'Unit price in major units as a decimal number.' })
  price!: number;
}

export class PurchaseCompletedPayloadV1Dto implements PurchaseCompletedPayloadV1 {
  @Id()
  orderId!: string;

  @Currency()
  currency!: string;

  @NestedArray(() => LineItemV1Dto, { minItems: 1, maxItems: 500 })
  items!: LineItemV1Dto[];

  @DecimalAmount({ doc: 'Paid, major units as a decimal number.' })
  total!: number;

  @Id({ optional: true })
  storeId?: string;
}
