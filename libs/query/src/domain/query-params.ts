import { ID_PATTERN } from '@touchpoint/contracts';
import { AppError, type FieldViolation } from '@touchpoint/core';

/** Raw query string values as Express hands them over (repeated keys arrive as arrays). */
export type RawQuery = Readonly<Record<string, unknown>>;

function bad(path: string, code: string, message: string): AppError {
  const violation: FieldViolation = { path, code, message };
  return AppError.validation('invalid_query_parameter', `${path}: ${message}`, [violation]);
}

/** One string value, or undefined when absent; a repeated parameter is an error. */
export function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(name, 'repeated', 'give this parameter once');
  return value;
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `asOf`: an ISO-8601 instant with a zone (`Z` or an offset), not after `now`. A date without
 * a zone is refused rather than guessed: a figure "as of" depends on the exact instant.
 */
export function parseAsOf(query: RawQuery, now: Date, name = 'asOf'): Date {
  const raw = single(query, name);
  if (raw === undefined) return now;
  const m = INSTANT.exec(raw);
  const ms = m ? Date.parse(raw) : NaN;
  if (!m || Number.isNaN(ms)) {
    throw bad(
      name,
      'invalid_instant',
      'an ISO-8601 instant with a zone, e.g. 2026-05-01T09:00:00+08:00',
    );
  }
  const [, , month, day, hour, minute, second] = m;
  const fields = [Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0)];
  if (fields[0]! > 12 || fields[1]! > 31 || fields[2]! > 23 || fields[3]! > 59 || fields[4]! > 59) {
    throw bad(name, 'invalid_instant', 'the date or time is out of range');
  }
  if (ms > now.getTime()) throw bad(name, 'in_future', 'must not be in the future');
  return new Date(ms);
}

export function parseInteger(
  query: RawQuery,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw bad(name, 'out_of_range', `an integer between ${min} and ${max}`);
  }
  return Number(raw);
}

/** A ratio in [0, 1] such as minSupport. */
export function parseRatio(query: RawQuery, name: string, fallback: number): number {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  const n = /^(0|1|0?\.\d+|1\.0*)$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 1)) throw bad(name, 'out_of_range', 'a number between 0 and 1');
  return n;
}

export function parseEnum<T extends string>(
  query: RawQuery,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw bad(name, 'not_allowed', `one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** A non-empty, trimmed text of bounded length, or undefined when absent. */
export function parseText(query: RawQuery, name: string, maxLength = 200): string | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text.length === 0 || text.length > maxLength) {
    throw bad(name, 'invalid_text', `non-empty text of at most ${maxLength} characters`);
  }
  return text;
}

/** Opaque cursors are base64url JSON; a tampered one is a 400 naming the parameter. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function parseCursor<T>(
  query: RawQuery,
  name: string,
  check: (value: unknown) => value is T,
): T | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw bad(name, 'invalid_cursor', 'not a cursor this API gave out');
  return value;
}

/** Customer ids as the event contract allows them; anything else cannot exist. */
export function parseCustomerId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw bad('id', 'invalid_customer_id', 'a customer id (letters, digits, . _ : @ -)');
  }
  return id;
}
