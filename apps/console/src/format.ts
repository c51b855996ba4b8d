/** Pure display helpers: every number and date the console shows goes through here. */

const HOUR_MS = 3_600_000;

const fractionDigits = (currency: string): number => {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
};

/** Integer minor units → "¥8,400.00" (or "8,400.00 XYZ" for a code Intl does not know). */
export function money(minor: number, currency: string | null, locale = 'en'): string {
  if (currency === null) return String(minor);
  const digits = fractionDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** A compact money figure for chart labels: "¥8.4K". */
export function compactMoney(minor: number, currency: string | null, locale = 'en'): string {
  if (currency === null) return String(minor);
  const major = minor / 10 ** fractionDigits(currency);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(major);
  } catch {
    return `${major.toFixed(0)} ${currency}`;
  }
}

/** A duration in hours → "2 d 4 h", "5 h", "35 min", "just now". */
export function duration(hours: number): string {
  if (!Number.isFinite(hours) || hours < 0) return '—';
  const minutes = Math.floor(hours * 60);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(hours);
  if (h < 24) return `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** How long ago `iso` was, seen from `now`: "3 h ago", "in 2 d" (a future-dated event). */
export function ago(iso: string, now: number): string {
  const hours = (now - Date.parse(iso)) / HOUR_MS;
  if (Number.isNaN(hours)) return '—';
  const d = duration(Math.abs(hours));
  if (d === 'just now') return d;
  if (hours < 0) return `in ${d}`;
  return `${d} ago`;
}

export function dateTime(iso: string, locale = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function date(iso: string, locale = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d);
}

/** "very_loyal" → "Very loyal". */
export function label(code: string): string {
  const words = code.replace(/[_./-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  web: 'Web',
  mobile_app: 'App',
  store: 'Store',
  call_centre: 'Call centre',
  email: 'E-mail',
  chat: 'Chat',
  social: 'Social',
  partner: 'Partner',
};

export const channelLabel = (channel: string): string => CHANNEL_LABELS[channel] ?? label(channel);

export function personName(
  name: { readonly given?: string; readonly family?: string } | string | null | undefined,
): string | null {
  if (name === null || name === undefined) return null;
  if (typeof name === 'string') return name || null;
  const full = [name.given, name.family].filter((x) => x !== undefined && x !== '').join(' ');
  return full === '' ? null : full;
}

/** The query side may send the address masked as one string or as its structured form. */
export function address(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return null;
  const a = value as Record<string, unknown>;
  const parts = ['line1', 'line2', 'postalCode', 'city', 'region', 'country']
    .map((k) => a[k])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

export interface MonthPoint {
  readonly month: string;
  readonly spend: number;
  readonly orders: number;
}

/** The `count` calendar months ending with `lastMonth` ("YYYY-MM"), filled with zero spend. */
export function lastMonths(
  series: readonly MonthPoint[],
  lastMonth: string,
  count: number,
): MonthPoint[] {
  const byMonth = new Map(series.map((p) => [p.month, p]));
  const [y, m] = lastMonth.split('-').map(Number);
  if (y === undefined || m === undefined || Number.isNaN(y) || Number.isNaN(m)) return [];
  const out: MonthPoint[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = y * 12 + (m - 1) - i;
    const month = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
    out.push(byMonth.get(month) ?? { month, spend: 0, orders: 0 });
  }
  return out;
}

export function monthName(month: string, locale = 'en'): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return month;
  return new Intl.DateTimeFormat(locale, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** Points of a line through `values` inside a width × height box (y grows downwards). */
export function sparklinePoints(
  values: readonly number[],
  width: number,
  height: number,
  pad = 2,
): { x: number; y: number }[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values.map((v, i) => ({
    x: pad + i * step,
    y: pad + (height - 2 * pad) * (1 - (v - min) / span),
  }));
}

export function lagText(lagMs: number | null): string {
  if (lagMs === null) return 'lag unknown';
  if (lagMs < 1000) return 'up to date';
  if (lagMs < 60_000) return `${(lagMs / 1000).toFixed(1)} s behind`;
  return `${duration(lagMs / HOUR_MS)} behind`;
}
