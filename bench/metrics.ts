/** Reading an app's Prometheus text (/metrics): the figures the benchmarks quote from it. */

/** A counter or gauge of one model, or NaN when the app does not export it. */
export function modelValue(text: string, name: string, model: string): number {
  const m = new RegExp(`^${name}\\{[^}]*model="${model}"[^}]*\\} ([\\d.e+-]+)`, 'm').exec(text);
  return Number(m?.[1] ?? NaN);
}

export interface HistogramSummary {
  readonly count: number;
  /** Upper bound of the bucket holding each quantile (Infinity: beyond the last bound). */
  readonly p50: number;
  readonly p99: number;
  /** Observations above the largest bucket bound at or below `limit`. */
  readonly above: number;
}

/**
 * Quantiles of one model's histogram, as bucket upper bounds (a histogram knows no better);
 * undefined when the app does not export it.
 */
export function histogramSummary(
  text: string,
  name: string,
  model: string,
  limit = Infinity,
): HistogramSummary | undefined {
  const buckets: { le: number; count: number }[] = [];
  const line = new RegExp(
    `^${name}_bucket\\{(?=[^}]*model="${model}")[^}]*le="([^"]+)"[^}]*\\} ([\\d.e+-]+)`,
    'gm',
  );
  for (const m of text.matchAll(line))
    buckets.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) });
  if (buckets.length === 0) return undefined;
  buckets.sort((a, b) => a.le - b.le);
  const count = buckets[buckets.length - 1]!.count;
  const quantile = (q: number) => buckets.find((b) => b.count >= q * count)?.le ?? Infinity;
  const within = [...buckets].reverse().find((b) => b.le <= limit)?.count ?? 0;
  return { count, p50: quantile(0.5), p99: quantile(0.99), above: count - within };
}

/** A counter summed over all its series (every label value), or NaN when the app does not export it. */
export function seriesSum(text: string, name: string): number {
  let sum = NaN;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)`, 'gm'))) {
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[1]);
  }
  return sum;
}

function canonicalLabels(raw: string): string {
  return raw
    .split(',')
    .filter((l) => !l.startsWith('app='))
    .sort()
    .join(',');
}

/** Every series of a counter, keyed by its labels as histogramTotals keys them. */
function counterSeries(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([\\d.e+-]+)`, 'gm')))
    out.set(canonicalLabels(m[1]!), Number(m[2]));
  return out;
}

/** Count and total seconds of each series of a histogram, keyed by its labels as written. */
export function histogramTotals(
  text: string,
  name: string,
): Map<string, { count: number; seconds: number }> {
  const out = new Map<string, { count: number; seconds: number }>();
  for (const m of text.matchAll(
    new RegExp(`^${name}_(count|sum)\\{([^}]*)\\} ([\\d.e+-]+)`, 'gm'),
  )) {
    const labels = canonicalLabels(m[2]!);
    const entry = out.get(labels) ?? { count: 0, seconds: 0 };
    if (m[1] === 'count') entry.count = Number(m[3]);
    else entry.seconds = Number(m[3]);
    out.set(labels, entry);
  }
  return out;
}

/**
 * The store round trips a process made between two /metrics snapshots, busiest first: calls
 * per second and mean milliseconds per call, by operation and collection.
 */
export function storeCallsBetween(before: string, after: string, seconds: number): string {
  const name = 'touchpoint_store_call_seconds';
  const start = histogramTotals(before, name);
  const rows = [...histogramTotals(after, name)]
    .map(([labels, end]) => {
      const from = start.get(labels) ?? { count: 0, seconds: 0 };
      return { labels, count: end.count - from.count, seconds: end.seconds - from.seconds };
    })
    .filter((r) => r.count > 0)
    .sort((a, b) => b.seconds - a.seconds);
  if (rows.length === 0) return 'no store round trips recorded';
  const docs = counterSeries(after, 'touchpoint_store_documents_total');
  const docsBefore = counterSeries(before, 'touchpoint_store_documents_total');
  const perCall = (labels: string, calls: number) => {
    const n = (docs.get(labels) ?? NaN) - (docsBefore.get(labels) ?? 0);
    return Number.isNaN(n) ? '' : ` (${(n / calls).toFixed(1)} documents each)`;
  };
  const busy = rows.reduce((n, r) => n + r.seconds, 0);
  const label = (labels: string) =>
    labels.replace(/collection="([^"]*)",op="([^"]*)"/, '$2 $1').replace(/"/g, '');
  return `${(busy / seconds).toFixed(2)} s of store calls per second of wall time (summed over concurrent calls): ${rows
    .map(
      (r) =>
        `${label(r.labels)} ${(r.count / seconds).toFixed(1)}/s × ${((1000 * r.seconds) / r.count).toFixed(2)} ms${perCall(r.labels, r.count)}`,
    )
    .join('; ')}`;
}

/** Documents written per collection between two /metrics snapshots (guarded writes, retries included). */
export function documentsWrittenBetween(before: string, after: string): Map<string, number> {
  const name = 'touchpoint_store_documents_total';
  const start = counterSeries(before, name);
  const out = new Map<string, number>();
  for (const [labels, end] of counterSeries(after, name)) {
    const m = /collection="([^"]*)",op="writeVersioned"/.exec(labels);
    const n = end - (start.get(labels) ?? 0);
    if (m && n > 0) out.set(m[1]!, n);
  }
  return out;
}
