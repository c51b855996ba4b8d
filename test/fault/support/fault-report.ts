import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** One scenario's outcome: a line of FAULTS.md (scripts/faults-table.mjs renders the rows). */
export interface FaultRow {
  readonly scenario: string;
  readonly guarantee: string;
  readonly mode: 'short' | 'full';
  readonly acknowledged: number;
  readonly folded: number;
  readonly lost: number;
  readonly doubleCounted: number;
  /**
   * From the end of the fault until the models equal the oracle; null when they never did,
   * absent when the scenario has no outage to recover from.
   */
  readonly recoverMs?: number | null;
  /** Each guarantee checked, by name: true when it held. */
  readonly checks: Record<string, boolean>;
  /** Figures worth keeping beside the table (RSS, answers seen during the fault…). */
  readonly details: Record<string, unknown>;
}

export interface WrittenRow extends FaultRow {
  readonly verdict: 'pass' | 'fail';
  readonly date: string;
  readonly machine: string;
}

export function machine(): string {
  const cpu = cpus();
  return `${hostname()}: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * Prints the row and appends it to .artifacts/faults/<mode>.jsonl before the test asserts
 * anything, so a failing scenario leaves its numbers too.
 */
export function reportFault(row: FaultRow): WrittenRow {
  const failed = Object.entries(row.checks).filter(([, ok]) => !ok);
  const written: WrittenRow = {
    ...row,
    verdict: failed.length === 0 ? 'pass' : 'fail',
    date: new Date().toISOString(),
    machine: machine(),
  };
  const dir = join(ROOT, '.artifacts', 'faults');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${row.mode}.jsonl`), JSON.stringify(written) + '\n');
  const recover =
    row.recoverMs === undefined
      ? 'n/a'
      : row.recoverMs === null
        ? 'never'
        : `${(row.recoverMs / 1000).toFixed(1)} s`;
  process.stderr.write(
    [
      `[fault] ${row.scenario} (${row.mode}): ${written.verdict.toUpperCase()}`,
      `[fault]   acknowledged ${row.acknowledged}, folded ${row.folded}, lost ${row.lost}, double-counted ${row.doubleCounted}, time to recover ${recover}`,
      ...Object.entries(row.checks).map(([k, ok]) => `[fault]   ${ok ? 'ok  ' : 'FAIL'} ${k}`),
      `[fault]   ${JSON.stringify(row.details)}`,
      '',
    ].join('\n'),
  );
  return written;
}
