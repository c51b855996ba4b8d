#!/usr/bin/env node
// Compares two `touchpoint export <model> --format jsonl` files document by document, figure by
// figure: used to check that a new model release computes the same views as the old one on the
// same log (docs/read-models.md, "Upgrading"). Prints every figure path that differs, how many
// documents it differs in and one example; exits 1 when a compared figure differs.
//
//   node scripts/compare-exports.mjs old.jsonl new.jsonl [--ignore path.prefix,...]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ignore: { type: 'string', default: '' } },
});
if (positionals.length !== 2) {
  console.error('usage: compare-exports.mjs old.jsonl new.jsonl [--ignore a.b,c]');
  process.exit(2);
}
const ignored = values.ignore.split(',').filter(Boolean);
const isIgnored = (path) =>
  ignored.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

function load(file) {
  const docs = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const doc = JSON.parse(line);
    const key = doc.key ?? doc.id ?? doc._id;
    if (typeof key !== 'string') throw new Error(`${file}: a line without a key`);
    docs.set(key, doc);
  }
  return docs;
}

/** Leaf values by path; arrays of scalars compare whole, arrays of objects by index. */
function leaves(value, path, out) {
  if (value === null || typeof value !== 'object') {
    out.set(path, value);
  } else if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object'))
      out.set(path, JSON.stringify(value));
    else value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
    if (value.length === 0) out.set(path, '[]');
  } else {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(path, '{}');
    for (const k of keys) leaves(value[k], path ? `${path}.${k}` : k, out);
  }
  return out;
}

const before = load(positionals[0]);
const after = load(positionals[1]);
const differing = new Map();
let compared = 0;
for (const [key, a] of before) {
  const b = after.get(key);
  if (!b) continue;
  compared++;
  const la = leaves(a, '', new Map());
  const lb = leaves(b, '', new Map());
  for (const [path, va] of la) {
    if (isIgnored(path) || !lb.has(path)) continue;
    const vb = lb.get(path);
    const same =
      typeof va === 'number' && typeof vb === 'number'
        ? Math.abs(va - vb) <= 1e-9 * Math.max(1, Math.abs(va))
        : va === vb;
    if (same) continue;
    const generic = path.replace(/\[\d+\]/g, '[]');
    const seen = differing.get(generic) ?? {
      count: 0,
      example: { key, path, before: va, after: vb },
    };
    seen.count++;
    differing.set(generic, seen);
  }
}
const onlyBefore = [...before.keys()].filter((k) => !after.has(k));
const onlyAfter = [...after.keys()].filter((k) => !before.has(k));
console.log(
  `documents: ${before.size} before, ${after.size} after, ${compared} compared; only before ${onlyBefore.length}, only after ${onlyAfter.length}`,
);
for (const [path, { count, example }] of [...differing].sort((x, y) => y[1].count - x[1].count)) {
  console.log(
    `  ${path}: differs in ${count} documents, e.g. ${example.key} ${example.path}: ${JSON.stringify(example.before)} -> ${JSON.stringify(example.after)}`,
  );
}
console.log(
  differing.size === 0 && onlyBefore.length === 0 && onlyAfter.length === 0
    ? 'identical on every compared figure'
    : `${differing.size} figure paths differ`,
);
process.exit(differing.size === 0 && onlyBefore.length === 0 && onlyAfter.length === 0 ? 0 : 1);
