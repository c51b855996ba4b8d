import { performance } from 'node:perf_hooks';
import { BSON, MongoClient } from 'mongodb';
import { EmbeddedReadModelStore, partitionFor } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import {
  type Customer360State,
  type LoyaltyState,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  customer360Figures,
  customer360View,
  loyaltyFigures,
  loyaltyView,
} from '@touchpoint/projections';
import { instantiate } from '@touchpoint/projector';
import { MODEL_KINDS, type StoredProjectionDoc } from '@touchpoint/read-models';
import { MODELS } from './b1-projector.bench';
import { workloadFor } from './context';
import { machineInfo } from './machine';
import { take } from './projector-topic';
import { num } from './report';
import { DEFAULT_WORKLOAD, HEAVY_CUSTOMER_KINDS, benchWorkload } from './workload';

/**
 * A measurement program for docs/read-models.md (issue 14 item 7), not one of `npm run bench`'s
 * benchmarks: what it would cost a reader to decode read-model documents whose state is stored
 * as native BSON fields, against today's JSON string that is decoded by the driver and then
 * parsed. The documents are the real models' bounded documents: the benchmark workload folded
 * by the three ProjectionRunners (MODEL_KINDS, default policies, figures included) into the
 * embedded store, plus one heavy customer for the largest documents. Only CPU is measured, in
 * this process: BSON.deserialize is the function the driver decodes every reply with.
 *
 *   npm run build && node dist/bench/document-decode.bench-tool.js [--events 40000] [--hot 200000]
 *
 * With MONGO_URL set it also times, on that server, counting documents by a figure (a
 * whole-collection pass on FerretDB-SQLite, which pushes down only `_id` filters).
 */

const BATCH_EVENTS = 1000;
const PARTITIONS = 12;
const SAMPLE_MS = 250;
const SAMPLES = 5;

interface Encoded {
  readonly id: string;
  readonly stored: StoredProjectionDoc;
  readonly jsonBytes: number;
  /** The stored document as the store holds it today: state as one string. */
  readonly asString: Uint8Array;
  /** The same document with the state as native fields. */
  readonly asNative: Uint8Array;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number`);
  return value;
}

async function fold(
  store: EmbeddedReadModelStore,
  runners: { runner: { apply: (b: never[]) => Promise<unknown> } }[],
  stream: Iterator<RecordedEvent>,
  total: number,
): Promise<void> {
  const next = new Array<number>(PARTITIONS).fill(0);
  for (let done = 0; done < total;) {
    const batch = [...take(stream, Math.min(BATCH_EVENTS, total - done))].map((event) => {
      const partition = partitionFor(event.customerId ?? event.anonymousId ?? '', PARTITIONS);
      return { event, position: { partition, offset: String(next[partition]!++) } };
    });
    if (batch.length === 0) break;
    for (const r of runners) await r.runner.apply(batch as never[]);
    done += batch.length;
  }
}

function encode(id: string, stored: StoredProjectionDoc): Encoded {
  const state: unknown = JSON.parse(stored.state);
  return {
    id,
    stored,
    jsonBytes: Buffer.byteLength(stored.state),
    asString: BSON.serialize({ _id: id, ...stored }),
    asNative: BSON.serialize({ _id: id, ...stored, state }),
  };
}

/** Median over SAMPLES of the mean time per call, each sample at least SAMPLE_MS long. */
function time(items: readonly Encoded[], work: (e: Encoded) => unknown): number {
  let sink = 0;
  const sample = (): number => {
    let calls = 0;
    const began = performance.now();
    let elapsed = 0;
    do {
      for (const e of items) {
        if (work(e) !== undefined) sink++;
        calls++;
      }
      elapsed = performance.now() - began;
    } while (elapsed < SAMPLE_MS);
    return (elapsed * 1000) / calls;
  };
  sample();
  const samples = Array.from({ length: SAMPLES }, sample).sort((a, b) => a - b);
  if (sink < 0) console.log(sink);
  return samples[Math.floor(SAMPLES / 2)]!;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const kb = (bytes: number) => `${num(bytes / 1024, 1)} KB`;
const us = (x: number) => `${num(x, x < 10 ? 2 : 1)} µs`;

function decodeRow(label: string, docs: readonly Encoded[]): string {
  const json = mean(docs.map((d) => d.jsonBytes));
  const stringDoc = mean(docs.map((d) => d.asString.byteLength));
  const nativeDoc = mean(docs.map((d) => d.asNative.byteLength));
  const native = time(docs, (d) => BSON.deserialize(d.asNative));
  const asString = time(docs, (d) => JSON.parse(BSON.deserialize(d.asString).state as string));
  const parse = time(docs, (d) => JSON.parse(d.stored.state));
  const perKb = (x: number) => us(x / (json / 1024));
  return (
    `| ${label} | ${num(docs.length)} | ${kb(json)} | ${kb(stringDoc)} / ${kb(nativeDoc)} | ` +
    `${us(native)} (${perKb(native)}) | ${us(asString)} (${perKb(asString)}) | ${us(parse)} | ` +
    `${(native / asString).toFixed(2)} × |`
  );
}

async function ferretScan(
  url: string,
  docs: ReadonlyMap<string, readonly Encoded[]>,
): Promise<string[]> {
  const client = await MongoClient.connect(url);
  const db = client.db(`decode_tool_${process.pid}_${Date.now().toString(36)}`);
  const lines: string[] = [];
  try {
    for (const [model, filter] of [
      ['loyalty', { 'figures.tierAtAsOf': 'loyal' }],
      ['customer360', { 'figures.lifecycleAtAsOf': 'at_risk' }],
    ] as const) {
      const list = docs.get(model) ?? [];
      const kind = MODEL_KINDS.find((k) => k.model === model)!;
      const collection = db.collection(`${model}_v1`);
      for (const index of kind.indexes)
        await collection.createIndex(Object.fromEntries(index.fields.map((f) => [f, 1])));
      for (let i = 0; i < list.length; i += 500) {
        await collection.insertMany(
          list.slice(i, i + 500).map((e) => ({ _id: e.id, ...e.stored })) as never[],
        );
      }
      const runs: number[] = [];
      let count = 0;
      for (let r = 0; r < SAMPLES; r++) {
        const began = performance.now();
        count = await collection.countDocuments(filter);
        runs.push(performance.now() - began);
      }
      const ms = runs.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)]!;
      lines.push(
        `| ${model} | \`${JSON.stringify(filter)}\` | ${num(list.length)} | ${num(count)} | ` +
          `${num(ms, 1)} ms | ${us((ms * 1000) / Math.max(1, list.length))} |`,
      );
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
  return lines;
}

async function main(): Promise<void> {
  const popEvents = argument('events', 40_000);
  const hotEvents = argument('hot', 200_000);
  const store = new EmbeddedReadModelStore();
  const models = MODEL_KINDS.filter((k) => (MODELS as readonly string[]).includes(k.model)).map(
    (k) => ({ kind: k, model: instantiate(k, 'v1', k.projection.defaultPolicy) }),
  );
  const runners = models.map((m) => ({ runner: m.model.runner(store) }));
  const began = performance.now();
  await fold(store, runners, benchWorkload(workloadFor(popEvents, 'dd')), popEvents);
  const hot = {
    ...DEFAULT_WORKLOAD,
    events: hotEvents,
    customers: 1,
    days: 3650,
    kinds: HEAVY_CUSTOMER_KINDS,
    idPrefix: 'ddh',
  };
  if (hotEvents > 0) await fold(store, runners, benchWorkload(hot), hotEvents);
  const folded = (performance.now() - began) / 1000;

  const population = new Map<string, Encoded[]>();
  const heavy = new Map<string, Encoded[]>();
  for (const { kind, model } of models) {
    const pop: Encoded[] = [];
    const big: Encoded[] = [];
    for await (const { id, doc } of store.scan<StoredProjectionDoc>(model.collection)) {
      (id.includes(':ddh') ? big : pop).push(encode(id, doc));
    }
    population.set(kind.model, pop);
    heavy.set(kind.model, big);
  }

  const m = machineInfo();
  const out: string[] = [];
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, load average ${m.loadAverage.toFixed(2)} at the start; ` +
      `documents: ${num(popEvents)} workload events of ${num(workloadFor(popEvents, 'dd').customers)} customers` +
      `${hotEvents > 0 ? ` and one customer with ${num(hotEvents)} events over ${hot.days} days` : ''}, folded in ${num(folded, 1)} s.`,
    '',
    '| documents | n | mean state (JSON) | mean document, BSON: state as string / native | decode native (per KB of JSON) | decode string + JSON.parse (per KB) | JSON.parse alone | native ÷ string |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const { kind } of models) {
    out.push(decodeRow(`${kind.model}, population`, population.get(kind.model) ?? []));
    const big = heavy.get(kind.model) ?? [];
    if (big.length > 0) out.push(decodeRow(`${kind.model}, heavy customer`, big));
  }

  // Figures are computed on every write: their cost next to the view they replace.
  const c360 = [...(population.get('customer360') ?? []), ...(heavy.get('customer360') ?? [])].map(
    (e) => ({
      e,
      state: JSON.parse(e.stored.state) as Customer360State,
      asOf: new Date(String(e.stored.figures?.asOf)),
    }),
  );
  const loy = [...(population.get('loyalty') ?? []), ...(heavy.get('loyalty') ?? [])].map((e) => ({
    e,
    state: JSON.parse(e.stored.state) as LoyaltyState,
    asOf: new Date(String(e.stored.figures?.asOf)),
  }));
  const byKey = <T extends { e: Encoded }>(xs: readonly T[]) => new Map(xs.map((x) => [x.e, x]));
  const c360By = byKey(c360);
  const loyBy = byKey(loy);
  const figureRows: string[] = [];
  for (const [label, list, figures, view] of [
    [
      'customer360',
      c360.map((x) => x.e),
      (e: Encoded) => {
        const x = c360By.get(e)!;
        return customer360Figures(x.state, x.asOf, DEFAULT_CUSTOMER360_POLICY);
      },
      (e: Encoded) => {
        const x = c360By.get(e)!;
        return customer360View(x.state, x.asOf, DEFAULT_CUSTOMER360_POLICY);
      },
    ],
    [
      'loyalty',
      loy.map((x) => x.e),
      (e: Encoded) => {
        const x = loyBy.get(e)!;
        return loyaltyFigures(x.state, x.asOf, DEFAULT_LOYALTY_POLICY);
      },
      (e: Encoded) => {
        const x = loyBy.get(e)!;
        return loyaltyView(x.state, x.asOf, DEFAULT_LOYALTY_POLICY);
      },
    ],
  ] as const) {
    const f = time(list, figures);
    const v = time(list, view);
    const heavyDoc = list.filter((e) => e.id.includes(':ddh'));
    const hf = heavyDoc.length > 0 ? time(heavyDoc, figures) : NaN;
    const hv = heavyDoc.length > 0 ? time(heavyDoc, view) : NaN;
    const size = mean(list.map((e) => BSON.calculateObjectSize({ f: e.stored.figures ?? {} })));
    figureRows.push(
      `| ${label} | ${num(list.length)} | ${us(f)} | ${us(v)} | ${us(hf)} | ${us(hv)} | ${num(size)} B |`,
    );
  }
  out.push(
    '',
    '| model | documents | figures, mean per document | whole view, mean | figures, heavy customer | view, heavy customer | figures, BSON size |',
    '|---|---|---|---|---|---|---|',
    ...figureRows,
  );

  // What storing figures adds to the fold: the population folded again with the figure
  // functions timed, so their share does not depend on how busy the machine is between runs.
  let inFigures = 0;
  let documents = 0;
  const again = new EmbeddedReadModelStore();
  const timed = models.map((x) => {
    const figures = x.kind.figures;
    const kind = {
      ...x.kind,
      figures:
        figures &&
        ((state: unknown, asOf: Date, policy: unknown) => {
          const t = performance.now();
          const f = figures(state, asOf, policy);
          inFigures += performance.now() - t;
          documents += 1;
          return f;
        }),
    };
    return { runner: instantiate(kind, 'v1', x.kind.projection.defaultPolicy).runner(again) };
  });
  const events = [...take(benchWorkload(workloadFor(popEvents, 'dd')), popEvents)];
  const t0 = performance.now();
  await fold(again, timed, events[Symbol.iterator](), popEvents);
  const foldMs = performance.now() - t0;
  out.push(
    '',
    `Folding the population again (${num(popEvents)} events, three runners, embedded store): ` +
      `${num(popEvents / (foldMs / 1000))} events/s; computing figures for ${num(documents)} ` +
      `document writes took ${num(inFigures, 0)} ms of ${num(foldMs, 0)} ms ` +
      `(${num((100 * inFigures) / foldMs, 1)} %, ${us((inFigures * 1000) / popEvents)} per event).`,
  );

  const url = process.env.MONGO_URL;
  if (url) {
    out.push(
      '',
      `Counting by a figure on ${url.replace(/\/\/[^@]*@/, '//')} (median of ${SAMPLES}):`,
      '',
      '| collection | filter | documents | matches | count | per document |',
      '|---|---|---|---|---|---|',
      ...(await ferretScan(url, population)),
    );
  }
  console.log(out.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
