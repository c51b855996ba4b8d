/** Figures, the table printed after a run, and BENCHMARKS.md — pure functions of their inputs. */

export const BENCH_IDS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8'] as const;
export type BenchId = (typeof BENCH_IDS)[number];

export const BENCH_TITLES: Record<BenchId, string> = {
  B1: 'projector throughput on a stationary population, three models, lag flat',
  B2: 'freshness: received → change notice → readable',
  B3: 'replay 1 M events into a new version',
  B4: 'agent lookup latency at 500 req/s',
  B5: 'ingest HTTP → Kafka, batch endpoint',
  B6: 'embedded mode: fold rate and peak memory',
  B7: 'ours vs the straightforward NestJS peer',
  B8: 'hot key: one customer with 1 M events, three models',
};

export const BENCH_GOALS: Record<BenchId, string> = {
  B1: 'ratio to (b) ≥ 0.7',
  B2: 'p99 ≤ 250 ms',
  B3: '≥ 1.5 × B1, replay hash-equal to live',
  B4: 'p99 ≤ 20 ms during ingest',
  B5: 'ratio ≥ 0.3',
  B6: '≥ 100 000 events/s',
  B7: 'ours ÷ peer ≥ 5',
  B8: 'documents ≤ 64 KB, per-event rate ≥ 0.9 × the population’s',
};

export interface Figure {
  readonly id: BenchId;
  /** What we measured, with its unit, e.g. "4 210 events/s". */
  readonly figure: string;
  /** The baseline(s) measured in the same run, or '—' where the issue names none. */
  readonly baseline: string;
  /** The ratio or quantity the goal is about, e.g. "0.41". */
  readonly versus: string;
  /** undefined when the run could not decide (e.g. no baseline). */
  readonly met: boolean | undefined;
  /** Conditions and caveats, one line each. */
  readonly notes: readonly string[];
  /** ISO date of the run that measured it. */
  readonly measuredAt: string;
  readonly quick: boolean;
}

export interface RunInfo {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
  readonly kafka: string;
  readonly store: string;
  readonly loadNote?: string;
}

export interface BenchRecord {
  readonly run: RunInfo;
  readonly figures: Partial<Record<BenchId, Figure>>;
  /** The run each kept figure came from, when it is not this one. */
  readonly runs: readonly RunInfo[];
}

/** Groups digits the way the tables print them: 12345.6 → "12 346". */
export function num(value: number, digits = 0): string {
  const fixed = value.toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** Figures from this run replace those of the same id; the others are kept with their run. */
export function mergeRecords(
  previous: BenchRecord | undefined,
  run: RunInfo,
  figures: readonly Figure[],
): BenchRecord {
  const merged: Partial<Record<BenchId, Figure>> = { ...(previous?.figures ?? {}) };
  for (const f of figures) merged[f.id] = f;
  const runs = new Map<string, RunInfo>();
  for (const r of [...(previous?.runs ?? []), ...(previous ? [previous.run] : [])])
    runs.set(r.date, r);
  const stillUsed = new Set(Object.values(merged).map((f) => f.measuredAt));
  return {
    run,
    figures: merged,
    runs: [...runs.values()].filter((r) => r.date !== run.date && stillUsed.has(r.date)),
  };
}

function verdict(f: Figure | undefined): string {
  if (!f) return 'not yet measured';
  if (f.met === undefined) return 'undecided';
  return f.met ? 'met' : 'missed';
}

/** Fixed-width table for the terminal. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = [
    ['id', 'figure', 'baseline (same run)', 'vs', 'goal', 'verdict'],
    ...figures.map((f) => [f.id, f.figure, f.baseline, f.versus, BENCH_GOALS[f.id], verdict(f)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  const sep = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

const DATA_START = '<!-- bench-data';
const DATA_END = '-->';

/** The record BENCHMARKS.md carries in a comment, so a later run can keep what it did not measure. */
export function parseRecord(markdown: string): BenchRecord | undefined {
  const start = markdown.indexOf(DATA_START);
  if (start < 0) return undefined;
  const end = markdown.indexOf(DATA_END, start);
  if (end < 0) return undefined;
  try {
    return JSON.parse(markdown.slice(start + DATA_START.length, end)) as BenchRecord;
  } catch {
    return undefined;
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function runLine(r: RunInfo): string {
  return `${r.date}${r.quick ? ' (--quick)' : ''}: ${r.machine}, ${r.cores} cores, ${r.memory}; Node ${r.node}; Kafka ${r.kafka}; store ${r.store}${r.loadNote ? `; ${r.loadNote}` : ''}`;
}

/**
 * BENCHMARKS.md: the machine and versions, one row per benchmark (kept figures say which run
 * they are from), notes per figure, then the analysis text maintained by hand below the marker.
 */
export function renderMarkdown(record: BenchRecord, analysis: string): string {
  const r = record.run;
  const out: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench`; the section after "Where the time goes" is kept as written. -->',
    '',
    'Figures from `npm run bench`, each beside a baseline measured in the same run on the same machine.',
    'The store on this machine is **FerretDB v1 (SQLite backend), not MongoDB**: it writes one document',
    'per statement, so absolute store-bound figures (B1, B3, B7 and baseline B1 b) understate what a',
    'real MongoDB gives; the ratios compare like with like.',
    '',
    'Method: B1 preloads a stationary population (customers × events over three years of event',
    'time), drains it, then searches for the highest offered rate with flat lag over the same',
    'customers (flat: the mean lag of the window’s last third exceeds its first third’s by at most',
    'one second of the offered rate); its baseline (b) re-writes a sample of the very documents the',
    'projector wrote in the reported window. B6 and B8 fold on the embedded store, so the store',
    'is not what they measure;',
    'B8 is one customer with 1 M events beside a population folded the same way in the same run.',
    'Document sizes are bytes of the stored state (JSON text, or BSON where stored as fields);',
    'B8 weighs whole documents in BSON.',
    '',
    `Latest run: ${runLine(r)}.`,
    '',
    '| id | benchmark | figure | baseline (same run) | vs | goal | verdict | run |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const id of BENCH_IDS) {
    const f = record.figures[id];
    out.push(
      `| ${id} | ${BENCH_TITLES[id]} | ${f ? cell(f.figure) : '—'} | ${f ? cell(f.baseline) : '—'} | ${f ? cell(f.versus) : '—'} | ${BENCH_GOALS[id]} | ${verdict(f)} | ${f ? `${f.measuredAt}${f.quick ? ' quick' : ''}` : '—'} |`,
    );
  }
  if (record.runs.length > 0) {
    out.push('', 'Figures kept from earlier runs:', '');
    for (const run of record.runs) out.push(`* ${runLine(run)}`);
  }
  out.push('', '## Conditions and notes per figure', '');
  for (const id of BENCH_IDS) {
    const f = record.figures[id];
    if (!f || f.notes.length === 0) continue;
    out.push(`**${id}**`, '', ...f.notes.map((n) => `* ${n}`), '');
  }
  out.push(
    ANALYSIS_MARKER,
    '',
    analysis.trim(),
    '',
    `${DATA_START}\n${JSON.stringify(record, null, 1)}\n${DATA_END}`,
    '',
  );
  return out.join('\n');
}

export const ANALYSIS_MARKER = '## Where the time goes';

/** The hand-written analysis of an existing BENCHMARKS.md, so a rerun keeps it. */
export function extractAnalysis(markdown: string): string | undefined {
  const start = markdown.indexOf(ANALYSIS_MARKER);
  if (start < 0) return undefined;
  const end = markdown.indexOf(DATA_START, start);
  return markdown.slice(start + ANALYSIS_MARKER.length, end < 0 ? undefined : end).trim();
}
