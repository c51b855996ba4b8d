#!/usr/bin/env node
// Writes the benchmark's seeded workload (bench/workload.ts) to `<TOPIC_PREFIX>.events`, the way
// the bench seeds its topics (bench/support.ts appendEvents: keyed by customer or visitor id,
// with the headers ingest gives them, acks=all), after creating the platform topics. Uses the
// BUILT modules of a checkout (run `npm run build` there first), so the events are exactly those
// that checkout's bench would write. Used by scripts/compare-releases.sh (docs/models.md,
// "Upgrading from the unbounded models").
//
//   KAFKA_BROKERS=… TOPIC_PREFIX=mig.w1 node scripts/seed-bench-workload.mjs \
//     [--dist dist] [--events 40000] [--customers 2000] [--days 1095] [--id-prefix w]
//
// Defaults: 40 000 events of 2 000 customers over the three years before the workload's
// `until` (2026-11-01T00:00:00Z), seed 42, 12 partitions (KAFKA_TOPIC_PARTITIONS).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    events: { type: 'string', default: '40000' },
    customers: { type: 'string', default: '2000' },
    days: { type: 'string', default: '1095' },
    'id-prefix': { type: 'string', default: 'w' },
  },
});
const require = createRequire(import.meta.url);
const dist = resolve(values.dist);
const { benchWorkload, DEFAULT_WORKLOAD } = require(`${dist}/bench/workload.js`);
const { appendEvents } = require(`${dist}/bench/support.js`);
const { KafkaEventLog } = require(`${dist}/libs/adapters/src/index.js`);
const { RuntimeConfig, loadConfig } = require(`${dist}/libs/config/src/index.js`);
const { topicNames } = require(`${dist}/libs/contracts/src/index.js`);
const { platformTopics } = require(`${dist}/libs/platform/src/topics.js`);

const brokers = process.env.KAFKA_BROKERS;
const prefix = process.env.TOPIC_PREFIX;
if (!brokers || !prefix) {
  console.error('KAFKA_BROKERS and TOPIC_PREFIX are required');
  process.exit(2);
}
const workload = {
  ...DEFAULT_WORKLOAD,
  events: Number(values.events),
  customers: Number(values.customers),
  days: Number(values.days),
  idPrefix: values['id-prefix'],
};
const runtime = loadConfig([RuntimeConfig], {
  KAFKA_BROKERS: brokers,
  TOPIC_PREFIX: prefix,
  KAFKA_TOPIC_PARTITIONS: process.env.KAFKA_TOPIC_PARTITIONS ?? '12',
}).get(RuntimeConfig);
const log = new KafkaEventLog({
  brokers: brokers.split(','),
  clientId: 'touchpoint-seed-workload',
  connectTimeoutMs: 10000,
  appendTimeoutMs: 60000,
});
await log.connect();
try {
  await log.ensureTopics(platformTopics(runtime));
  const topic = topicNames(prefix).events;
  const written = await appendEvents(log, topic, benchWorkload(workload));
  console.log(
    `${topic}: ${written.count} events (${written.bytes} bytes) of ${workload.customers} customers, ` +
      `${workload.days} days up to ${workload.until.toISOString()}`,
  );
} finally {
  await log.close();
}
