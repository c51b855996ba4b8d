import { MongoReadModelStore } from '@touchpoint/adapters';
import { topicNames } from '@touchpoint/contracts';
import type { EventLog } from '@touchpoint/ports';
import type { StoredProjectionDoc } from '@touchpoint/read-models';
import type { BenchContext } from './context';
import { kafkaClient } from './engines';
import { drainRate, projectorGroups, startProjector } from './b1-projector.bench';
import { PARTITIONS, prepareTopic, take } from './projector-topic';
import { type Figure, num } from './report';
import { startQueryApi } from './b4-lookup.bench';
import { appendEvents, percentile, sleep } from './support';

interface Notice {
  readonly model: string;
  readonly key: string;
  readonly revision: number;
  readonly partition: number;
  readonly offset: string;
  readonly receivedAt: string;
}

const CUSTOMER_KEY = 'customer:';

/** Runs `send(n)` for `seconds`, n being what is due to keep `rate` per second. */
async function paced(
  rate: number,
  seconds: number,
  send: (n: number) => Promise<number>,
): Promise<number> {
  const began = Date.now();
  let sent = 0;
  while (Date.now() - began < seconds * 1000) {
    const due = Math.floor(((Date.now() - began) / 1000) * rate) - sent;
    if (due > 0) {
      const n = await send(due);
      if (n === 0) break;
      sent += n;
    }
    await sleep(20);
  }
  return sent;
}

/** Subscribes a fresh group at the end of `topic` and resolves once it has joined. */
async function tail(brokers: string, topic: string, onValue: (value: Buffer) => void) {
  const consumer = kafkaClient(brokers, 'touchpoint-bench-b2').consumer({
    groupId: `${topic}.bench-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.value) onValue(message.value);
      return Promise.resolve();
    },
  });
  await joined;
  // A just-joined group resolves "latest" on its first fetch; give it that fetch.
  await sleep(1000);
  return consumer;
}

/**
 * B2: freshness at half of B1's rate. Events are appended to Kafka with receivedAt stamped at
 * that instant (as ingest stamps it); for every change notice the bench times receipt of the
 * notice and then the moment the document, at that revision or later, is readable through the
 * ReadModelStore port. Baseline: raw Kafka produce → consume latency at the same rate.
 */
export async function benchFreshness(ctx: BenchContext): Promise<Figure> {
  const prepared = await prepareTopic(
    ctx,
    'b2',
    Math.max(500, Math.round(ctx.sizes.warmEvents / 2)),
  );
  const brokers = prepared.env.KAFKA_BROKERS!;
  const admin = kafkaClient(brokers, 'touchpoint-bench-b2').admin();
  await admin.connect();
  const store = new MongoReadModelStore(prepared.env.MONGO_URL!, prepared.env.MONGO_DB!, 10000);
  await store.connect();
  const projector = await startProjector(ctx, prepared.env, 'b2-projector');
  let query: Awaited<ReturnType<typeof startQueryApi>> | undefined;
  const noticeMs: number[] = [];
  const readableMs: number[] = [];
  const httpMs: number[] = [];
  let unmatched = 0;
  const pending: Promise<void>[] = [];
  try {
    query = await startQueryApi(ctx, prepared.env, 'b2-query');
    const { base: api, token } = query;
    ctx.log('B2: projector draining a warm-up backlog');
    const warm = await drainRate(
      ctx,
      admin,
      prepared.topic,
      projectorGroups(prepared.prefix),
      prepared.events,
    );
    const base = ctx.projector?.sustainedRate ?? warm.rate;
    const rate = Math.max(1, Math.round(base / 2));
    const seconds = ctx.sizes.b2Seconds;
    let loadStart = Infinity;
    const changes = await tail(brokers, topicNames(prepared.prefix).changes, (value) => {
      const n = JSON.parse(value.toString()) as Notice;
      const received = Date.parse(n.receivedAt);
      if (received < loadStart) return;
      noticeMs.push(Date.now() - received);
      // The API is asked once the store holds the document: polling it from the notice on, for
      // every notice at once, loaded the query process more than the agents it stands for.
      pending.push(
        readable(store, n, received).then(async (ms) => {
          readableMs.push(ms);
          if (n.model !== 'customer360' || !n.key.startsWith(CUSTOMER_KEY)) return;
          const served = await servedByApi(api, token, n, received);
          if (served === undefined) unmatched++;
          else httpMs.push(served);
        }),
      );
    });
    ctx.log(`B2: ${num(rate)} events/s for ${seconds} s, timing each change notice and read`);
    loadStart = Date.now();
    const sent = await paced(rate, seconds, async (n) => {
      const now = new Date().toISOString();
      const batch = [...take(prepared.more, n)].map((e) => ({ ...e, receivedAt: now }));
      return (await appendEvents(prepared.log, prepared.topic, batch)).count;
    });
    // Late notices still count; a quick run (a smoke check) waits less for them.
    await sleep(ctx.options.quick ? 3000 : 5000);
    await changes.disconnect();
    await Promise.all(pending);

    ctx.log('B2: baseline: raw Kafka produce → consume latency at the same rate');
    const raw = await rawLatency(
      ctx,
      prepared.log,
      brokers,
      `${prepared.prefix}.ping`,
      rate,
      seconds,
    );
    const sorted = [...readableMs].sort((a, b) => a - b);
    const notices = [...noticeMs].sort((a, b) => a - b);
    const served = [...httpMs].sort((a, b) => a - b);
    if (served.length === 0)
      throw new Error('B2: no customer360 change notice arrived during the load');
    const p99 = percentile(served, 99);
    return {
      id: 'B2',
      figure: `served by the API p50 ${num(percentile(served, 50))} ms, p99 ${num(p99)} ms (notice p50 ${num(percentile(notices, 50))} ms, p99 ${num(percentile(notices, 99))} ms; in the store p50 ${num(percentile(sorted, 50))} ms, p99 ${num(percentile(sorted, 99))} ms)`,
      baseline: `raw Kafka produce → consume p50 ${num(percentile(raw, 50))} ms, p99 ${num(percentile(raw, 99))} ms`,
      versus: `p99 ${num(p99)} ms`,
      met: p99 <= 250,
      notes: [
        `${num(sent)} events at ${num(rate)} events/s (half of ${ctx.projector ? 'B1’s sustained rate in this run' : 'the warm-up drain rate measured here, B1 not having run'}) for ${seconds} s, receivedAt stamped when appended with acks=all; ${num(sorted.length)} change notices timed.`,
        `Served = GET /v1/customers/{id} of the agent API (dist/apps/query, its own process, bearer JWT) answers 200 with a freshness position at or past the notice’s event, timed from receivedAt, for the ${num(served.length)} customer360 notices of registered customers; asked once the store holds the document, then every 5 ms (${num(unmatched)} more never showed the notice’s own position within 2 s, a view merged from several documents, and are not timed). In the store = the document at the notice’s revision or later returned by the ReadModelStore port, for all ${num(sorted.length)} notices.`,
        `Baseline: ${num(raw.length)} messages produced with the same adapter (acks=all) and consumed by a kafkajs group with maxWaitTimeInMs 100, timed send → receive.`,
      ],
      measuredAt: ctx.date,
      quick: ctx.options.quick,
    };
  } finally {
    await query?.stop();
    await projector.stop();
    await store.close();
    await admin.disconnect();
    await prepared.dispose();
  }
}

/** Milliseconds from receivedAt until the store returns the document at `n.revision` or later. */
async function readable(store: MongoReadModelStore, n: Notice, received: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const doc = await store.get<StoredProjectionDoc>(`${n.model}_v1`, n.key);
    if (doc && doc.revision >= n.revision) return Date.now() - received;
    await sleep(5);
  }
  throw new Error(`B2: ${n.model} ${n.key} never reached revision ${n.revision}`);
}

/**
 * Milliseconds from receivedAt until the agent API serves the customer with the notice's event
 * applied: its customer360 freshness position is on the notice's partition at or past its offset.
 */
async function servedByApi(
  api: string,
  token: string,
  n: Notice,
  received: number,
): Promise<number | undefined> {
  const url = `${api}/v1/customers/${encodeURIComponent(n.key.slice(CUSTOMER_KEY.length))}`;
  for (let attempt = 0; attempt < 400; attempt++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 200) {
      const body = (await res.json()) as {
        freshness?: { position?: { partition: number; offset: string } | null };
      };
      const at = body.freshness?.position;
      if (at && at.partition === n.partition && BigInt(at.offset) >= BigInt(n.offset))
        return Date.now() - received;
    } else await res.arrayBuffer();
    await sleep(5);
  }
  // A view merged from several documents may report another document's position: not timed.
  return undefined;
}

async function rawLatency(
  ctx: BenchContext,
  log: EventLog,
  brokers: string,
  topic: string,
  rate: number,
  seconds: number,
): Promise<number[]> {
  await log.ensureTopics([{ name: topic, partitions: Number(PARTITIONS), replicationFactor: 1 }]);
  const latencies: number[] = [];
  const consumer = await tail(brokers, topic, (value) => {
    latencies.push(Date.now() - Number(value.toString()));
  });
  let i = 0;
  await paced(rate, seconds, async (n) => {
    const now = String(Date.now());
    await log.append(
      topic,
      Array.from({ length: n }, () => ({ key: `k${i++}`, value: Buffer.from(now) })),
    );
    return n;
  });
  await sleep(1000);
  await consumer.disconnect();
  ctx.log(`B2: ${latencies.length} pings`);
  return latencies.sort((a, b) => a - b);
}
