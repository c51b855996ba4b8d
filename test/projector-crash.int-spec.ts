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
import { LIVE_MODELS, type StoredProjectionDoc } from '@touchpoint/projector';
import { eventually, isolatedEnv, prng, workload } from '@touchpoint/testing';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js');

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
    const env = isolatedEnv({ LOG_LEVEL: 'error' });
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
          stream
            .slice(i, i + chunk)
            .map((e) => ({
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
                if (JSON.stringify(JSON.parse(docs.get(key)!.state)) !== JSON.stringify(state))
                  return undefined;
              }
              return true;
            },
            { what: `${collection} to equal the oracle`, timeoutMs: 120000, intervalMs: 1000 },
          ).catch(async (e: unknown) => {
            // Show one differing document rather than only a timeout.
            const docs = await store.getMany<StoredProjectionDoc>(collection, [...states.keys()]);
            const diff = [...states].find(
              ([k, s]) =>
                JSON.stringify(JSON.parse(docs.get(k)?.state ?? 'null')) !== JSON.stringify(s),
            );
            throw new Error(
              `${String(e)}; first difference at ${diff?.[0]}: stored ${docs.get(diff?.[0] ?? '')?.state ?? 'nothing'} vs oracle ${JSON.stringify(diff?.[1])}`,
            );
          });
        }
      } finally {
        await store.close();
      }
    } finally {
      await kill();
      await log.close();
    }
  }, 300000);
});
