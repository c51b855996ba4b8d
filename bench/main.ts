import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchProjector } from './b1-projector.bench';
import { benchFreshness } from './b2-freshness.bench';
import { benchReplay } from './b3-replay.bench';
import { benchLookup } from './b4-lookup.bench';
import { benchIngest } from './b5-ingest.bench';
import { benchEmbedded } from './b6-embedded.bench';
import { benchPeer } from './b7-peer.bench';
import { benchHotKey } from './b8-hot-key.bench';
import { type BenchContext, FULL, QUICK, Unavailable, workloadFor } from './context';
import { type RealEngines, kafkaClient, realEngines, runId, storeVersion } from './engines';
import { kafkaHome, machineInfo } from './machine';
import { parseBenchArgs, UsageError, USAGE } from './options';
import {
  type BenchId,
  type Figure,
  type RunInfo,
  extractAnalysis,
  mergeRecords,
  parseRecord,
  renderMarkdown,
  renderTable,
} from './report';
import { ROOT } from './support';

type Bench = (ctx: BenchContext) => Promise<Figure>;

const BENCHES: Record<BenchId, Bench> = {
  B1: benchProjector,
  B2: benchFreshness,
  B3: benchReplay,
  B4: benchLookup,
  B5: benchIngest,
  B6: benchEmbedded,
  B7: benchPeer,
  B8: benchHotKey,
};

/** Whether a benchmark needs Kafka and the store (B6 and B8 run embedded only). */
const NEEDS_ENGINES: readonly BenchId[] = ['B1', 'B2', 'B3', 'B4', 'B5', 'B7'];

const DEFAULT_ANALYSIS =
  'Not written yet: run `npm run bench -- --profile` and record where the time goes.';

async function kafkaVersion(brokers: string): Promise<string> {
  const home = kafkaHome();
  const admin = kafkaClient(brokers, 'touchpoint-bench').admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `${home?.version ?? 'unknown version'} (${cluster.brokers.length} broker, KRaft)`;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + 'Z';
  let engines: RealEngines | undefined;
  const ctx: BenchContext = {
    options,
    sizes: {
      ...(options.quick ? QUICK : FULL),
      ...(options.b3Events ? { b3Events: options.b3Events } : {}),
    },
    id: runId(),
    date,
    log,
    engines: () => (engines ??= realEngines(log)),
    workload: workloadFor,
  };
  const machine = machineInfo();
  const figures: Figure[] = [];
  const skipped: BenchId[] = [];
  let kafka = 'not used in this run';
  let store = 'not used in this run';
  try {
    if (options.only.some((id) => NEEDS_ENGINES.includes(id))) {
      const e = ctx.engines();
      kafka = await kafkaVersion(e.kafkaBrokers);
      store = await storeVersion(e.mongoUrl);
    }
    for (const id of options.only) {
      const bench = BENCHES[id];
      log(`${id}: running${options.quick ? ' (quick)' : ''}`);
      const started = Date.now();
      try {
        const figure = await bench(ctx);
        figures.push(figure);
        log(`${id}: ${figure.figure} (${Math.round((Date.now() - started) / 1000)} s)`);
      } catch (e) {
        if (e instanceof Unavailable) {
          log(`${id}: skipped: ${e.message}; left as it is in ${options.output}`);
          skipped.push(id);
          continue;
        }
        log(`${id}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  } finally {
    engines?.stop();
  }
  const run: RunInfo = {
    date,
    quick: options.quick,
    machine: machine.cpu,
    cores: machine.cores,
    memory: machine.memory,
    node: machine.node,
    kafka,
    store,
    loadNote:
      machine.loadAverage > machine.cores * 0.5
        ? `machine busy: load average ${machine.loadAverage.toFixed(1)} at the start`
        : undefined,
  };
  process.stdout.write(`\n${renderTable(figures)}\n\n`);
  const path = resolve(ROOT, options.output);
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const record = mergeRecords(parseRecord(previous), run, figures);
  writeFileSync(path, renderMarkdown(record, extractAnalysis(previous) ?? DEFAULT_ANALYSIS));
  log(`wrote ${options.output}`);
  // CI runs --quick as a smoke check: a missed goal is a figure, not a failure.
  const expected = options.only.filter((id) => !skipped.includes(id));
  return figures.length === expected.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
