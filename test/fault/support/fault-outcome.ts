import type { MongoReadModelStore } from '@touchpoint/adapters';
import type { AppProcess } from './app-process';
import { type OracleComparison, compareWithOracle, type oracleOf } from './fault-oracle';
import { type FaultRow, reportFault } from './fault-report';
import { sleep } from './fault-workload';

/**
 * Compares the read models with the oracle every second until they are equal or `timeoutMs`
 * passed; `recoveredMs` counts from `sinceMs` (the end of the fault), null if never equal.
 */
export async function untilEqualToOracle(
  reader: MongoReadModelStore,
  expected: ReturnType<typeof oracleOf>,
  { sinceMs, timeoutMs }: { sinceMs: number; timeoutMs: number },
): Promise<{ comparison: OracleComparison; recoveredMs: number | null }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const comparison = await compareWithOracle(reader, expected).catch(() => undefined);
    if (comparison?.differingDocuments === 0)
      return { comparison, recoveredMs: Date.now() - sinceMs };
    await sleep(1000);
  }
  return { comparison: await compareWithOracle(reader, expected), recoveredMs: null };
}

/**
 * Reports the row (printed and kept, pass or fail), shows the apps' last log lines when it
 * failed, then asserts every guarantee and that nothing was lost or counted twice.
 */
export function assertFaultRow(row: FaultRow, apps: Record<string, AppProcess>): void {
  if (reportFault(row).verdict === 'fail') {
    for (const [name, app] of Object.entries(apps))
      process.stderr.write(`[fault] ${name} log:\n${app.tail(20)}\n`);
  }
  expect(row.checks).toEqual(Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])));
  expect(row.lost).toBe(0);
  expect(row.doubleCounted).toBe(0);
}
