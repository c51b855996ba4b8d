import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import { encodeRecordedEvent, eventHeaders, partitionKey } from '@touchpoint/contracts';
import { LIVE_MODELS } from '@touchpoint/projector';
import { crosssellRules } from '@touchpoint/read-models';
import {
  type CustomerBasketsState,
  associationRules,
  basketStats,
  sumStats,
} from '@touchpoint/projections';
import { awaitOracle, isolatedEnv, oracleFold, prng, workload } from '@touchpoint/testing';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'apps', 'projector', 'src', 'main.js');

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
      // Within every model's horizon (400 days, and fewer events per customer than the detail
      // limits, 16 for customer360: about 6 per customer here): there a duplicate or a reused
      // business id is recognised in any arrival order and any batch split; beyond it such
      // events count again, by design (docs/models.md).
      customers: 250,
      until: new Date('2026-11-01T00:00:00Z'),
      days: 360,
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

      const expected = oracleFold(events);
      const store = new MongoReadModelStore(env.MONGO_URL!, env.MONGO_DB!, 10000);
      await store.connect();
      try {
        await awaitOracle(store, expected, { label: 'crash-test' });
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
