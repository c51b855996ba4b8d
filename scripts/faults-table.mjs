// Renders FAULTS.md's table from the rows the fault suite writes (.artifacts/faults/<mode>.jsonl,
// one JSON object per scenario run; test/fault/support/fault-report.ts): the newest row of each
// scenario. `node scripts/faults-table.mjs full` prints it; `--write` replaces the table in
// FAULTS.md between its markers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const mode = process.argv[2] ?? 'full';
const file = join(root, '.artifacts', 'faults', `${mode}.jsonl`);
if (!existsSync(file)) {
  console.error(`${file} does not exist: run the fault suite first (TOUCHPOINT_FAULTS=${mode})`);
  process.exit(1);
}
const newest = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const row = JSON.parse(line);
  newest.set(row.scenario, row);
}
const rows = [...newest.values()].sort((a, b) =>
  a.scenario.localeCompare(b.scenario, 'en', { numeric: true }),
);
const recover = (ms) =>
  ms === undefined ? 'n/a' : ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`;
const lines = [
  '| scenario | guarantee | acknowledged | folded | lost | double-counted | time to recover | verdict | run |',
  '|---|---|--:|--:|--:|--:|--:|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.guarantee} | ${r.acknowledged} | ${r.folded} | ${r.lost} | ${r.doubleCounted} | ${recover(r.recoverMs)} | ${r.verdict} | ${r.date.slice(0, 16).replace('T', ' ')}Z, ${r.mode} |`,
  ),
  '',
  `Machine: ${rows[0]?.machine ?? 'unknown'}.`,
];
const table = lines.join('\n');
if (!process.argv.includes('--write')) {
  console.log(table);
} else {
  const target = join(root, 'FAULTS.md');
  const text = readFileSync(target, 'utf8');
  const begin = '<!-- faults:begin -->';
  const end = '<!-- faults:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`FAULTS.md has no ${begin} … ${end} block`);
  writeFileSync(target, `${text.slice(0, a + begin.length)}\n${table}\n${text.slice(b)}`);
  console.log(`FAULTS.md: ${rows.length} rows from ${file}`);
}
