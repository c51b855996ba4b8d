import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A name no other test (or earlier run) uses: each test gets its own topic and database. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function tempDir(prefix = 'touchpoint-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The engines global setup found; a missing one is an error, never a skip. */
export function realEngines(): { kafkaBrokers: string; mongoUrl: string; eventStoreUrl?: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const mongoUrl = process.env.MONGO_URL;
  if (!kafkaBrokers || !mongoUrl) {
    throw new Error(
      'KAFKA_BROKERS and MONGO_URL are not set: the integration global setup did not run',
    );
  }
  return { kafkaBrokers, mongoUrl, eventStoreUrl: process.env.EVENTSTORE_URL || undefined };
}

/** Environment for an app under test on the real engines, isolated by topic prefix and database. */
export function isolatedEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const { kafkaBrokers, mongoUrl } = realEngines();
  const id = uniqueName('t').replace(/-/g, '_');
  return {
    PORT: '0',
    LOG_LEVEL: 'error',
    KAFKA_BROKERS: kafkaBrokers,
    MONGO_URL: mongoUrl,
    MONGO_DB: id,
    TOPIC_PREFIX: `tp.${id}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    DATA_DIR: tempDir(),
    ...overrides,
  };
}

export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 20000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/**
 * A leg that cannot run here (no server reachable): counted as skipped, never as passed, and said
 * plainly on stderr and in the test name so the run shows it did not run.
 */
export function legDidNotRun(suite: string, reason: string): void {
  process.stderr.write(`[not run] ${suite}: ${reason}\n`);
  describe(suite, () => {
    it.skip(`did not run: ${reason}`, () => undefined);
  });
}

export const NO_EVENTSTORE =
  'no EventStoreDB/KurrentDB reachable (set EVENTSTORE_URL, or run where a container engine answers for testcontainers)';
