import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import {
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
} from '@touchpoint/contracts';
import { LIVE_MODELS, type StoredProjectionDoc, crosssellRules } from '@touchpoint/projector';
import {
  type CustomerBasketsState,
  associationRules,
  basketStats,
  sumStats,
} from '@touchpoint/projections';
import { eventually, isolatedEnv, prng, workload } from '@touchpoint/testing';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js');

/** Key order is an artefact of how a state was built; compare content only. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
  }
  return `${path}: stored ${canonical(a)?.slice(0, 300)} vs oracle ${canonical(b)?.slice(0, 300)}`;
}

/** The oracle: the same pure functions folded in memory, per document key, in log order. */
function oracle(events: readonly RecordedEvent[]): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const model of LIVE_MODELS) {
    const { projection, policy } = model;
    const states = new Map<string, unknown>();
    events.forEach((event, i) => {
      for (const key of projection.keys(event)) {
        const state = states.get(key) ?? projection.initial(key);
        // JSON round trip: the stored documents went through it too.
        const next = projection.evolve(
          state,
          { event, position: { partition: 0, offset: String(i) } },
          key,
          policy,
        );
        states.set(key, JSON.parse(JSON.stringify(next)));
      }
    });
    out.set(model.collection, states);
  }
  return out;
}

describe('projector killed at random instants', () => {
  it('given SIGKILLs while events flow, when it restarts each time, then the documents equal an oracle fold and duplicates count once', async () => {
    expect(LIVE_MODELS.length).toBeGreaterThan(0);
    if (!existsSync(MAIN))
      throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    // A short session so a killed member's partitions move on quickly.
    const env = isolatedEnv({ LOG_LEVEL: 'error', KAFKA_SESSION_TIMEOUT_MS: '6000' });
    const events = workload({
      seed: 42,
      events: 1500,
      customers: 60,
      until: new Date('2026-11-01T00:00:00Z'),
      days: 800,
    });
    const rand = prng(4242);
    // Client retries: some events reach the log twice, at two offsets.
    const stream = events.flatMap((e) => (rand() < 0.05 ? [e, e] : [e]));

    const log = new KafkaEventLog({
      brokers: env.KAFKA_BROKERS!.split(','),
      clientId: 'crash-test',
      connectTimeoutMs: 10000,
    });
    await log.connect();
    const topic = `${env.TOPIC_PREFIX}.events`;
    await log.ensureTopics([
      { name: topic, partitions: 3, replicationFactor: 1, config: { 'retention.ms': '-1' } },
    ]);
    let child: ChildProcess | undefined;
    const start = () => {
      child = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH, ...env },
        stdio: 'ignore',
      });
    };
    const kill = async () => {
      const c = child;
      if (!c) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await exited;
    };
    let kills = 0;
    try {
      start();
      const chunk = 100;
      for (let i = 0; i < stream.length; i += chunk) {
        await log.append(
          topic,
          stream.slice(i, i + chunk).map((e) => ({
            key: partitionKey(e),
            value: encodeRecordedEvent(e),
            headers: eventHeaders(e),
          })),
        );
        await new Promise((r) => setTimeout(r, 150 + rand() * 600));
        if (rand() < 0.35) {
          await kill();
          kills++;
          start();
        }
      }
      expect(kills).toBeGreaterThanOrEqual(2);
      const appended = Date.now();

      const expected = oracle(events);
      const store = new MongoReadModelStore(env.MONGO_URL!, env.MONGO_DB!, 10000);
      await store.connect();
      try {
        for (const [collection, states] of expected) {
          await eventually(
            async () => {
              const docs = await store.getMany<StoredProjectionDoc>(collection, [...states.keys()]);
              if (docs.size !== states.size) return undefined;
              for (const [key, state] of states) {
                if (canonical(JSON.parse(docs.get(key)!.state)) !== canonical(state))
                  return undefined;
              }
              process.stderr.write(
                `[crash-test] ${collection} equals the oracle after ${Date.now() - appended} ms\n`,
              );
              return true;
            },
            { what: `${collection} to equal the oracle`, timeoutMs: 240000, intervalMs: 1000 },
          ).catch(async (e: unknown) => {
            // Show one differing document rather than only a timeout.
            const docs = await store.getMany<StoredProjectionDoc>(collection, [...states.keys()]);
            const diffs = [...states]
              .map(
                ([k, st]) =>
                  [k, firstDifference(JSON.parse(docs.get(k)?.state ?? 'null'), st)] as const,
              )
              .filter(([, d]) => d !== undefined);
            const missing = [...states.keys()].filter((k) => !docs.has(k));
            throw new Error(
              `${String(e)}; ${docs.size}/${states.size} documents stored, missing ${missing.slice(0, 5).join(', ')}; ${diffs.length} differ, first ${diffs[0]?.[0]} at ${diffs[0]?.[1]}`,
            );
          });
        }
        // Global co-purchase figures, summed at read time, count every basket exactly once.
        const crosssell = [...expected.entries()].find(([c]) => c.startsWith('crosssell'))!;
        const oracleStats = sumStats(
          [...crosssell[1].values()].map((st) => basketStats(st as CustomerBasketsState)),
        );
        const options = { level: 'category' as const, minSupport: 0, minConfidence: 0 };
        expect(await crosssellRules(store, crosssell[0], options)).toEqual(
          associationRules(oracleStats, options),
        );
        expect(oracleStats.baskets).toBe(
          events.filter((e) => e.type === 'purchase.completed').length,
        );
      } finally {
        await store.close();
      }
    } finally {
      await kill();
      await log.close();
    }
  }, 600000);
});
