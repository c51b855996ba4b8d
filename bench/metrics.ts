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
