// Test oracle: the unbounded customer360 model as of f29dec1, kept verbatim; spec files only.
const DAY_MS = 86_400_000;

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

/**
 * Days since 1970-01-01 of the calendar date an instant falls on in `timeZone`, so two
 * purchases are "the same day" exactly when the local calendar says so.
 */
export function localDayNumber(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(ms / DAY_MS);
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' ? 1 - part('year') : part('year');
  const date = new Date(Date.UTC(2000, part('month') - 1, part('day')));
  date.setUTCFullYear(year);
  return Math.round(date.getTime() / DAY_MS);
}
