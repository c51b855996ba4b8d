import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import { topicNames } from '@touchpoint/contracts';
import { LIVE_MODELS } from '@touchpoint/projector';
import { projectorGroupId } from '@touchpoint/read-models';
import { eventually, isolatedEnv, workload } from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { faultMode } from './support/fault-mode';
import { type OracleComparison, compareWithOracle, oracleOf } from './support/fault-oracle';
import { type FaultRow, reportFault } from './support/fault-report';
import { FaultWorkload, sleep } from './support/fault-workload';

const SESSION_TIMEOUT_MS = 6000;

/**
 * Scenario 3 of issue 16: projectors joining and leaving mid-stream. A second and a third
 * process join, one leaves gracefully, one is SIGKILLed, and the first is frozen (SIGSTOP) for
 * longer than the session timeout in the middle of its batches, so the group evicts it and its
 * partitions move while it still holds a batch it will try to finish and commit.
 */
describe('fault 3: rebalances while events flow', () => {
  it('given a workload, when projectors join, leave, are killed and one is frozen past the session timeout, then the models equal the oracle and no partition stalls', async () => {
    const mode = faultMode();
    const env = isolatedEnv({
      LOG_LEVEL: 'warn',
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_TOPIC_PARTITIONS: '6',
    });
    const topic = topicNames(env.TOPIC_PREFIX).events;
    const events = workload({
      seed: 1603,
      events: mode.events,
      customers: Math.ceil(mode.events / 6),
      until: new Date(Date.now() - 60_000),
      days: 360,
    });
    const a = new AppProcess('projector', env);
    const b = new AppProcess('projector', env);
    const c = new AppProcess('projector', env);
    const log = new KafkaEventLog({
      brokers: env.KAFKA_BROKERS!.split(','),
      clientId: 'fault-rebalance',
      connectTimeoutMs: 10000,
    });
    const store = new MongoReadModelStore(env.MONGO_URL!, env.MONGO_DB!, 10000);
    const steps: string[] = [];
    try {
      await a.start();
      await log.connect();
      const driver = new FaultWorkload({
        events,
        ingestUrl: '',
        keys: new Map(),
        log,
        topic,
        ratePerSecond: mode.ratePerSecond,
        directShare: 1,
        seed: 3,
      });
      driver.start();
      const at = (share: number) =>
        eventually(() => driver.offered >= events.length * share || undefined, {
          what: `${share * 100}% of the workload offered`,
          timeoutMs: 120_000,
          intervalMs: 100,
        });
      await at(0.15);
      await b.start();
      steps.push('b joined');
      await at(0.3);
      await c.start();
      steps.push('c joined');
      await at(0.45);
      steps.push(`b stopped gracefully: exit ${await b.stop()}`);
      await at(0.55);
      await c.kill();
      steps.push('c SIGKILLed');
      await at(0.65);
      // Frozen mid-stream for longer than the session: evicted, then back with a stale batch.
      process.kill(a.pid!, 'SIGSTOP');
      await sleep(SESSION_TIMEOUT_MS + 4000);
      process.kill(a.pid!, 'SIGCONT');
      steps.push(`a frozen ${SESSION_TIMEOUT_MS + 4000} ms (SIGSTOP/SIGCONT)`);
      await driver.finish({ offerAll: true });
      await driver.settle(60_000);
      const lastAppend = Date.now();

      const expected = oracleOf(events.filter((e) => driver.acknowledged.has(e.eventId)));
      await store.connect();
      let comparison: OracleComparison | undefined;
      let recovered: number | null = null;
      const deadline = Date.now() + mode.recoverTimeoutMs;
      while (Date.now() < deadline) {
        comparison = await compareWithOracle(store, expected);
        if (comparison.differingDocuments === 0) {
          recovered = Date.now() - lastAppend;
          break;
        }
        await sleep(1000);
      }
      comparison ??= await compareWithOracle(store, expected);
      const end = await log.offsets(topic);
      const behind = await Promise.all(
        LIVE_MODELS.map(async (m) => {
          const committed = await log.committedOffsets(
            projectorGroupId(env.TOPIC_PREFIX!, m.model, m.version),
            topic,
          );
          return end.map(
            (o) =>
              Number(o.high) -
              Number(committed.find((x) => x.partition === o.partition)?.offset ?? 0),
          );
        }),
      );
      const row: FaultRow = {
        scenario: '3 rebalance',
        guarantee:
          'projectors join, leave, are killed, one frozen past the session timeout: models equal the oracle, no partition stalls',
        mode: mode.name,
        acknowledged: driver.acknowledged.size,
        folded: comparison.folded,
        lost: comparison.lost,
        doubleCounted: comparison.doubleCounted,
        recoverMs: recovered,
        checks: {
          'models equal the oracle': comparison.differingDocuments === 0,
          'every partition of every group committed to the end (lag 0)': behind.every((g) =>
            g.every((n) => n === 0),
          ),
          'the frozen projector is still running': a.running,
        },
        details: {
          steps,
          lagPerGroupAndPartition: behind,
          peakRssMiB: { a: a.peakRssMiB, b: b.peakRssMiB, c: c.peakRssMiB },
          documents: `${comparison.storedDocuments}/${comparison.expectedDocuments}`,
          ...(comparison.firstDifference ? { firstDifference: comparison.firstDifference } : {}),
        },
      };
      const written = reportFault(row);
      if (written.verdict === 'fail') process.stderr.write(`[fault] projector a:\n${a.tail()}\n`);
      expect(row.checks).toEqual(Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])));
    } finally {
      // A failure while it was frozen must not leave it stopped (and unkillable by SIGTERM).
      if (a.running) process.kill(a.pid!, 'SIGCONT');
      await Promise.all([a.stop(), b.stop(), c.stop()]);
      await log.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    }
  }, 600_000);
});
