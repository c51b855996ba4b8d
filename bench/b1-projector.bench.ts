import type { Admin } from 'kafkajs';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { topicNames } from '@touchpoint/contracts';
import type { EventLog, PartitionOffsets } from '@touchpoint/ports';
import { collectionName } from '@touchpoint/read-models';
import type { BenchContext } from './context';
import {
  type SizeSummary,
  describeSizes,
  documentBytes,
  kib,
  stateBytes,
  summarise,
} from './document-sizes';
import { kafkaClient } from './engines';
import { cpuSecondsByProcess, cpuShares } from './machine';
import {
  documentsWrittenBetween,
  histogramSummary,
  histogramTotals,
  modelValue,
  storeCallsBetween,
} from './metrics';
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
  waitForCoordinators,
  watch,
} from './support';

export const MODELS = ['customer360', 'loyalty', 'crosssell'] as const;

export function projectorGroups(prefix: string): string[] {
  return MODELS.map((m) => `${prefix}.projector.${m}.v1`);
}

/** Steady loads tried before B1 reports the last one as not flat. */
const MAX_STEADY_TRIES = 6;

/** Event time B1's preloaded history spans: beyond the models' 400-day horizon, so they compact. */
const HISTORY_DAYS = 3 * 365;

/** Document writes of the reported window that baseline (b) replays (a uniform sample). */
const BASELINE_WRITES = { full: 20_000, quick: 2_000 };

/**
 * B1: the projector (dist/apps/projector, its own process) on a stationary population. A
 * history is preloaded (customers × events each over three years of event time) and drained;
 * then a steady load spread over the same customers, continuing their histories at the same
 * pace of event time, is offered at 80 % of the drain rate and lowered after each try whose lag
 * grew, until the lag stays flat. Document sizes are read from the store before and after the
 * steady phase. Baselines from the same run: (a) kafkajs consuming and discarding the same
 * topic, (b) the document writes the projector made in the reported window (from its change
 * notices: one per document written), re-written from the store with unordered bulk upserts.
 */
export async function benchProjector(ctx: BenchContext): Promise<Figure> {
  const population = ctx.options.b1Population ?? ctx.sizes.b1Population;
  const events = population.customers * population.eventsPerCustomer;
  ctx.log(
    `B1: writing a history of ${num(events)} events (${num(population.customers)} customers × ${num(population.eventsPerCustomer)}) to Kafka`,
  );
  const prepared = await prepareTopic(ctx, 'b1', events, {
    customers: population.customers,
    days: HISTORY_DAYS,
  });
  const admin = kafkaClient(prepared.env.KAFKA_BROKERS!, 'touchpoint-bench-b1').admin();
  await admin.connect();
  const groups = projectorGroups(prepared.prefix);
  const changesTopic = topicNames(prepared.prefix).changes;
  const projector = await startProjector(ctx, prepared.env, 'b1-projector');
  try {
    ctx.log('B1: projector draining the preloaded history');
    const drain = await drainRate(ctx, admin, prepared.topic, groups, prepared.events);
    // A backlog that fits one fetch is folded whole between two polls, which overstates the
    // drain rate; the time the folds took (the projector's /metrics) bounds it from above too.
    const capacity = foldCapacity(await (await fetch(`${projector.url}/metrics`)).text());
    ctx.log(
      `B1: drained at ${num(drain.rate)} events/s (folds: ${num(capacity)} events/s); reading document sizes`,
    );
    const before = await storedSizes(prepared.env.MONGO_URL!, prepared.env.MONGO_DB!);

    // The highest offered rate whose lag stays flat: first 80 % of the drain rate or of the
    // folds' capacity, whichever is lower; after a try whose lag grew, 80 % of what it folded
    // (the projector's capacity under that load) or half the offer, whichever is lower, up to
    // MAX_STEADY_TRIES (--quick tries half of it once); then once half-way between the flat
    // offer and the growing one above it. The highest flat one is reported.
    const probe = async () => ({
      end: await topicEnd(admin, prepared.topic),
      done: await committed(admin, prepared.topic, groups),
    });
    const tries: {
      target: number;
      steady: Steady;
      notices: NoticeWindow;
      metrics: { before: string; after: string; seconds: number };
      cpu: string;
    }[] = [];
    // Who used the two cores in a window: the store and the broker share the machine with us.
    const cpuNow = () =>
      cpuSecondsByProcess({
        projector: (c) => c.includes('dist/apps/projector/'),
        FerretDB: (c) => /(^|\/)ferretdb\b/.test(c.split(' ')[0] ?? ''),
        Kafka: (c) => c.includes('kafka.Kafka'),
        'bench (load and probes)': (c) => c.includes('dist/bench/main.js'),
      });
    const metricsText = async () => (await fetch(`${projector.url}/metrics`)).text();
    const fixed = ctx.options.b1Offer;
    let offer =
      fixed ??
      Math.max(1, Math.round(Math.min(drain.rate, capacity) * (ctx.options.quick ? 0.5 : 0.8)));
    const drained = () =>
      watch(
        async () => {
          const p = await probe();
          return p.end - p.done === 0 ? 1 : 0;
        },
        1,
        { timeoutMs: 300_000, intervalMs: 500 },
      );
    const attempt = async (target: number): Promise<Steady> => {
      ctx.log(`B1: steady load of ${num(target)} events/s for ${ctx.sizes.b1SustainSeconds} s`);
      const from = await prepared.log.offsets(changesTopic);
      const before = await metricsText();
      const cpuBefore = cpuNow();
      const began = Date.now();
      const steady = await steadyLoad(ctx, prepared, target, probe);
      const seconds = (Date.now() - began) / 1000;
      tries.push({
        target,
        steady,
        notices: { from, to: await prepared.log.offsets(changesTopic) },
        metrics: { before, after: await metricsText(), seconds },
        cpu: cpuShares(cpuBefore, cpuNow(), seconds),
      });
      return steady;
    };
    for (let n = 1; ; n++) {
      const steady = await attempt(offer);
      if (steady.flat || ctx.options.quick || fixed || n === MAX_STEADY_TRIES || offer === 1) break;
      ctx.log(
        `B1: lag grew (${steady.lagStart} → ${steady.lagEnd}) at ${num(steady.rate)} events/s folded; letting it drain`,
      );
      await drained();
      offer = Math.max(1, Math.round(Math.min(offer / 2, steady.rate * 0.8)));
    }
    // Halving steps leave the answer anywhere between a flat offer and the growing one above
    // it (twice as much): one try half-way narrows that to a quarter.
    const flatTry = tries.find((t) => t.steady.flat);
    const above = tries.filter((t) => !t.steady.flat && flatTry && t.target > flatTry.target);
    if (flatTry && above.length > 0 && !ctx.options.quick && !fixed) {
      const ceiling = Math.min(...above.map((t) => t.target));
      const middle = Math.round((flatTry.target + ceiling) / 2);
      if (middle > flatTry.target && middle < ceiling) {
        await drained();
        await attempt(middle);
      }
    }
    const flats = tries.filter((t) => t.steady.flat);
    const reported =
      flats.sort((x, y) => y.steady.rate - x.steady.rate)[0] ?? tries[tries.length - 1]!;
    const { target, steady } = reported;
    // Let the last try's backlog land before the sizes are read and the writes replayed.
    await watch(
      async () => {
        const p = await probe();
        return p.end - p.done === 0 ? 1 : 0;
      },
      1,
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    const batches = await batchProfile(projector.url);
    await projector.stop();
    ctx.log('B1: reading document sizes after the steady phase');
    const after = await storedSizes(prepared.env.MONGO_URL!, prepared.env.MONGO_DB!);

    ctx.log(
      'B1: baseline (b): bulk upsert of the documents the projector wrote in the reported window',
    );
    const writes = await windowWrites(prepared.log, changesTopic, reported.notices);
    const perSample = ctx.options.quick ? BASELINE_WRITES.quick : BASELINE_WRITES.full;
    const bulk = await bulkUpsertBaseline(
      prepared.env.MONGO_URL!,
      prepared.env.MONGO_DB!,
      sample(writes, perSample),
    );
    // The projector also writes store-wide documents in the same folds (crosssell's co-purchase
    // aggregates, the exact-search lookups): the store does that work too, so (b) times the
    // same number of them, upserted raw from a uniform sample of each collection.
    const customerCollections = new Set(MODELS.map((m) => collectionName(m, 'v1')));
    const others: { collection: string; written: number; docsPerSecond: number }[] = [];
    for (const [collection, written] of documentsWrittenBetween(
      reported.metrics.before,
      reported.metrics.after,
    )) {
      if (customerCollections.has(collection)) continue;
      const ids = await collectionIds(prepared.env.MONGO_URL!, prepared.env.MONGO_DB!, collection);
      const raw = await bulkUpsertBaseline(
        prepared.env.MONGO_URL!,
        prepared.env.MONGO_DB!,
        sample(ids, perSample).map((id) => ({ collection, id })),
      );
      if (raw.docs > 0) others.push({ collection, written, docsPerSecond: raw.docs / raw.seconds });
    }
    ctx.log('B1: baseline (a): kafkajs consume-and-discard of the same topic');
    const discard = await consumeAndDiscard(
      prepared.env.KAFKA_BROKERS!,
      prepared.topic,
      prepared.events,
    );
    const windowEvents = steady.rate * steady.seconds;
    // The store's time for the same writes, raw: the window's customer documents at the sampled
    // customer-document rate plus its store-wide documents at theirs. As events/s: the window's
    // events over that time.
    const docsPerSecond = bulk.docs / bulk.seconds;
    const customerSeconds = writes.length / docsPerSecond;
    const otherSeconds = others.reduce((t, o) => t + o.written / o.docsPerSecond, 0);
    const eventRateB = windowEvents / (customerSeconds + otherSeconds);
    const customersOnlyRate = windowEvents / customerSeconds;
    const eventsPerWrite = writes.length > 0 ? windowEvents / writes.length : NaN;
    const ratio = steady.rate / eventRateB;
    ctx.projector = {
      topic: prepared.topic,
      prefix: prepared.prefix,
      events: prepared.events,
      sustainedRate: steady.rate,
    };
    const perModel = (sizes: Map<string, SizeSummary>) =>
      MODELS.map((m) => `${m} ${describeSizes(sizes.get(m) ?? summarise([]))}`).join('; ');
    const largest = (sizes: Map<string, SizeSummary>) =>
      Math.max(...[...sizes.values()].map((s) => (s.documents > 0 ? s.max : 0)));
    return {
      id: 'B1',
      figure: `${num(steady.rate)} events/s sustained (lag ${steady.flat ? 'flat' : 'growing'}) on ${num(population.customers)} customers × ${num(population.eventsPerCustomer)} events; history drained at ${num(drain.rate)} events/s; largest state ${kib(largest(before))} → ${kib(largest(after))}`,
      baseline: `(a) kafkajs discard ${num(discard.rate)} events/s; (b) bulk upsert of the same writes ${num(eventRateB)} events/s (${num(writes.length + others.reduce((n, o) => n + o.written, 0))} documents in ${num(customerSeconds + otherSeconds, 1)} s raw against ${num(steady.seconds)} s; customer documents alone ${num(customersOnlyRate)} events/s)`,
      versus: `${ratio.toPrecision(2)} of (b) (${(steady.rate / customersOnlyRate).toPrecision(2)} of customer documents alone); ${(steady.rate / discard.rate).toPrecision(2)} of (a)`,
      met: steady.flat && ratio >= 0.7,
      notes: [
        `Preloaded history: ${num(prepared.events)} events (${num(prepared.bytes / prepared.events)} bytes each on average) of ${num(prepared.customers)} customers, ${num(population.eventsPerCustomer)} events each on average (activity Zipf-skewed, exponent ${prepared.workload.customerSkew}), over ${HISTORY_DAYS} days of event time; ${prepared.env.KAFKA_TOPIC_PARTITIONS} partitions; one projector process (dist/apps/projector) folding customer360, loyalty and crosssell, each in its own consumer group; progress read from the groups' committed offsets (the slowest group counts). The steady loads continue the same seeded stream: the same customers, event time going on at the history's pace, so documents stay at their stationary size instead of growing with each try.`,
        `History drained in ${num(drain.seconds, 1)} s (${num(drain.rate)} events/s from the groups' commits; ${num(capacity)} events/s from the time the three models' folds took, summed). Steady loads tried (offered → folded, lag first → last third of the window): ${tries.map((t) => `${num(t.target)} → ${num(t.steady.rate)} events/s, lag ${t.steady.lagStart} → ${t.steady.lagEnd}`).join('; ')}. Reported: ${num(target)} events/s offered for ${ctx.sizes.b1SustainSeconds} s, ${num(steady.rate)} events/s folded; lag ${steady.lagStart} → ${steady.lagEnd} records (first → last third of the window, mean).`,
        `Stored state per customer document (JSON text of the state, or its BSON where stored as fields; visitor documents, which the load keeps adding, left out), after draining the history: ${perModel(before)}.`,
        `The same after the steady phase: ${perModel(after)}.`,
        `Projector folds over the whole run (its /metrics): ${batches}.`,
        `In the reported window (its /metrics before and after): folds ${foldsBetween(reported.metrics.before, reported.metrics.after, reported.metrics.seconds)}; store ${storeCallsBetween(reported.metrics.before, reported.metrics.after, reported.metrics.seconds)}. CPU in the window, % of one core (2 cores in all): ${reported.cpu}.`,
        `(b) the projector wrote ${num(writes.length)} customer documents in the reported window (one change notice each; ${num(eventsPerWrite, 2)} events folded per document written). ${num(bulk.docs)} of those writes (a uniform sample, ${num(bulk.bytes / 2 ** 20, 1)} MiB, the documents as stored after the run) were re-written into fresh collections of the same server with unordered bulk replaceOne upserts, 1000 per call, in ${num(bulk.seconds, 1)} s: ${num(docsPerSecond)} documents/s, so ${num(customerSeconds, 1)} s for the window's customer documents. Store-wide documents written in the same window (its /metrics), timed the same way on a uniform sample of each collection as stored after the run: ${others.length === 0 ? 'none' : others.map((o) => `${o.collection} ${num(o.written)} at ${num(o.docsPerSecond)} documents/s, ${num(o.written / o.docsPerSecond, 1)} s`).join('; ')}. (b) as events/s is the window's ${num(windowEvents)} events over the raw time of all of those writes; over the customer documents' alone it is ${num(customersOnlyRate)} events/s.`,
        `(a) one kafkajs consumer group reading the ${num(prepared.events)} records of the history and discarding them, timed from joining the group to the last record.`,
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

/** Folds per second, events per fold and the share of wall time folding, per model. */
function foldsBetween(before: string, after: string, seconds: number): string {
  const delta = (name: string) => {
    const start = histogramTotals(before, name);
    return new Map(
      [...histogramTotals(after, name)].map(([labels, end]) => {
        const from = start.get(labels) ?? { count: 0, seconds: 0 };
        return [labels, { count: end.count - from.count, sum: end.seconds - from.seconds }];
      }),
    );
  };
  const time = delta('touchpoint_projection_write_seconds');
  const events = delta('touchpoint_projection_batch_events');
  return MODELS.map((m) => {
    const labels = `model="${m}"`;
    const t = time.get(labels) ?? { count: 0, sum: 0 };
    const e = events.get(labels) ?? { count: 0, sum: 0 };
    return `${m} ${(t.count / seconds).toFixed(1)}/s of ${num(e.sum / Math.max(1, e.count), 1)} events, ${num((1000 * t.sum) / Math.max(1, t.count), 1)} ms each (${Math.round((100 * t.sum) / seconds)} % of the window)`;
  }).join('; ');
}

/** Per-partition end offsets of the changes topic when a try began and when it ended. */
interface NoticeWindow {
  readonly from: readonly PartitionOffsets[];
  readonly to: readonly PartitionOffsets[];
}

interface DocumentWrite {
  readonly collection: string;
  readonly id: string;
}

/** The documents written in a window, one per change notice the projector appended in it. */
async function windowWrites(
  log: EventLog,
  topic: string,
  window: NoticeWindow,
): Promise<DocumentWrite[]> {
  const ranges = window.to.map((end) => {
    const start = window.from.find((p) => p.partition === end.partition)?.high ?? end.low;
    return {
      partition: end.partition,
      fromOffset: start,
      maxRecords: Math.max(0, Number(BigInt(end.high) - BigInt(start))),
    };
  });
  const records = await log.read(
    topic,
    ranges.filter((r) => r.maxRecords > 0),
  );
  return records.map((r) => {
    const notice = JSON.parse(r.value.toString('utf8')) as {
      model: string;
      version: string;
      key: string;
    };
    return { collection: collectionName(notice.model, notice.version), id: notice.key };
  });
}

/** Every k-th item, about `n` in all: uniform over the window, deterministic. */
/** Every document id of a collection, in the store's order. */
async function collectionIds(mongoUrl: string, db: string, collection: string): Promise<string[]> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  try {
    const docs = await client
      .db(db)
      .collection<{ _id: string }>(collection)
      .find({}, { projection: { _id: 1 } })
      .toArray();
    return docs.map((d) => d._id);
  } finally {
    await client.close();
  }
}

function sample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

/**
 * Sizes of the stored states of customer documents per model, read from the whole collection;
 * visitors are left out: new anonymous sessions keep adding small ones, a customer's is what grows.
 */
async function storedSizes(mongoUrl: string, db: string): Promise<Map<string, SizeSummary>> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  try {
    const out = new Map<string, SizeSummary>();
    for (const m of MODELS) {
      const sizes: number[] = [];
      for await (const doc of client.db(db).collection(`${m}_v1`).find({})) {
        if (String(doc._id).startsWith('customer:')) sizes.push(stateBytes(doc));
      }
      out.set(m, summarise(sizes));
    }
    return out;
  } finally {
    await client.close();
  }
}

interface Steady {
  readonly rate: number;
  readonly seconds: number;
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

/**
 * Events/s the projector folds while busy, from its /metrics: every event goes through the
 * three models, whose folds share one process, so their times add up. NaN before any fold.
 */
export function foldCapacity(metrics: string): number {
  const events = Math.min(
    ...MODELS.map((m) => modelValue(metrics, 'touchpoint_projection_batch_events_sum', m)),
  );
  const seconds = MODELS.reduce(
    (sum, m) => sum + modelValue(metrics, 'touchpoint_projection_write_seconds_sum', m),
    0,
  );
  return seconds > 0 ? events / seconds : NaN;
}

/**
 * Per model, from the projector's /metrics: mean batch size and load + fold + write time per
 * batch; the sizes of the documents it wrote (touchpoint_projector_document_bytes) and the
 * events it folded beyond their document's horizon, where this build exports them.
 */
export async function batchProfile(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return MODELS.map((m) => {
    const batches = modelValue(text, 'touchpoint_projection_batch_events_count', m);
    const events = modelValue(text, 'touchpoint_projection_batch_events_sum', m);
    const seconds = modelValue(text, 'touchpoint_projection_write_seconds_sum', m);
    const sizes = histogramSummary(text, 'touchpoint_projector_document_bytes', m, 64 * 1024);
    const beyond = modelValue(text, 'touchpoint_projector_beyond_horizon_total', m);
    const bound = (b: number) => (Number.isFinite(b) ? `≤ ${kib(b)}` : '> 1 MB');
    return [
      `${m}: ${num(batches)} folds of ${num(events / batches, 1)} events, ${num((1000 * seconds) / batches)} ms each`,
      ...(sizes
        ? [
            `${num(sizes.count)} documents written, state p50 ${bound(sizes.p50)}, p99 ${bound(sizes.p99)}, ${num(sizes.above)} over 64 KB`,
          ]
        : []),
      ...(Number.isNaN(beyond) ? [] : [`${num(beyond)} events beyond their horizon`]),
    ].join(', ');
  }).join('; ');
}

/**
 * Rate at which the groups commit `events` records, from their first commit to the last. The
 * groups' coordinator is waited for first: a broker that has just started is still loading it.
 */
export async function drainRate(
  ctx: BenchContext,
  admin: Admin,
  topic: string,
  groups: readonly string[],
  events: number,
): Promise<{ rate: number; seconds: number; done: number }> {
  await waitForCoordinators(admin, topic, groups);
  // Half an hour, or longer for a history that would take longer at 500 events/s.
  const fullTimeout = Math.max(1_800_000, (events / 500) * 1000);
  const drain = rateOf(
    await watch(() => committed(admin, topic, groups), events, {
      timeoutMs: ctx.options.quick ? 120_000 : fullTimeout,
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
    seconds: elapsed,
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

/**
 * Baseline (b): the writes the projector made, re-written the fastest plain way: each sampled
 * write loads its document as stored and upserts it into a fresh collection of the same server.
 */
async function bulkUpsertBaseline(
  mongoUrl: string,
  db: string,
  writes: readonly DocumentWrite[],
): Promise<{ seconds: number; docs: number; bytes: number }> {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  try {
    const source = client.db(db);
    const target = client.db(`${db}_raw`);
    const byCollection = new Map<string, Set<string>>();
    for (const w of writes)
      byCollection.set(w.collection, (byCollection.get(w.collection) ?? new Set()).add(w.id));
    const stored = new Map<string, StoredDoc>();
    for (const [coll, ids] of byCollection) {
      const all = [...ids];
      for (let i = 0; i < all.length; i += 1000) {
        const docs = await source
          .collection<StoredDoc>(coll)
          .find({ _id: { $in: all.slice(i, i + 1000) } })
          .toArray();
        for (const d of docs) stored.set(`${coll}/${d._id}`, d);
      }
    }
    const ops = writes.flatMap((w) => {
      const doc = stored.get(`${w.collection}/${w.id}`);
      return doc ? [{ coll: w.collection, doc }] : [];
    });
    const bytes = ops.reduce((n, o) => n + documentBytes(o.doc), 0);
    const began = Date.now();
    for (let i = 0; i < ops.length; i += 1000) {
      const slice = ops.slice(i, i + 1000);
      // One unordered bulk call per collection in the slice, as the projector's writes go out.
      const perColl = new Map<string, AnyBulkWriteOperation<StoredDoc>[]>();
      for (const { coll, doc } of slice) {
        const list = perColl.get(coll) ?? [];
        list.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
        perColl.set(coll, list);
      }
      for (const [coll, list] of perColl)
        await target.collection<StoredDoc>(coll).bulkWrite(list, { ordered: false });
    }
    const seconds = (Date.now() - began) / 1000;
    await target.dropDatabase();
    return { seconds, docs: ops.length, bytes };
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
