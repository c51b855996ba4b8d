import type { Admin } from 'kafkajs';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import type { BenchContext } from './context';
import { kafkaClient } from './engines';
import { prepareTopic, take } from './projector-topic';
import { type Figure, num } from './report';
import {
  type Child,
  appendEvents,
  committed,
  freePort,
  rateOf,
  sleep,
  spawnApp,
  topicEnd,
  watch,
} from './support';

export const MODELS = ['customer360', 'loyalty', 'crosssell'] as const;

export function projectorGroups(prefix: string): string[] {
  return MODELS.map((m) => `${prefix}.projector.${m}.v1`);
}

/** Steady loads tried before B1 reports the last one as not flat. */
const MAX_STEADY_TRIES = 6;

/**
 * B1: the projector (dist/apps/projector, its own process) drains a backlog through all three
 * models, then offers a steady load (80 % of that rate, lowered after each try whose lag grew to
 * below what that try folded, until the lag stays flat). Baselines from the same run: (a) kafkajs
 * consuming and discarding the same topic, (b) an unordered bulk upsert of the very documents
 * the projector produced into the same store.
 */
export async function benchProjector(ctx: BenchContext): Promise<Figure> {
  const events = ctx.sizes.b1Events;
  ctx.log(`B1: writing ${num(events)} events to Kafka`);
  const prepared = await prepareTopic(ctx, 'b1', events);
  const admin = kafkaClient(prepared.env.KAFKA_BROKERS!, 'touchpoint-bench-b1').admin();
  await admin.connect();
  const groups = projectorGroups(prepared.prefix);
  const projector = await startProjector(ctx, prepared.env, 'b1-projector');
  try {
    ctx.log('B1: projector draining the backlog');
    const drain = await drainRate(ctx, admin, prepared.topic, groups, prepared.events);
    ctx.log(
      `B1: drained at ${num(drain.rate)} events/s; baseline (b): bulk upsert of its documents`,
    );
    const bulk = await bulkUpsertBaseline(prepared.env.MONGO_URL!, prepared.env.MONGO_DB!);

    // The highest offered rate whose lag stays flat: first 80 % of the drain rate; after a try
    // whose lag grew, 80 % of what it folded (the projector's capacity under that load) or half
    // the offer, whichever is lower, up to MAX_STEADY_TRIES (--quick tries half the drain once).
    const probe = async () => ({
      end: await topicEnd(admin, prepared.topic),
      done: await committed(admin, prepared.topic, groups),
    });
    const tries: { target: number; steady: Steady }[] = [];
    let offer = Math.max(1, Math.round(drain.rate * (ctx.options.quick ? 0.5 : 0.8)));
    for (let attempt = 1; ; attempt++) {
      ctx.log(`B1: steady load of ${num(offer)} events/s for ${ctx.sizes.b1SustainSeconds} s`);
      const steady = await steadyLoad(ctx, prepared, offer, probe);
      tries.push({ target: offer, steady });
      if (steady.flat || ctx.options.quick || attempt === MAX_STEADY_TRIES || offer === 1) break;
      ctx.log(
        `B1: lag grew (${steady.lagStart} → ${steady.lagEnd}) at ${num(steady.rate)} events/s folded; letting it drain`,
      );
      await watch(
        async () => {
          const p = await probe();
          return p.end - p.done === 0 ? 1 : 0;
        },
        1,
        { timeoutMs: 300_000, intervalMs: 500 },
      );
      offer = Math.max(1, Math.round(Math.min(offer / 2, steady.rate * 0.8)));
    }
    const { target, steady } = tries.find((t) => t.steady.flat) ?? tries[tries.length - 1]!;
    const batches = await batchProfile(projector.url);
    await projector.stop();

    ctx.log('B1: baseline (a): kafkajs consume-and-discard of the same topic');
    const discard = await consumeAndDiscard(
      prepared.env.KAFKA_BROKERS!,
      prepared.topic,
      prepared.events,
    );
    const eventRateB = prepared.events / bulk.seconds;
    const ratio = steady.rate / eventRateB;
    ctx.projector = {
      topic: prepared.topic,
      prefix: prepared.prefix,
      events: prepared.events,
      drainRate: drain.rate,
      sustainedRate: steady.rate,
    };
    return {
      id: 'B1',
      figure: `${num(steady.rate)} events/s sustained (lag ${steady.flat ? 'flat' : 'growing'}); backlog drained at ${num(drain.rate)} events/s`,
      baseline: `(a) kafkajs discard ${num(discard.rate)} events/s; (b) bulk upsert ${num(eventRateB)} events/s (${num(bulk.docs / bulk.seconds)} docs/s)`,
      versus: `${ratio.toPrecision(2)} of (b); ${(steady.rate / discard.rate).toPrecision(2)} of (a)`,
      met: steady.flat && ratio >= 0.7,
      notes: [
        `${num(prepared.events)} events (${num(prepared.bytes / prepared.events)} bytes each on average, ${num(prepared.customers)} customers), ${prepared.env.KAFKA_TOPIC_PARTITIONS} partitions; one projector process (dist/apps/projector) folding customer360, loyalty and crosssell, each in its own consumer group; progress read from the groups' committed offsets (the slowest group counts).`,
        `Backlog drained in ${num(drain.seconds, 1)} s. Steady loads tried (offered → folded, lag first → last third of the window): ${tries.map((t) => `${num(t.target)} → ${num(t.steady.rate)} events/s, lag ${t.steady.lagStart} → ${t.steady.lagEnd}`).join('; ')}. Reported: ${num(target)} events/s offered for ${ctx.sizes.b1SustainSeconds} s, ${num(steady.rate)} events/s folded; lag ${steady.lagStart} → ${steady.lagEnd} records (first → last third of the window, mean).`,
        `Projector folds over the whole run (its /metrics): ${batches}.`,
        `(b) wrote the ${num(bulk.docs)} documents the projector produced (${num(bulk.bytes / 2 ** 20, 1)} MiB) into fresh collections of the same server with unordered bulk replaceOne upserts, 1000 per call, in ${num(bulk.seconds, 1)} s; as events/s it is ${num(prepared.events)} events ÷ that time.`,
        `(a) one kafkajs consumer group reading the same ${num(prepared.events)} records and discarding them, timed from joining the group to the last record.`,
      ],
      measuredAt: ctx.date,
      quick: ctx.options.quick,
    };
  } finally {
    await projector.stop();
    await admin.disconnect();
    await prepared.dispose();
  }
}

interface Steady {
  readonly rate: number;
  readonly flat: boolean;
  readonly lagStart: number;
  readonly lagEnd: number;
}

export async function startProjector(
  ctx: BenchContext,
  env: Record<string, string>,
  name: string,
): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = spawnApp(
    'dist/apps/projector/src/main.js',
    { ...env, PORT: String(port) },
    { profile: ctx.options.profile, name },
  );
  return { ...child, url: `http://127.0.0.1:${port}` };
}

/** Mean batch size and mean load + fold + write time per batch, per model, from /metrics. */
export async function batchProfile(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string, model: string) =>
    Number(
      new RegExp(`^${name}\\{[^}]*model="${model}"[^}]*\\} ([\\d.e+-]+)`, 'm').exec(text)?.[1] ??
        NaN,
    );
  return MODELS.map((m) => {
    const batches = value('touchpoint_projection_batch_events_count', m);
    const events = value('touchpoint_projection_batch_events_sum', m);
    const seconds = value('touchpoint_projection_write_seconds_sum', m);
    return `${m}: ${num(batches)} folds of ${num(events / batches, 1)} events, ${num((1000 * seconds) / batches)} ms each`;
  }).join('; ');
}

/** Rate at which the groups commit `events` records, from their first commit to the last. */
export async function drainRate(
  ctx: BenchContext,
  admin: Admin,
  topic: string,
  groups: readonly string[],
  events: number,
): Promise<{ rate: number; seconds: number; done: number }> {
  const drain = rateOf(
    await watch(() => committed(admin, topic, groups), events, {
      timeoutMs: ctx.options.quick ? 120_000 : 1_800_000,
    }),
  );
  if (drain.done < events)
    throw new Error(`the projector folded ${drain.done} of ${events} events in time`);
  return drain;
}

/** Offers `target` events/s in 100 ms slices, samples the lag each second. */
export async function steadyLoad(
  ctx: BenchContext,
  prepared: Awaited<ReturnType<typeof prepareTopic>>,
  target: number,
  probe: () => Promise<{ end: number; done: number }>,
): Promise<Steady> {
  const seconds = ctx.sizes.b1SustainSeconds;
  const lags: number[] = [];
  const start = await probe();
  const began = Date.now();
  let sent = 0;
  let stopped = false;
  const sampler = (async () => {
    while (!stopped) {
      await sleep(1000);
      const p = await probe();
      lags.push(p.end - p.done);
    }
  })();
  while (Date.now() - began < seconds * 1000) {
    const due = Math.floor(((Date.now() - began) / 1000) * target) - sent;
    if (due > 0) {
      const { count } = await appendEvents(prepared.log, prepared.topic, take(prepared.more, due));
      if (count === 0) throw new Error('B1: the workload ran out during a steady load');
      sent += count;
    }
    await sleep(100);
  }
  const elapsed = (Date.now() - began) / 1000;
  stopped = true;
  await sampler;
  const finish = await probe();
  const third = Math.max(1, Math.floor(lags.length / 3));
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const lagStart = mean(lags.slice(0, third));
  const lagEnd = mean(lags.slice(-third));
  return {
    rate: (finish.done - start.done) / elapsed,
    // Flat: the lag grew by less than one second's worth of the offered load.
    flat: lagEnd - lagStart <= target,
    lagStart,
    lagEnd,
  };
}

interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

/** Baseline (b): the projector's own output, re-written the fastest plain way. */
async function bulkUpsertBaseline(
  mongoUrl: string,
  db: string,
): Promise<{ seconds: number; docs: number; bytes: number }> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  try {
    const source = client.db(db);
    const target = client.db(`${db}_raw`);
    const all: { coll: string; docs: StoredDoc[] }[] = [];
    let bytes = 0;
    for (const m of MODELS) {
      const docs = await source.collection<StoredDoc>(`${m}_v1`).find({}).toArray();
      for (const d of docs) bytes += JSON.stringify(d).length;
      all.push({ coll: `${m}_v1`, docs });
    }
    const began = Date.now();
    let count = 0;
    for (const { coll, docs } of all) {
      for (let i = 0; i < docs.length; i += 1000) {
        const ops: AnyBulkWriteOperation<StoredDoc>[] = docs.slice(i, i + 1000).map((d) => ({
          replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true },
        }));
        await target.collection<StoredDoc>(coll).bulkWrite(ops, { ordered: false });
        count += ops.length;
      }
    }
    const seconds = (Date.now() - began) / 1000;
    await target.dropDatabase();
    return { seconds, docs: count, bytes };
  } finally {
    await client.close();
  }
}

/** Baseline (a): one kafkajs group reading `records` records and doing nothing with them. */
export async function consumeAndDiscard(
  brokers: string,
  topic: string,
  records: number,
): Promise<{ rate: number }> {
  const consumer = kafkaClient(brokers, 'touchpoint-bench-discard').consumer({
    groupId: `${topic}.bench-discard`,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  let joined = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = Date.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  const finished = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= records) resolve(Date.now());
        return Promise.resolve();
      },
    });
  });
  const timeout = sleep(300_000).then(() => 0);
  const last = await Promise.race([finished, timeout]);
  await consumer.disconnect();
  if (last === 0) throw new Error(`B1 (a): only ${seen} of ${records} records consumed in time`);
  return { rate: seen / Math.max(0.001, (last - joined) / 1000) };
}
