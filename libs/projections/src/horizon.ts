import { AppError } from '@touchpoint/core';

/**
 * The horizon (DESIGN §4 "Bounded"): detail a document keeps, for exact idempotence by event id
 * and business id and for exact `asOf` views, reaches back this far in event time from the
 * newest event the document has seen (never from the clock, so live and replay agree). Older
 * detail is compacted into aggregates that commute, which keep every all-time figure exact.
 */
export const DEFAULT_HORIZON_DAYS = 400;
export const MAX_HORIZON_DAYS = 36_500;

/** Parses an optional `horizonDays` policy field; `undefined` means the default. */
export function parseHorizonDays(raw: unknown, errors: string[]): number {
  if (raw === undefined) return DEFAULT_HORIZON_DAYS;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_HORIZON_DAYS) {
    errors.push(`horizonDays: expected a whole number of days from 1 to ${MAX_HORIZON_DAYS}`);
    return DEFAULT_HORIZON_DAYS;
  }
  return raw;
}

/**
 * The error for a view asked "as of" an instant whose detail was compacted: such a figure could
 * only be approximated, and the read models never approximate silently.
 */
export function asOfBeyondHorizon(model: string, asOf: Date, exactFromMs: number): AppError {
  return AppError.validation(
    'as_of_beyond_horizon',
    `${model}: asOf ${asOf.toISOString()} is older than this document's horizon; views are ` +
      `exact from ${new Date(exactFromMs).toISOString()} on. Ask for a later asOf, or rebuild ` +
      `the customer's history from its stream (touchpoint export-customer).`,
  );
}
