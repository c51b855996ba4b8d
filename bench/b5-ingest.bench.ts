import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import { runCli } from '../apps/cli/src/cli';
import type { BenchContext } from './context';
import { kafkaHome } from './machine';
import { PARTITIONS, removeRunData } from './projector-topic';
import { type Figure, num } from './report';
import { freePort, spawnApp, waitHealthy } from './support';
import { benchWorkload } from './workload';

const BATCH = 500;
const IN_FLIGHT = 4;

/** Request bodies of at most BATCH events, one channel per body (a key belongs to one channel). */
function bodies(
  events: Iterable<RecordedEvent>,
): { channel: string; body: string; count: number }[] {
  const byChannel = new Map<string, unknown[][]>();
  for (const e of events) {
    const { receivedAt: _r, source: _s, ...incoming } = e;
    const chunks = byChannel.get(e.channel) ?? [[]];
    if (chunks[chunks.length - 1]!.length >= BATCH) chunks.push([]);
    chunks[chunks.length - 1]!.push(incoming);
    byChannel.set(e.channel, chunks);
  }
  return [...byChannel].flatMap(([channel, chunks]) =>
    chunks.map((c) => ({ channel, body: JSON.stringify(c), count: c.length })),
  );
}

async function createKey(env: Record<string, string>, channel: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['keys', 'create', '--channel', channel, '--types', '*'], env, (l) =>
    out.push(l),
  );
  if (code !== 0 || !out[0]) throw new Error(`keys create for ${channel} exited ${code}`);
  return out[0];
}

/** CPU seconds (user + system) a process used so far (Linux), whatever else the machine ran. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's 1-minute load average, rounded, as recorded beside each figure. */
function load(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

function cpuPerEvent(seconds: number | undefined, events: number): string {
  return seconds === undefined ? 'unknown' : `${num((seconds * 1e6) / events)} us per event`;
}

interface ToolRun {
  readonly rate: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** Kafka's own ProducerPerformance tool, acks=all, same topic layout and record size. */
function producerPerformance(
  brokers: string,
  topic: string,
  records: number,
  size: number,
): ToolRun {
  const kafka = kafkaHome();
  if (!kafka) throw new Error('no Kafka jars found: run deploy/local/infra.sh install');
  const loadBefore = load();
  const run = spawnSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      join(kafka.home, 'libs', '*'),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
    ],
    { encoding: 'utf8', timeout: 600_000 },
  );
  const summary = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    run.stdout.trim().split('\n').pop() ?? '',
  );
  if (!summary)
    throw new Error(`ProducerPerformance printed no summary: ${run.stdout}${run.stderr}`);
  return { rate: Number(summary[2]), loadBefore, loadAfter: load() };
}

/**
 * Mean time of ingest's store writes per group of IN_FLIGHT requests: one insert claiming their
 * new ids (the group commit), and one outcome document per request; and, for comparison, the
 * lookup by id the handler made before claims existed.
 */
async function registryCost(
  mongoUrl: string,
  db: string,
): Promise<{ claim: number; outcome: number; lookup: number }> {
  const store = new MongoReadModelStore(mongoUrl, db, 10000);
  await store.connect();
  try {
    let claim = 0;
    let outcome = 0;
    let lookup = 0;
    const rounds = 3;
    for (let r = 0; r < rounds; r++) {
      const ids = Array.from({ length: BATCH * IN_FLIGHT }, () => randomUUID());
      const at = new Date().toISOString();
      let t = performance.now();
      await store.getMany('ingest_event_ids', ids.slice(0, BATCH));
      lookup += performance.now() - t;
      t = performance.now();
      await store.writeVersioned(
        'ingest_event_ids',
        ids.map((id) => ({ id, doc: { c: 'token', at }, version: 1 })),
      );
      claim += performance.now() - t;
      t = performance.now();
      await store.writeVersioned('ingest_event_id_claims', [
        {
          id: randomUUID(),
          doc: {
            at,
            ids: ids.slice(0, BATCH),
            positions: ids.slice(0, BATCH).map((_, i) => `${i % 12}:${i}`),
          },
          version: 1,
        },
      ]);
      outcome += performance.now() - t;
    }
    await store.dropCollection('ingest_event_ids');
    await store.dropCollection('ingest_event_id_claims');
    return { claim: claim / rounds, outcome: outcome / rounds, lookup: lookup / rounds };
  } finally {
    await store.close();
  }
}

/**
 * B5: the ingest app (dist/apps/ingest, its own process) taking the workload through the batch
 * endpoint, IN_FLIGHT requests of BATCH events at a time, every event answered only after
 * Kafka acknowledged it (acks=all). A warm-up share of the requests is sent before the clock
 * starts. Baseline: Kafka's ProducerPerformance on the same broker, measured after a warm-up run
 * of its own (JVM and connections), so both figures are steady rates.
 */
export async function benchIngest(ctx: BenchContext): Promise<Figure> {
  const { b5Events: events, b5WarmupEvents: warmupEvents } = ctx.sizes;
  const { kafkaBrokers, mongoUrl } = ctx.engines();
  const name = `bench_b5_${ctx.id}`;
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    MONGO_URL: mongoUrl,
    MONGO_DB: name,
    TOPIC_PREFIX: `bench.b5.${ctx.id}`,
    KAFKA_TOPIC_PARTITIONS: PARTITIONS,
    LOG_LEVEL: 'warn',
    INGEST_RATE_LIMIT_PER_SECOND: '1000000',
    INGEST_RATE_LIMIT_BURST: '10000000',
  };
  const requests = bodies(benchWorkload(ctx.workload(events + warmupEvents, 'b5')));
  let warmupRequests = 0;
  for (let n = 0; n < warmupEvents && warmupRequests < requests.length; warmupRequests++)
    n += requests[warmupRequests]!.count;
  const timed = requests.slice(warmupRequests);
  const timedEvents = timed.reduce((n, r) => n + r.count, 0);
  const bytes = requests.reduce((n, r) => n + Buffer.byteLength(r.body), 0);
  const keys = new Map<string, string>();
  for (const channel of new Set(requests.map((r) => r.channel)))
    keys.set(channel, await createKey(env, channel));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ingest = spawnApp(
    'dist/apps/ingest/src/main.js',
    { ...env, PORT: String(port) },
    { profile: ctx.options.profile, name: 'b5-ingest' },
  );
  let accepted = 0;
  const post = async (batch: readonly { channel: string; body: string }[]): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batch.length) {
          const r = batch[next++]!;
          const res = await fetch(`${url}/v1/events/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': keys.get(r.channel)! },
            body: r.body,
          }).catch((e: Error) => {
            throw new Error(`B5: POST /v1/events/batch failed: ${e.message} (${String(e.cause)})`);
          });
          const answer = (await res.json()) as { results?: { status: string }[] };
          if (res.status !== 202)
            throw new Error(
              `B5: batch answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`,
            );
          accepted += answer.results?.filter((x) => x.status === 'accepted').length ?? 0;
        }
      }),
    );
  };
  let seconds;
  let ingestLoad;
  try {
    await waitHealthy(url, ingest);
    ctx.log(`B5: warming up with ${num(events + warmupEvents - timedEvents)} events`);
    await post(requests.slice(0, warmupRequests));
    ctx.log(
      `B5: posting ${num(timedEvents)} events in ${timed.length} batches, ${IN_FLIGHT} in flight`,
    );
    const loadBefore = load();
    const cpuBefore = cpuSeconds(ingest.process.pid);
    const began = Date.now();
    await post(timed);
    seconds = (Date.now() - began) / 1000;
    const cpuAfter = cpuSeconds(ingest.process.pid);
    ingestLoad = {
      before: loadBefore,
      after: load(),
      cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    };
  } finally {
    await ingest.stop();
  }
  if (accepted !== events + warmupEvents)
    throw new Error(`B5: ${accepted} of ${events + warmupEvents} accepted`);
  const rate = timedEvents / seconds;
  const size = Math.round(bytes / (events + warmupEvents));
  const perfTopic = `${env.TOPIC_PREFIX}.perf`;
  const log = new KafkaEventLog({
    brokers: kafkaBrokers.split(','),
    clientId: 'bench-b5',
    connectTimeoutMs: 10000,
  });
  await log.connect();
  try {
    await log.ensureTopics([
      { name: perfTopic, partitions: Number(PARTITIONS), replicationFactor: 1 },
    ]);
  } finally {
    await log.close();
  }
  const { b5ToolWarmupRecords: toolWarmup, b5ToolRecords: toolRecords } = ctx.sizes;
  ctx.log(
    `B5: ${num(rate)} events/s (load ${ingestLoad.before} -> ${ingestLoad.after}; ingest CPU ${cpuPerEvent(ingestLoad.cpu, timedEvents)}); baseline: ProducerPerformance, ${num(toolWarmup)} records to warm up, then ${num(toolRecords)} records of ${size} bytes`,
  );
  // A cold JVM spends its first hundred thousand records compiling: only the second run counts.
  const warm = producerPerformance(kafkaBrokers, perfTopic, toolWarmup, size);
  const tool = producerPerformance(kafkaBrokers, perfTopic, toolRecords, size);
  ctx.log(
    `B5: ProducerPerformance ${num(tool.rate)} records/s (load ${tool.loadBefore} -> ${tool.loadAfter}; warm-up run ${num(warm.rate)} records/s)`,
  );
  const ratio = rate / tool.rate;
  const registry = await registryCost(env.MONGO_URL, `${name}_probe`);
  await removeRunData(kafkaBrokers, mongoUrl, name, env.TOPIC_PREFIX);
  return {
    id: 'B5',
    figure: `${num(rate)} events/s`,
    baseline: `ProducerPerformance ${num(tool.rate)} records/s`,
    versus: ratio.toPrecision(2),
    met: ratio >= 0.3,
    notes: [
      `${num(timedEvents)} events (${num(size)} bytes of JSON each on average) POSTed to /v1/events/batch of one ingest process (dist/apps/ingest, kafkajs producer), ${BATCH} per request, ${IN_FLIGHT} requests in flight, one API key per channel, after ${num(events + warmupEvents - timedEvents)} warm-up events; every event answered 202 accepted after acks=all; ${num(seconds, 1)} s; 1-minute load average ${ingestLoad.before} before, ${ingestLoad.after} after (${cpus().length} cores); the ingest process used ${cpuPerEvent(ingestLoad.cpu, timedEvents)} of CPU (user + system), which the load does not change.`,
      `The duplicate registry on the request path (measured after the run on the same store, three rounds): claiming the new ids of ${IN_FLIGHT} requests in one insert (${num(BATCH * IN_FLIGHT)} ids) took ${num(registry.claim)} ms; the outcome document of one request ${num(registry.outcome)} ms (written after the answer); the lookup of ${BATCH} ids the handler made before claims existed ${num(registry.lookup)} ms. The requests of the run carried ${num(timedEvents / timed.length)} events each and took ${num((1000 * seconds) / timed.length)} ms each, ${IN_FLIGHT} at a time.`,
      `Baseline: org.apache.kafka.tools.ProducerPerformance from the Kafka ${kafkaHome()?.version ?? ''} jars, acks=all (the Java producer's defaults otherwise: idempotent, no compression), --throughput -1, to a topic with the same ${PARTITIONS} partitions: a warm-up run of ${num(toolWarmup)} records (${num(warm.rate)} records/s, load ${warm.loadBefore} -> ${warm.loadAfter}), then ${num(toolRecords)} records of ${size} bytes measured: ${num(tool.rate)} records/s, load ${tool.loadBefore} before, ${tool.loadAfter} after.`,
    ],
    measuredAt: ctx.date,
    quick: ctx.options.quick,
  };
}
