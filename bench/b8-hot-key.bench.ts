import { performance } from 'node:perf_hooks';
import { EmbeddedReadModelStore, partitionFor } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import { instantiate } from '@touchpoint/projector';
import { MODEL_KINDS } from '@touchpoint/read-models';
import type { BenchContext } from './context';
import { type SizeSummary, describeSizes, documentBytes, kib, summarise } from './document-sizes';
import { MODELS } from './b1-projector.bench';
import { take } from './projector-topic';
import { type Figure, num } from './report';
import { DEFAULT_WORKLOAD, HEAVY_CUSTOMER_KINDS, benchWorkload } from './workload';

/** Events per runner call: about what one fetch of a hot partition hands the runner live. */
const BATCH_EVENTS = 1000;
const PARTITIONS = 12;
const GOAL_BYTES = 64 * 1024;
/** The hot key may fold a little slower than the population and still count as the same rate. */
const RATE_TOLERANCE = 0.9;
/** Share of the hot key's events whose fold rate is reported at its start and at its end. */
const EDGE_SHARE = 0.1;

const HOT_DAYS = 3650;

interface FoldOutcome {
  readonly events: number;
  /** Seconds inside the runners' apply calls (the workload's generation is not timed). */
  readonly seconds: number;
  readonly finished: boolean;
  /** Largest stored document seen after any batch, per model, and its key. */
  readonly largest: Map<string, { bytes: number; key: string }>;
  /** Each document's size after its last write, per model. */
  readonly final: Map<string, SizeSummary>;
  /** Fold rates (events/s) over the first and the last EDGE_SHARE of the events. */
  readonly firstRate: number;
  readonly lastRate: number;
}

/**
 * Folds a stream through the three models' ProjectionRunners over one embedded store, in calls
 * of BATCH_EVENTS with log positions as Kafka would give them, and weighs every document a
 * batch touched after that batch.
 */
async function foldThroughRunners(
  stream: Iterator<RecordedEvent>,
  total: number,
  deadline: number,
  progress: (done: number) => void,
): Promise<FoldOutcome> {
  const store = new EmbeddedReadModelStore();
  const runners = MODEL_KINDS.filter((k) => (MODELS as readonly string[]).includes(k.model)).map(
    (k) => {
      const model = instantiate(k, 'v1', k.projection.defaultPolicy);
      return {
        model: k.model,
        collection: model.collection,
        projection: k.projection,
        runner: model.runner(store),
      };
    },
  );
  const next = new Array<number>(PARTITIONS).fill(0);
  const largest = new Map<string, { bytes: number; key: string }>();
  const latest = new Map(runners.map((r) => [r.model, new Map<string, number>()]));
  const edge = Math.max(BATCH_EVENTS, Math.round(total * EDGE_SHARE));
  let events = 0;
  let seconds = 0;
  let firstSeconds = 0;
  let lastSeconds = 0;
  let lastEvents = 0;
  while (events < total) {
    if (Date.now() > deadline) break;
    const batch = [...take(stream, Math.min(BATCH_EVENTS, total - events))].map((event) => {
      const partition = partitionFor(event.customerId ?? event.anonymousId ?? '', PARTITIONS);
      return { event, position: { partition, offset: String(next[partition]!++) } };
    });
    if (batch.length === 0) break;
    const began = performance.now();
    for (const r of runners) await r.runner.apply(batch);
    const spent = (performance.now() - began) / 1000;
    seconds += spent;
    if (events < edge) firstSeconds += spent;
    if (events >= total - edge) {
      lastSeconds += spent;
      lastEvents += batch.length;
    }
    events += batch.length;
    for (const r of runners) {
      const keys = new Set(batch.flatMap((e) => r.projection.keys(e.event)));
      const sizes = latest.get(r.model)!;
      for (const key of keys) {
        const doc = await store.get<Record<string, unknown>>(r.collection, key);
        if (!doc) continue;
        const bytes = documentBytes(doc);
        sizes.set(key, bytes);
        if (bytes > (largest.get(r.model)?.bytes ?? -1)) largest.set(r.model, { bytes, key });
      }
    }
    progress(events);
  }
  const firstEvents = Math.min(events, edge);
  return {
    events,
    seconds,
    finished: events >= total,
    largest,
    final: new Map([...latest].map(([m, sizes]) => [m, summarise([...sizes.values()])])),
    firstRate: firstSeconds > 0 ? firstEvents / firstSeconds : NaN,
    lastRate: lastSeconds > 0 ? lastEvents / lastSeconds : NaN,
  };
}

/**
 * B8: one customer with a million events over ten years, folded by the same ProjectionRunner
 * path as the projector (embedded store, so the store is not what is measured), beside a
 * population of ordinary customers folded the same way in the same run. Every document a batch
 * touched is weighed after the batch; the goal is the issue's: documents of at most 64 KB and a
 * hot key that folds at the population's per-event rate.
 */
export async function benchHotKey(ctx: BenchContext): Promise<Figure> {
  const hotEvents = ctx.options.b8Events ?? ctx.sizes.b8Events;
  const popEvents = ctx.sizes.b8PopulationEvents;
  const deadline = Date.now() + ctx.sizes.b8Seconds * 1000;
  const every = Math.max(BATCH_EVENTS, Math.round(hotEvents / 10));
  ctx.log(`B8: the population: ${num(popEvents)} events through the three runners`);
  const popWorkload = ctx.workload(popEvents, 'b8p');
  const population = await foldThroughRunners(
    benchWorkload(popWorkload),
    popEvents,
    deadline,
    () => undefined,
  );
  if (!population.finished) throw new Error('B8: the population did not fold in the time allowed');
  const popRate = population.events / population.seconds;
  ctx.log(
    `B8: population folded at ${num(popRate)} events/s; the hot customer: ${num(hotEvents)} events`,
  );
  const hot = await foldThroughRunners(
    benchWorkload({
      ...DEFAULT_WORKLOAD,
      events: hotEvents,
      customers: 1,
      days: HOT_DAYS,
      kinds: HEAVY_CUSTOMER_KINDS,
      idPrefix: 'b8h',
    }),
    hotEvents,
    deadline,
    (done) => {
      if (done % every === 0) ctx.log(`B8: hot customer at ${num(done)} events`);
    },
  );
  const hotRate = hot.seconds > 0 ? hot.events / hot.seconds : 0;
  const hotMax = Math.max(...[...hot.largest.values()].map((l) => l.bytes));
  const popMax = Math.max(...[...population.largest.values()].map((l) => l.bytes));
  const ratio = hotRate / popRate;
  const perModel = (o: FoldOutcome) =>
    MODELS.map((m) => `${m} ${kib(o.largest.get(m)?.bytes ?? 0)}`).join(', ');
  return {
    id: 'B8',
    figure: `${hot.finished ? '' : `stopped after ${num(hot.events)} of ${num(hotEvents)} events: `}hot key ${num(hotRate)} events/s, largest document ${kib(hotMax)}`,
    baseline: `population ${num(popRate)} events/s, largest document ${kib(popMax)}`,
    versus: `${ratio.toFixed(2)} × the population’s rate; ${kib(hotMax)} of 64 KB`,
    met: hot.finished && hotMax <= GOAL_BYTES && ratio >= RATE_TOLERANCE,
    notes: [
      `Hot key: one customer, ${num(hotEvents)} events over ${HOT_DAYS} days of event time (the workload's whole mix: purchases, web visits, e-mails, calls, complaints and resolutions, feedback, profile updates, point redemptions, refunds, and anonymous sessions identified as her later, a new visitor link each time), folded in calls of ${num(BATCH_EVENTS)} events through the customer360, loyalty and crosssell ProjectionRunners (MODEL_KINDS, default policies) over one embedded store, positions spread over ${PARTITIONS} partitions by key as the log would; ${hot.finished ? 'all folded' : `stopped by the ${ctx.sizes.b8Seconds} s limit after ${num(hot.events)} events`}. Rates are events folded by all three models per second spent in the runners' apply (generating the workload and weighing documents are not timed): ${num(hot.seconds, 1)} s.`,
      `Hot key fold rate over its first ${Math.round(EDGE_SHARE * 100)} % of events ${num(hot.firstRate)} events/s, over its last ${num(hot.lastRate)} events/s (a cost that grew with the history would show here).`,
      `Largest stored document (BSON bytes of the whole document, weighed after every batch that touched it): hot key ${perModel(hot)}; population ${perModel(population)}.`,
      `Population: ${num(popEvents)} events of ${num(popWorkload.customers)} customers (about 20 each, Zipf-skewed, over ${popWorkload.days} days), folded the same way first, in the same process; final document sizes ${MODELS.map((m) => `${m} ${describeSizes(population.final.get(m) ?? summarise([]))}`).join('; ')}.`,
      `Goal: every document at most 64 KB (${num(GOAL_BYTES)} bytes) and a hot-key rate at least ${RATE_TOLERANCE} × the population's.`,
    ],
    measuredAt: ctx.date,
    quick: ctx.options.quick,
  };
}
