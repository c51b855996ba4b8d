import { type FieldViolation } from '@touchpoint/core';
import {
  type CartAdd,
  type EventType,
  type LineItem,
  type PageView,
  type ProductRef,
} from './catalogue.types';
import { currencyExponent } from './currency.constants';
import { type PurchaseCompletedPayloadV1, type WebVisitedPayloadV1 } from './legacy-payloads.dto';
import { CURRENT_SCHEMA_VERSION } from './payload-classes';

export type UpcastResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly violations: FieldViolation[] };

/**
 * One step from `from` to `from + 1`. Input has already passed the `from` version's DTO, so an
 * upcaster may rely on that shape; it reports values the newer version cannot represent.
 * Upcasters are pure and total: the same old record always becomes the same new one, which is
 * what makes replays of old history deterministic.
 */
export interface Upcaster {
  readonly type: EventType;
  readonly from: number;
  readonly description: string;
  readonly up: (payload: unknown) => UpcastResult;
}

/**
 * Exact decimal-to-minor-units conversion. Goes through the shortest round-trip decimal string
 * instead of multiplying floats, so 0.29 becomes 29, not 28.999999999999996.
 */
export function decimalToMinorUnits(
  amount: number,
  currency: string,
):
  | { ok: true; minor: number }
  | { ok: false; code: 'too_precise' | 'out_of_range' | 'invalid_currency' } {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, code: 'invalid_currency' };
  const text = String(amount);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return { ok: false, code: /e-/.test(text) ? 'too_precise' : 'out_of_range' };
  const whole = m[1] ?? '0';
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) return { ok: false, code: 'too_precise' };
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? { ok: true, minor } : { ok: false, code: 'out_of_range' };
}

function moneyViolation(
  path: string,
  code: string,
  amount: number,
  currency: string,
): FieldViolation {
  const messages: Record<string, string> = {
    too_precise: `${amount} has more decimals than ${currency} allows`,
    out_of_range: `${amount} ${currency} is too large to represent in minor units`,
    invalid_currency: `${currency} is not an ISO 4217 code`,
  };
  return { path, code, message: messages[code] ?? 'cannot be converted to minor units' };
}

const webVisitedV1toV2: Upcaster = {
  type: 'web.visited',
  from: 1,
  description:
    'v1 carried flat lists: `pages: string[]`, `productIds: string[]` and `cartProductIds: string[]` (one element per add). v2 turns them into `pages[].path`, `productsViewed[].sku` and `cartAdds[]` with `quantity: 1` each.',
  up: (raw) => {
    const v1 = raw as WebVisitedPayloadV1;
    const pages: PageView[] = v1.pages.map((path) => ({ path }));
    const productsViewed: ProductRef[] = v1.productIds.map((sku) => ({ sku }));
    const cartAdds: CartAdd[] = v1.cartProductIds.map((sku) => ({ sku, quantity: 1 }));
    return {
      ok: true,
      payload: {
        sessionId: v1.sessionId,
        pages,
        productsViewed,
        cartAdds,
        checkoutStarted: v1.checkoutStarted,
        converted: v1.converted,
      },
    };
  },
};

const purchaseCompletedV1toV2: Upcaster = {
  type: 'purchase.completed',
  from: 1,
  description:
    'v1 carried decimal major-unit amounts (`items[].price`, `total`). v2 carries integer minor units (`items[].unitPrice`, `total`) using the ISO 4217 exponent of `currency`; an amount with more decimals than the currency allows is rejected (`too_precise`), never rounded.',
  up: (raw) => {
    const v1 = raw as PurchaseCompletedPayloadV1;
    const violations: FieldViolation[] = [];
    const convert = (amount: number, path: string): number => {
      const result = decimalToMinorUnits(amount, v1.currency);
      if (result.ok) return result.minor;
      violations.push(moneyViolation(path, result.code, amount, v1.currency));
      return 0;
    };
    const items: LineItem[] = v1.items.map((item, i) => ({
      sku: item.sku,
      name: item.name,
      category: item.category,
      quantity: item.quantity,
      unitPrice: convert(item.price, `payload.items[${i}].price`),
    }));
    const total = convert(v1.total, 'payload.total');
    if (violations.length > 0) return { ok: false, violations };
    return {
      ok: true,
      payload: {
        orderId: v1.orderId,
        currency: v1.currency,
        items,
        total,
        ...(v1.storeId !== undefined && v1.storeId !== null ? { storeId: v1.storeId } : {}),
      },
    };
  },
};

export const UPCASTERS: readonly Upcaster[] = [webVisitedV1toV2, purchaseCompletedV1toV2];

function upcasterFor(type: EventType, from: number): Upcaster | undefined {
  return UPCASTERS.find((u) => u.type === type && u.from === from);
}

/** Applies every step from `fromVersion` up to the current version of `type`. */
export function upcastPayload(
  type: EventType,
  fromVersion: number,
  payload: unknown,
): UpcastResult {
  let current = payload;
  for (let version = fromVersion; version < CURRENT_SCHEMA_VERSION[type]; version++) {
    const step = upcasterFor(type, version);
    if (!step) {
      return {
        ok: false,
        violations: [
          {
            path: 'schemaVersion',
            code: 'unsupported_schema_version',
            message: `no upcaster from ${type} v${version}`,
          },
        ],
      };
    }
    const result = step.up(current);
    if (!result.ok) return result;
    current = result.payload;
  }
  return { ok: true, payload: current };
}
