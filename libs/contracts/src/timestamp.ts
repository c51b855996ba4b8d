/**
 * Event time keeps the sender's offset (a gift bought "in May" is a local-time fact), so the
 * contract stores the string as sent and only parses it to compare instants.
 */
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DIGIT_0 = 48;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Value of `count` ASCII digits at `from`, or -1 when any of them is not 0-9. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    // Past the end charCodeAt is NaN, which fails this test too.
    const d = text.charCodeAt(i) - DIGIT_0;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Epoch milliseconds of an ISO-8601 date-time with explicit offset, or undefined if malformed:
 * `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1-9 digits, then `Z` or `±HH:MM` (at most
 * ±14:59). Every consumer parses every event's timestamps, so this reads the characters once
 * instead of running a regular expression and building a Date; the property tests hold it to
 * the regular-expression parser it replaced (reference/timestamp.reference.ts).
 */
export function parseOffsetTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 20) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (
    year < 0 ||
    value.charCodeAt(4) !== 0x2d /* - */ ||
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 /* T */ ||
    value.charCodeAt(13) !== 0x3a /* : */ ||
    value.charCodeAt(16) !== 0x3a ||
    !validDate(year, month, day) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return undefined;
  }
  let at = 19;
  let millis = 0;
  if (value.charCodeAt(at) === 0x2e /* . */) {
    const start = ++at;
    while (at < value.length && at - start < 9 && digitsAt(value, at, 1) >= 0) at++;
    if (at === start) return undefined;
    // Milliseconds are the first three fraction digits, padded; finer digits are dropped.
    for (let i = start; i < start + 3; i++) {
      millis = millis * 10 + (i < at ? digitsAt(value, i, 1) : 0);
    }
  }
  let offsetMinutes = 0;
  const zone = value.charCodeAt(at);
  if (zone === 0x5a /* Z */) {
    if (at + 1 !== value.length) return undefined;
  } else if (zone === 0x2b /* + */ || zone === 0x2d /* - */) {
    const offH = digitsAt(value, at + 1, 2);
    const offM = digitsAt(value, at + 4, 2);
    if (at + 6 !== value.length || value.charCodeAt(at + 3) !== 0x3a || offH < 0 || offM < 0) {
      return undefined;
    }
    if (offH > 14 || offM > 59) return undefined;
    offsetMinutes = (zone === 0x2d ? -1 : 1) * (offH * 60 + offM);
  } else {
    return undefined;
  }
  const time = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return daysFromCivil(year, month, day) * DAY_MS + time - offsetMinutes * MINUTE_MS;
}

export function isOffsetTimestamp(value: unknown): value is string {
  return parseOffsetTimestamp(value) !== undefined;
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}
