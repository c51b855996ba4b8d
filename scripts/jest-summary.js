#!/usr/bin/env node
// Prints the plain closing line CI reads, computed from jest's --json results.
const fs = require('node:fs');

const file = process.argv[2] ?? '.jest/results.json';
if (!fs.existsSync(file)) {
  console.error(`no jest results at ${file}: jest did not finish`);
  process.exit(2);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
// A suite that fails to load has no test results of its own; count it as a failure.
const brokenSuites = r.testResults.filter(
  (s) => s.status === 'failed' && s.assertionResults.length === 0,
).length;
const perProject = {};
for (const suite of r.testResults) {
  const project = suite.name.includes('.e2e-spec.')
    ? 'e2e'
    : suite.name.includes('.int-spec.')
      ? 'integration'
      : suite.name.includes('.fault-spec.')
        ? 'fault'
        : 'unit';
  const p = (perProject[project] ??= { passed: 0, failed: 0, skipped: 0 });
  for (const a of suite.assertionResults) {
    if (a.status === 'passed') p.passed++;
    else if (a.status === 'failed') p.failed++;
    else p.skipped++;
  }
}
for (const [name, p] of Object.entries(perProject)) {
  console.log(`${name}: ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped`);
}
// Name what did not run (e.g. the EventStoreDB legs where no server is reachable).
for (const suite of r.testResults) {
  for (const a of suite.assertionResults) {
    if (a.status === 'pending' || a.status === 'skipped') console.log(`skipped: ${a.fullName}`);
  }
}
const failed = r.numFailedTests + brokenSuites;
console.log(`skipped in all: ${r.numPendingTests + r.numTodoTests}`);
// The closing line is exactly "N passed, N failed": CI reads it and nothing after it.
console.log(`${r.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || !r.success ? 1 : 0);
