export const DAY_MS = 86_400_000;

// A formatter per zone is costly to build and holds no state that could change results.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (local wall time minus UTC). */
function offsetMs(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' ? 1 - part('year') : part('year');
  const wall = new Date(
    Date.UTC(2000, part('month') - 1, part('day'), part('hour'), part('minute'), part('second')),
  );
  wall.setUTCFullYear(year);
  return wall.getTime() - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Days since 1970-01-01 of the calendar date an instant falls on in `timeZone`. */
export function localDay(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(ms / DAY_MS);
  return Math.floor((ms + offsetMs(ms, timeZone)) / DAY_MS);
}

/** The first instant of a local calendar day (zone transitions at midnight included). */
export function dayStart(day: number, timeZone: string): number {
  const guess = day * DAY_MS;
  if (timeZone === 'UTC') return guess;
  // Two refinements settle on the offset in force at local midnight, DST changes included.
  let start = guess - offsetMs(guess, timeZone);
  start = guess - offsetMs(start, timeZone);
  // Where midnight itself is skipped, the day starts at the first instant that is on it.
  while (localDay(start, timeZone) < day) start += 60_000;
  while (localDay(start - 1, timeZone) >= day) start -= 60_000;
  return start;
}

/** `YYYY-MM-DD` of a local day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
