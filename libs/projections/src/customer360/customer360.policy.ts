import { DEFAULT_HORIZON_DAYS, parseHorizonDays } from '../horizon';
import { isValidTimeZone } from './customer360.calendar';

/** Timeline entries a document yields at most; `timelineSize` cannot ask for more. */
export const TIMELINE_RETAINED = 16;

/**
 * Events a document keeps in detail at most, whatever the horizon in days says: a heavy
 * customer has ~100 000 events within 400 days, and this cap keeps such a document under
 * 64 KB (customer360.bounds.spec) and the p99 of a population with 100–200 events per customer
 * under 16 KB (BENCHMARKS.md, B1). The effective horizon is the later of the two.
 */
export const DEFAULT_DETAIL_EVENTS = 16;
export const MAX_DETAIL_EVENTS = 200;

/**
 * Lifecycle stage, read as of a date (first matching rule wins):
 * 1. `prospect` — no purchase at or before asOf;
 * 2. `lapsed`   — days since the last purchase day >= `lapsedAfterDays`;
 * 3. `at_risk`  — days since the last purchase day >= `atRiskAfterDays`;
 * 4. `new`      — fewer than `activeMinFrequency` repeat purchase days (frequency);
 * 5. `active`   — otherwise.
 * Days are calendar days in `timeZone`.
 */
export interface LifecyclePolicy {
  readonly atRiskAfterDays: number;
  readonly lapsedAfterDays: number;
  readonly activeMinFrequency: number;
}

export interface Customer360Policy {
  /** IANA zone in which event times become calendar days (RFM, lifecycle). */
  readonly timeZone: string;
  readonly lifecycle: LifecyclePolicy;
  /** Timeline entries shown; at most TIMELINE_RETAINED, which is what the state keeps. */
  readonly timelineSize: number;
  /** Days of event time, back from the newest event, whose detail a document keeps. */
  readonly horizonDays: number;
  /** At most this many events in detail (the horizon then ends earlier). */
  readonly detailEvents: number;
}

export const DEFAULT_CUSTOMER360_POLICY: Customer360Policy = {
  timeZone: 'UTC',
  lifecycle: { atRiskAfterDays: 180, lapsedAfterDays: 365, activeMinFrequency: 1 },
  timelineSize: TIMELINE_RETAINED,
  horizonDays: DEFAULT_HORIZON_DAYS,
  detailEvents: DEFAULT_DETAIL_EVENTS,
};

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: Customer360Policy }
  | { readonly ok: false; readonly errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function intField(
  raw: Record<string, unknown>,
  path: string,
  key: string,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  if (!(key in raw)) return fallback;
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    errors.push(`${path}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return fallback;
  }
  return v;
}

function unknownKeys(
  raw: Record<string, unknown>,
  path: string,
  known: readonly string[],
  errors: string[],
): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      errors.push(`${path}${key}: unknown field (expected one of ${known.join(', ')})`);
    }
  }
}

/**
 * Policies come from files and analysts' command lines; any field may be left out (defaults
 * apply) but a misspelt one is an error rather than silently ignored.
 */
export function parseCustomer360Policy(raw: unknown): PolicyParseResult {
  if (raw === undefined || raw === null) return { ok: true, policy: DEFAULT_CUSTOMER360_POLICY };
  if (!isRecord(raw)) return { ok: false, errors: ['policy: expected a JSON object'] };
  const errors: string[] = [];
  const d = DEFAULT_CUSTOMER360_POLICY;
  unknownKeys(
    raw,
    '',
    ['timeZone', 'lifecycle', 'timelineSize', 'horizonDays', 'detailEvents'],
    errors,
  );

  let timeZone = d.timeZone;
  if ('timeZone' in raw) {
    if (typeof raw.timeZone === 'string' && isValidTimeZone(raw.timeZone)) {
      timeZone = raw.timeZone;
    } else {
      errors.push(
        `timeZone: expected an IANA time zone name such as "UTC" or "Asia/Shanghai", got ${JSON.stringify(raw.timeZone)}`,
      );
    }
  }

  let lifecycle = d.lifecycle;
  if ('lifecycle' in raw) {
    const l = raw.lifecycle;
    if (!isRecord(l)) {
      errors.push(
        'lifecycle: expected an object with atRiskAfterDays, lapsedAfterDays, activeMinFrequency',
      );
    } else {
      unknownKeys(
        l,
        'lifecycle.',
        ['atRiskAfterDays', 'lapsedAfterDays', 'activeMinFrequency'],
        errors,
      );
      const DAY_MAX = 36_500;
      lifecycle = {
        atRiskAfterDays: intField(
          l,
          'lifecycle.atRiskAfterDays',
          'atRiskAfterDays',
          d.lifecycle.atRiskAfterDays,
          1,
          DAY_MAX,
          errors,
        ),
        lapsedAfterDays: intField(
          l,
          'lifecycle.lapsedAfterDays',
          'lapsedAfterDays',
          d.lifecycle.lapsedAfterDays,
          1,
          DAY_MAX,
          errors,
        ),
        activeMinFrequency: intField(
          l,
          'lifecycle.activeMinFrequency',
          'activeMinFrequency',
          d.lifecycle.activeMinFrequency,
          0,
          10_000,
          errors,
        ),
      };
      if (lifecycle.lapsedAfterDays <= lifecycle.atRiskAfterDays) {
        errors.push(
          `lifecycle.lapsedAfterDays: expected more days than lifecycle.atRiskAfterDays (${lifecycle.atRiskAfterDays}), got ${lifecycle.lapsedAfterDays}`,
        );
      }
    }
  }

  const timelineSize = intField(
    raw,
    'timelineSize',
    'timelineSize',
    d.timelineSize,
    1,
    TIMELINE_RETAINED,
    errors,
  );

  const horizonDays = parseHorizonDays(raw.horizonDays, errors);
  const detailEvents = intField(
    raw,
    'detailEvents',
    'detailEvents',
    d.detailEvents,
    // Fewer would leave the timeline shorter than it is shown.
    TIMELINE_RETAINED,
    MAX_DETAIL_EVENTS,
    errors,
  );

  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, policy: { timeZone, lifecycle, timelineSize, horizonDays, detailEvents } };
}
