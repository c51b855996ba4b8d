#!/usr/bin/env node
// Compares two `touchpoint export <model> --format jsonl` files document by document, figure by
// figure: used to check that a new model release computes the same views as the old one on the
// same log (docs/models.md, "Upgrading from the unbounded models"). Prints every figure path that
// differs, in how many documents and one example; arrays of objects are compared by index and by
// length (`path.length`), so a list the new release shortens shows as such. Figures only the old
// export has count as differences; figures only the new one has are listed apart. Exits 1 when a
// compared figure differs.
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

/** Leaf values by path; every array has its `.length`; arrays of scalars compare whole, arrays of objects by index. */
function leaves(value, path, out) {
  if (value === null || typeof value !== 'object') {
    out.set(path, value);
  } else if (Array.isArray(value)) {
    out.set(`${path}.length`, value.length);
    if (value.length === 0) return out;
    if (value.every((v) => v === null || typeof v !== 'object'))
      out.set(path, JSON.stringify(value));
    else value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
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
const onlyAfterPaths = new Map();
let compared = 0;
const note = (map, generic, key, example) => {
  const seen = map.get(generic) ?? { docs: new Set(), example };
  seen.docs.add(key);
  map.set(generic, seen);
};
for (const [key, a] of before) {
  const b = after.get(key);
  if (!b) continue;
  compared++;
  const la = leaves(a, '', new Map());
  const lb = leaves(b, '', new Map());
  for (const [path, va] of la) {
    if (isIgnored(path)) continue;
    const vb = lb.has(path) ? lb.get(path) : undefined;
    const same =
      typeof va === 'number' && typeof vb === 'number'
        ? Math.abs(va - vb) <= 1e-9 * Math.max(1, Math.abs(va))
        : va === vb;
    if (same) continue;
    note(differing, path.replace(/\[\d+\]/g, '[]'), key, { key, path, before: va, after: vb });
  }
  for (const [path, vb] of lb) {
    if (isIgnored(path) || la.has(path)) continue;
    // An element past the end of the old array is a length difference, reported as such.
    if (/\[\d+\]/.test(path) && la.has(`${path.replace(/\[\d+\][^[]*$/, '')}.length`)) continue;
    if (path.endsWith('.length') && la.has(path.slice(0, -'.length'.length))) continue;
    note(onlyAfterPaths, path.replace(/\[\d+\]/g, '[]'), key, { key, path, after: vb });
  }
}
const onlyBefore = [...before.keys()].filter((k) => !after.has(k));
const onlyAfter = [...after.keys()].filter((k) => !before.has(k));
console.log(
  `documents: ${before.size} before, ${after.size} after, ${compared} compared; only before ${onlyBefore.length}, only after ${onlyAfter.length}`,
);
const byDocs = (map) => [...map].sort((x, y) => y[1].docs.size - x[1].docs.size);
for (const [path, { docs, example }] of byDocs(differing)) {
  const after = example.after === undefined ? '(absent)' : JSON.stringify(example.after);
  console.log(
    `  ${path}: differs in ${docs.size} documents, e.g. ${example.key} ${example.path}: ${JSON.stringify(example.before)} -> ${after}`,
  );
}
for (const [path, { docs, example }] of byDocs(onlyAfterPaths)) {
  console.log(
    `  (only after) ${path}: in ${docs.size} documents, e.g. ${example.key}: ${JSON.stringify(example.after)}`,
  );
}
console.log(
  differing.size === 0 && onlyBefore.length === 0 && onlyAfter.length === 0
    ? 'identical on every compared figure'
    : `${differing.size} figure paths differ`,
);
process.exit(differing.size === 0 && onlyBefore.length === 0 && onlyAfter.length === 0 ? 0 : 1);
