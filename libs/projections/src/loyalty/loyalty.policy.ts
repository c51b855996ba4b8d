import { isCurrencyCode } from '@touchpoint/contracts';
import { DEFAULT_HORIZON_DAYS, parseHorizonDays } from '../horizon';
import { DAY_MS, isValidTimeZone } from './loyalty.calendar';

export { DAY_MS };

/**
 * Detail events (purchases, refunds, redemptions, adjustments) a document keeps at most, newest
 * first, whatever the horizon in days: a customer with ~30 purchases a day would otherwise keep
 * ~12 000 inside 400 days. 40 records (~170 bytes each) plus a year of day buckets keep the
 * heaviest document under 64 KB (loyalty.bounds.spec.ts) and the p99 of a population with
 * 100–200 events per customer under 16 KB (BENCHMARKS.md, B1).
 */
export const DEFAULT_MAX_DETAIL_EVENTS = 40;
const MAX_DETAIL_EVENTS_LIMIT = 1_000;

export type PointsRounding = 'floor' | 'half_up';

export interface LoyaltyTierRule {
  /** Lower-case slug, e.g. `very_loyal`. */
  readonly name: string;
  /** Purchases in the window, fully refunded orders excluded. */
  readonly minPurchases: number;
  /** Window spend net of refunds, minor units of the policy's `spendCurrency`. */
  readonly minSpend: number;
  /** Whole days since registration; null = no tenure requirement (and no registration needed). */
  readonly minTenureDays: number | null;
  readonly outreach: { readonly greetings: boolean; readonly recommendations: boolean };
}

/**
 * A tier is earned when every one of its thresholds is met at the reading instant; the customer
 * gets the highest such tier. Thresholds never decrease up the list, so meeting a tier implies
 * meeting every tier below it and the tier is a clean step function of the figures.
 */
export interface LoyaltyPolicy {
  /** Names the model version a view was computed with (`v1`, `v2` …). */
  readonly version: string;
  /**
   * Rolling window length in calendar days of `timeZone`: the window read at an instant holds
   * the purchases of its local day (up to that instant) and of the `windowDays - 1` days before.
   * Whole days, not 24-hour spans back from the instant, so a compacted document that keeps one
   * sum per day still answers exactly (DESIGN §4 "Bounded").
   */
  readonly windowDays: number;
  /** IANA zone whose calendar days the window counts. */
  readonly timeZone: string;
  /**
   * Detail (event ids and business ids for idempotence, records for exact `asOf` views and the
   * ledger) is kept for events within this many days of the newest event time the document has
   * seen, and for at most `maxDetailEvents` of them; older detail is compacted into sums.
   */
  readonly horizonDays: number;
  readonly maxDetailEvents: number;
  /**
   * Spend thresholds are in this currency. Other currencies still count as purchases but not as
   * spend: converting needs exchange rates, which a pure model does not have.
   */
  readonly spendCurrency: string;
  readonly earning: {
    /** Whole points per major currency unit paid (per yuan, per euro, per yen). */
    readonly pointsPerMajorUnit: number;
    /**
     * Applied per order to the net amount: `floor` never grants a point for a partial unit;
     * `half_up` grants it from half a unit. Refunds take back the difference, so an order's
     * points always equal what its net amount earns.
     */
    readonly rounding: PointsRounding;
  };
  /** Lowest first; the first is the base tier and has no thresholds. */
  readonly tiers: readonly LoyaltyTierRule[];
}

/**
 * v1 defaults (DESIGN §5, SCENARIOS 1, 5, 7):
 * - occasional: everyone; no outreach.
 * - loyal: 4 purchases and ¥1,000 net in 365 days; recommendations.
 * - very_loyal: 8 purchases and ¥5,000 net in 365 days and registered at least 365 days;
 *   greetings and recommendations.
 * - 1 point per yuan (or other major unit), rounded down.
 */
export const DEFAULT_LOYALTY_POLICY: LoyaltyPolicy = {
  version: 'v1',
  windowDays: 365,
  timeZone: 'UTC',
  horizonDays: DEFAULT_HORIZON_DAYS,
  maxDetailEvents: DEFAULT_MAX_DETAIL_EVENTS,
  spendCurrency: 'CNY',
  earning: { pointsPerMajorUnit: 1, rounding: 'floor' },
  tiers: [
    {
      name: 'occasional',
      minPurchases: 0,
      minSpend: 0,
      minTenureDays: null,
      outreach: { greetings: false, recommendations: false },
    },
    {
      name: 'loyal',
      minPurchases: 4,
      minSpend: 100_000,
      minTenureDays: null,
      outreach: { greetings: false, recommendations: true },
    },
    {
      name: 'very_loyal',
      minPurchases: 8,
      minSpend: 500_000,
      minTenureDays: 365,
      outreach: { greetings: true, recommendations: true },
    },
  ],
};

export type ParsePolicyResult =
  | { readonly ok: true; readonly policy: LoyaltyPolicy }
  | { readonly ok: false; readonly errors: string[] };

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TIER_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Ten years: a longer window is almost certainly a unit mistake (hours or ms for days). */
const MAX_WINDOW_DAYS = 3660;

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(obj: Raw, allowed: readonly string[], path: string, errors: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      errors.push(`${path}${key}: unknown field (expected one of ${allowed.join(', ')})`);
    }
  }
}

function intField(
  obj: Raw,
  key: string,
  path: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  const v = obj[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) return v;
  errors.push(`${path}${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return undefined;
}

function boolField(obj: Raw, key: string, path: string, errors: string[]): boolean | undefined {
  const v = obj[key];
  if (typeof v === 'boolean') return v;
  errors.push(`${path}${key}: expected true or false, got ${JSON.stringify(v)}`);
  return undefined;
}

function parseTier(raw: unknown, index: number, errors: string[]): LoyaltyTierRule | undefined {
  const path = `tiers[${index}].`;
  if (!isRecord(raw)) {
    errors.push(
      `tiers[${index}]: expected an object {name, minPurchases, minSpend, minTenureDays?, outreach}`,
    );
    return undefined;
  }
  const before = errors.length;
  unknownFields(
    raw,
    ['name', 'minPurchases', 'minSpend', 'minTenureDays', 'outreach'],
    path,
    errors,
  );
  const name = raw.name;
  if (typeof name !== 'string' || !TIER_NAME_PATTERN.test(name)) {
    errors.push(
      `${path}name: expected a lower-case slug like "very_loyal", got ${JSON.stringify(name)}`,
    );
  }
  const minPurchases = intField(raw, 'minPurchases', path, 0, 1_000_000, errors);
  const minSpend = intField(raw, 'minSpend', path, 0, Number.MAX_SAFE_INTEGER, errors);
  let minTenureDays: number | null = null;
  if (raw.minTenureDays !== undefined && raw.minTenureDays !== null) {
    minTenureDays = intField(raw, 'minTenureDays', path, 0, 36_500, errors) ?? null;
  }
  let outreach: LoyaltyTierRule['outreach'] | undefined;
  if (!isRecord(raw.outreach)) {
    errors.push(
      `${path}outreach: expected an object {greetings: boolean, recommendations: boolean}`,
    );
  } else {
    unknownFields(raw.outreach, ['greetings', 'recommendations'], `${path}outreach.`, errors);
    const greetings = boolField(raw.outreach, 'greetings', `${path}outreach.`, errors);
    const recommendations = boolField(raw.outreach, 'recommendations', `${path}outreach.`, errors);
    if (greetings !== undefined && recommendations !== undefined) {
      outreach = { greetings, recommendations };
    }
  }
  if (errors.length > before) return undefined;
  return {
    name: name as string,
    minPurchases: minPurchases as number,
    minSpend: minSpend as number,
    minTenureDays,
    outreach: outreach as LoyaltyTierRule['outreach'],
  };
}

function checkTierOrder(tiers: readonly LoyaltyTierRule[], errors: string[]): void {
  const base = tiers[0];
  if (base && (base.minPurchases !== 0 || base.minSpend !== 0 || base.minTenureDays !== null)) {
    errors.push(
      'tiers[0]: the first (base) tier must have minPurchases 0, minSpend 0 and no minTenureDays, so every customer has a tier',
    );
  }
  const seen = new Set<string>();
  tiers.forEach((tier, i) => {
    if (seen.has(tier.name)) errors.push(`tiers[${i}].name: duplicate tier name "${tier.name}"`);
    seen.add(tier.name);
    const prev = tiers[i - 1];
    if (!prev) return;
    const tenure = (t: LoyaltyTierRule): number => t.minTenureDays ?? 0;
    for (const [field, a, b] of [
      ['minPurchases', prev.minPurchases, tier.minPurchases],
      ['minSpend', prev.minSpend, tier.minSpend],
      ['minTenureDays', tenure(prev), tenure(tier)],
    ] as const) {
      if (b < a) {
        errors.push(
          `tiers[${i}].${field}: expected at least ${a} (tiers are ordered lowest first and thresholds never decrease), got ${b}`,
        );
      }
    }
    const stricter =
      tier.minPurchases > prev.minPurchases ||
      tier.minSpend > prev.minSpend ||
      tenure(tier) > tenure(prev) ||
      (tier.minTenureDays !== null && prev.minTenureDays === null);
    if (!stricter) {
      errors.push(
        `tiers[${i}]: expected at least one threshold above tiers[${i - 1}] ("${prev.name}"), otherwise "${prev.name}" can never apply`,
      );
    }
  });
}

/**
 * Reads a policy from JSON (an analyst's file, a CLI flag). Top-level fields that are absent take
 * the v1 default; `tiers`, when given, replaces the default list and each tier is complete except
 * `minTenureDays`. Unknown fields are errors, so a misspelt threshold cannot silently vanish.
 */
export function parseLoyaltyPolicy(raw: unknown): ParsePolicyResult {
  if (!isRecord(raw)) {
    return {
      ok: false,
      errors: [
        '$: expected an object {version, windowDays, timeZone, horizonDays, maxDetailEvents, spendCurrency, earning, tiers}',
      ],
    };
  }
  const d = DEFAULT_LOYALTY_POLICY;
  const errors: string[] = [];
  unknownFields(
    raw,
    [
      'version',
      'windowDays',
      'timeZone',
      'horizonDays',
      'maxDetailEvents',
      'spendCurrency',
      'earning',
      'tiers',
    ],
    '',
    errors,
  );

  const version = raw.version ?? d.version;
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
    errors.push(`version: expected a short label like "v2", got ${JSON.stringify(version)}`);
  }
  const windowDays =
    raw.windowDays === undefined
      ? d.windowDays
      : intField(raw, 'windowDays', '', 1, MAX_WINDOW_DAYS, errors);
  const timeZone = raw.timeZone ?? d.timeZone;
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) {
    errors.push(
      `timeZone: expected an IANA time zone name such as "UTC" or "Asia/Shanghai", got ${JSON.stringify(timeZone)}`,
    );
  }
  const horizonDays = parseHorizonDays(raw.horizonDays, errors);
  const maxDetailEvents =
    raw.maxDetailEvents === undefined
      ? d.maxDetailEvents
      : intField(raw, 'maxDetailEvents', '', 10, MAX_DETAIL_EVENTS_LIMIT, errors);
  const spendCurrency = raw.spendCurrency ?? d.spendCurrency;
  if (!isCurrencyCode(spendCurrency)) {
    errors.push(
      `spendCurrency: expected an ISO 4217 code like "CNY", got ${JSON.stringify(spendCurrency)}`,
    );
  }

  let earning: LoyaltyPolicy['earning'] | undefined = d.earning;
  if (raw.earning !== undefined) {
    earning = undefined;
    if (!isRecord(raw.earning)) {
      errors.push('earning: expected an object {pointsPerMajorUnit, rounding}');
    } else {
      unknownFields(raw.earning, ['pointsPerMajorUnit', 'rounding'], 'earning.', errors);
      const rate = intField(raw.earning, 'pointsPerMajorUnit', 'earning.', 0, 1_000_000, errors);
      const rounding = raw.earning.rounding;
      if (rounding !== 'floor' && rounding !== 'half_up') {
        errors.push(
          `earning.rounding: expected "floor" or "half_up", got ${JSON.stringify(rounding)}`,
        );
      } else if (rate !== undefined) {
        earning = { pointsPerMajorUnit: rate, rounding };
      }
    }
  }

  let tiers: readonly LoyaltyTierRule[] | undefined = d.tiers;
  if (raw.tiers !== undefined) {
    tiers = undefined;
    if (!Array.isArray(raw.tiers) || raw.tiers.length === 0) {
      errors.push('tiers: expected a non-empty array of tiers, lowest first');
    } else {
      const before = errors.length;
      const parsed = (raw.tiers as unknown[]).map((t, i) => parseTier(t, i, errors));
      if (errors.length === before) {
        const complete = parsed as LoyaltyTierRule[];
        checkTierOrder(complete, errors);
        tiers = complete;
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      version: version as string,
      windowDays: windowDays as number,
      timeZone: timeZone as string,
      horizonDays,
      maxDetailEvents: maxDetailEvents as number,
      spendCurrency: spendCurrency as string,
      earning: earning as LoyaltyPolicy['earning'],
      tiers: tiers as readonly LoyaltyTierRule[],
    },
  };
}
