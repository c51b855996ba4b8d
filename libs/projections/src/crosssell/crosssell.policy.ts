import { parseHorizonDays } from '../horizon';

/**
 * The tunable part of the cross-sell model. A policy is configuration, not state: analysts replay
 * the model with another policy as a new read-model version (DESIGN §2, SCENARIOS 7).
 */

/** "Bought in `from` → suggest `to`" (SCENARIOS 4: baby bottle → baby food). */
export interface CategoryChain {
  readonly from: string;
  readonly to: string;
  /** Only purchases in `from` at most this many days before asOf trigger the chain; null = any. */
  readonly withinDays: number | null;
}

/**
 * A chain that applies only to the value segment: customers whose net spend is at or above the
 * top-decile cut (SCENARIOS 4: top-decile laptop buyer → premium camera within 90 days).
 */
export interface ValueSegmentChain {
  readonly from: string;
  readonly to: string;
  readonly withinDays: number;
}

export interface CrosssellPolicy {
  /** Defaults for `associationRules` when the shell mines rules for this model. */
  readonly minSupport: number;
  readonly minConfidence: number;
  /** How many recommendations `recommend` returns at most. */
  readonly topN: number;
  readonly categoryChains: readonly CategoryChain[];
  readonly valueSegmentChains: readonly ValueSegmentChain[];
  /** A category counts when it equals one of these or lies under it (`gifts` covers `gifts/toys`). */
  readonly giftCategories: readonly string[];
  /** Distinct years with a gift purchase in the same month before it becomes an occasion. */
  readonly occasionMinYears: number;
  /**
   * Spend is kept per currency and never converted (no exchange rates in a pure model); the value
   * segment compares spend in this one currency.
   */
  readonly currency: string;
  /**
   * Detail (orders and refunds with their lines, for idempotence by event id and order id, exact
   * `asOf` views and triggers) reaches back this many days of event time from the newest event
   * of the document (horizon.ts); older detail is compacted into `past`.
   */
  readonly horizonDays: number;
  /**
   * At most this many detail records (orders plus refunds) are kept, whatever the horizon: the
   * effective horizon is the later of the two, so a heavy buyer's document stays bounded.
   */
  readonly detailRecords: number;
  /**
   * Skus bought in compacted orders that the document remembers (the newest purchase of each),
   * so they are never recommended again; the `pastSkus` most recently bought are kept.
   */
  readonly pastSkus: number;
  /**
   * Store-wide co-purchase statistics: each (partition, item) aggregate document counts up to
   * this many neighbours exactly, and keeps a Space-Saving summary of this size beyond it.
   */
  readonly neighbours: number;
}

export const DEFAULT_CROSSSELL_POLICY: CrosssellPolicy = {
  minSupport: 0.01,
  minConfidence: 0.2,
  topN: 5,
  categoryChains: [{ from: 'baby/feeding', to: 'baby/food', withinDays: null }],
  valueSegmentChains: [
    { from: 'electronics/laptops', to: 'electronics/cameras/premium', withinDays: 90 },
  ],
  giftCategories: ['gifts'],
  occasionMinYears: 2,
  currency: 'CNY',
  horizonDays: 400,
  detailRecords: 16,
  pastSkus: 32,
  neighbours: 1000,
};

/** Same rule as `items[].category` in the event contract, so a chain can name any real category. */
const CATEGORY = /^[a-z0-9][a-z0-9_/-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;
const CATEGORY_FORM = 'a lower-case category slug like "baby/food"';

export type ParsePolicyResult =
  | { readonly ok: true; readonly policy: CrosssellPolicy }
  | { readonly ok: false; readonly errors: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function ratio(raw: Record<string, unknown>, field: string, errors: string[]): number | undefined {
  const value = raw[field];
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  errors.push(`${field}: expected a number between 0 and 1`);
  return undefined;
}

function integer(
  raw: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  const value = raw[field];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  errors.push(`${field}: expected an integer from ${min} to ${max}`);
  return undefined;
}

function category(value: unknown, path: string, errors: string[]): string | undefined {
  if (typeof value === 'string' && CATEGORY.test(value)) return value;
  errors.push(`${path}: expected ${CATEGORY_FORM}`);
  return undefined;
}

function chains<T>(
  raw: Record<string, unknown>,
  field: string,
  daysRequired: boolean,
  build: (from: string, to: string, withinDays: number | null) => T,
  errors: string[],
): T[] | undefined {
  const value = raw[field];
  const form = daysRequired
    ? '{ from, to, withinDays }'
    : '{ from, to, withinDays? } (withinDays a positive integer or null)';
  if (!Array.isArray(value)) {
    errors.push(`${field}: expected an array of ${form}`);
    return undefined;
  }
  const out: T[] = [];
  const before = errors.length;
  value.forEach((item: unknown, i) => {
    const path = `${field}[${i}]`;
    if (!isRecord(item)) {
      errors.push(`${path}: expected an object ${form}`);
      return;
    }
    for (const key of Object.keys(item)) {
      if (!['from', 'to', 'withinDays'].includes(key)) {
        errors.push(`${path}.${key}: unknown field; expected ${form}`);
      }
    }
    const from = category(item.from, `${path}.from`, errors);
    const to = category(item.to, `${path}.to`, errors);
    const days = item.withinDays;
    let withinDays: number | null = null;
    if (isPositiveInteger(days)) withinDays = days;
    else if (daysRequired || (days !== undefined && days !== null)) {
      errors.push(`${path}.withinDays: expected a positive integer number of days`);
    }
    if (from !== undefined && to !== undefined && from === to) {
      errors.push(`${path}: expected "to" to differ from "from"`);
    }
    if (from !== undefined && to !== undefined) out.push(build(from, to, withinDays));
  });
  return errors.length === before ? out : undefined;
}

/**
 * Reads a policy from configuration (JSON). Fields left out take their default, so a config file
 * can change one threshold; unknown fields are errors, so a misspelt field cannot be silently
 * ignored (the same stance as the event contract's closed schemas).
 */
export function parseCrosssellPolicy(raw: unknown): ParsePolicyResult {
  if (!isRecord(raw)) return { ok: false, errors: ['$: expected a JSON object'] };
  const known = Object.keys(DEFAULT_CROSSSELL_POLICY);
  const errors: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key))
      errors.push(`${key}: unknown field; expected one of ${known.join(', ')}`);
  }
  const d = DEFAULT_CROSSSELL_POLICY;
  const given = (field: keyof CrosssellPolicy): boolean => raw[field] !== undefined;

  const minSupport = given('minSupport') ? ratio(raw, 'minSupport', errors) : d.minSupport;
  const minConfidence = given('minConfidence')
    ? ratio(raw, 'minConfidence', errors)
    : d.minConfidence;
  const topN = given('topN') ? integer(raw, 'topN', 1, 100, errors) : d.topN;
  const occasionMinYears = given('occasionMinYears')
    ? integer(raw, 'occasionMinYears', 2, 50, errors)
    : d.occasionMinYears;
  const categoryChains = given('categoryChains')
    ? chains(
        raw,
        'categoryChains',
        false,
        (from, to, withinDays) => ({ from, to, withinDays }),
        errors,
      )
    : d.categoryChains;
  const valueSegmentChains = given('valueSegmentChains')
    ? chains(
        raw,
        'valueSegmentChains',
        true,
        (from, to, withinDays) => ({ from, to, withinDays: withinDays ?? 0 }),
        errors,
      )
    : d.valueSegmentChains;

  let giftCategories: readonly string[] | undefined = d.giftCategories;
  if (given('giftCategories')) {
    const value = raw.giftCategories;
    if (!Array.isArray(value)) {
      errors.push(`giftCategories: expected an array of ${CATEGORY_FORM}`);
      giftCategories = undefined;
    } else {
      const before = errors.length;
      const parsed = value.map((c: unknown, i) => category(c, `giftCategories[${i}]`, errors));
      giftCategories =
        errors.length === before ? [...new Set(parsed as string[])].sort() : undefined;
    }
  }

  const horizonDays = parseHorizonDays(raw.horizonDays, errors);
  const detailRecords = given('detailRecords')
    ? integer(raw, 'detailRecords', 1, 10_000, errors)
    : d.detailRecords;
  const pastSkus = given('pastSkus') ? integer(raw, 'pastSkus', 1, 10_000, errors) : d.pastSkus;
  const neighbours = given('neighbours')
    ? integer(raw, 'neighbours', 1, 100_000, errors)
    : d.neighbours;

  let currency: string | undefined = d.currency;
  if (given('currency')) {
    const value = raw.currency;
    currency = typeof value === 'string' && CURRENCY.test(value) ? value : undefined;
    if (currency === undefined) errors.push('currency: expected an ISO 4217 code like "CNY"');
  }

  if (
    errors.length > 0 ||
    minSupport === undefined ||
    minConfidence === undefined ||
    topN === undefined ||
    occasionMinYears === undefined ||
    categoryChains === undefined ||
    valueSegmentChains === undefined ||
    giftCategories === undefined ||
    currency === undefined ||
    detailRecords === undefined ||
    pastSkus === undefined ||
    neighbours === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    policy: {
      minSupport,
      minConfidence,
      topN,
      categoryChains,
      valueSegmentChains,
      giftCategories,
      occasionMinYears,
      currency,
      horizonDays,
      detailRecords,
      pastSkus,
      neighbours,
    },
  };
}

/** `gifts` covers `gifts` and `gifts/…`, never `giftsets`. */
export function categoryWithin(category: string, root: string): boolean {
  return category === root || category.startsWith(`${root}/`);
}
