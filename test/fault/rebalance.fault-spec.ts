import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import {
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
} from '@touchpoint/contracts';
import { LIVE_MODELS } from '@touchpoint/projector';
import { projectorGroupId } from '@touchpoint/read-models';
import { eventually, isolatedEnv, workload } from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { faultMode } from './support/fault-mode';
import { type OracleComparison, compareWithOracle, oracleOf } from './support/fault-oracle';
import { type FaultRow, reportFault } from './support/fault-report';
import { FaultWorkload, sleep } from './support/fault-workload';

const SESSION_TIMEOUT_MS = 6000;
/** How long the projector is frozen: a fold it was inside then lasts longer than FOLD_PROOF_S. */
const FREEZE_MS = SESSION_TIMEOUT_MS + 5000;
/** A histogram bound of touchpoint_projection_write_seconds above the session timeout. */
const FOLD_PROOF_S = '10';

/** Events folded so far (all models), from a projector's /metrics. */
async function eventsFolded(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('touchpoint_projection_events_total'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

/** Folds (of every model) that took longer than `le` seconds, from a projector's /metrics. */
async function foldsLongerThan(url: string, le: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let count = 0;
  let within = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('touchpoint_projection_write_seconds_count'))
      count += Number(line.split(' ').pop());
    else if (
      line.startsWith('touchpoint_projection_write_seconds_bucket') &&
      line.includes(`le="${le}"`)
    )
      within += Number(line.split(' ').pop());
  }
  return count - within;
}

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
    const bursts: RecordedEvent[] = [];
    const toMessage = (e: RecordedEvent) => ({
      key: partitionKey(e),
      value: encodeRecordedEvent(e),
      headers: eventHeaders(e),
    });
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
      // Frozen inside a fold for longer than the session: evicted, then back with a stale batch
      // it finishes writing and fails to commit. A burst appended just before keeps the
      // projector folding when the SIGSTOP lands; its metrics then prove a fold spanned the
      // freeze (one over FOLD_PROOF_S), else it is tried again with another burst.
      let crossed = false;
      for (let attempt = 1; attempt <= 4 && !crossed; attempt++) {
        const burst = workload({
          seed: 1700 + attempt,
          namespace: `b${attempt}`,
          events: mode.name === 'full' ? 1500 : 600,
          customers: 100,
          until: new Date(Date.now() - 60_000),
          days: 360,
        });
        const before = await foldsLongerThan(a.url, FOLD_PROOF_S);
        const foldedBefore = await eventsFolded(a.url);
        for (let i = 0; i < burst.length; i += 200)
          await log.append(topic, burst.slice(i, i + 200).map(toMessage));
        bursts.push(...burst);
        // The burst's first folds are done: the next ones are under way.
        await eventually(async () => (await eventsFolded(a.url)) > foldedBefore + 50 || undefined, {
          what: 'the burst being folded',
          timeoutMs: 20_000,
          intervalMs: 20,
        }).catch(() => undefined);
        process.kill(a.pid!, 'SIGSTOP');
        await sleep(FREEZE_MS);
        process.kill(a.pid!, 'SIGCONT');
        crossed = await eventually(
          async () => (await foldsLongerThan(a.url, FOLD_PROOF_S)) > before || undefined,
          { what: 'a fold longer than the freeze', timeoutMs: 15_000, intervalMs: 250 },
        ).then(
          () => true,
          () => false,
        );
        steps.push(
          `a frozen ${FREEZE_MS} ms (SIGSTOP/SIGCONT) after a burst of ${burst.length}: ${crossed ? 'inside a fold, which then took over ' + FOLD_PROOF_S + ' s' : 'between folds'}`,
        );
      }
      await driver.finish({ offerAll: true });
      await driver.settle(60_000);
      const lastAppend = Date.now();

      const expected = oracleOf([
        ...events.filter((e) => driver.acknowledged.has(e.eventId)),
        ...bursts,
      ]);
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
        acknowledged: driver.acknowledged.size + bursts.length,
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
          'a fold of the frozen projector crossed the session timeout': crossed,
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
