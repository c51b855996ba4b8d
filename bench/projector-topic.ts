import { MongoClient } from 'mongodb';
import { KafkaEventLog } from '@touchpoint/adapters';
import { RuntimeConfig, loadConfig } from '@touchpoint/config';
import { type RecordedEvent, topicNames } from '@touchpoint/contracts';
import { platformTopics } from '@touchpoint/platform';
import type { BenchContext } from './context';
import { kafkaClient } from './engines';
import { withRetry } from './retry';
import { appendEvents } from './support';
import { type BenchWorkloadOptions, benchWorkload } from './workload';

export const PARTITIONS = '12';

export interface PreparedTopic {
  readonly prefix: string;
  readonly topic: string;
  readonly events: number;
  readonly bytes: number;
  readonly customers: number;
  /** The workload the topic was filled from (regenerate it to know what is in there). */
  readonly workload: BenchWorkloadOptions;
  readonly env: Record<string, string>;
  /** The same seeded stream, continued: events for a load phase after the backlog. */
  readonly more: Iterator<RecordedEvent>;
  readonly log: KafkaEventLog;
  /** Closes the producer, deletes the prefix's topics and every database named after it. */
  dispose(): Promise<void>;
}

/** Leaves the shared engines as the run found them: drops `<name>*` databases, `<prefix>.*` topics. */
export async function removeRunData(
  brokers: string,
  mongoUrl: string,
  name: string,
  prefix: string,
): Promise<void> {
  const client = new MongoClient(mongoUrl);
  const admin = kafkaClient(brokers, 'touchpoint-bench-cleanup').admin();
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const db of databases.filter((d) => d.name.startsWith(name)))
      await client.db(db.name).dropDatabase();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
    await client.close();
  }
}

/** Who the backlog is about: how many customers, over how many days of event time. */
export interface Shape {
  readonly customers: number;
  readonly days: number;
}

/**
 * A fresh prefix whose events topic holds `events` workload events, written with acks=all.
 * Without a shape, customers have about 20 events each over the workload's two years.
 */
export async function prepareTopic(
  ctx: BenchContext,
  tag: string,
  events: number,
  shape?: Shape,
): Promise<PreparedTopic> {
  const { kafkaBrokers, mongoUrl } = ctx.engines();
  const name = `bench_${tag}_${ctx.id}`;
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    MONGO_URL: mongoUrl,
    MONGO_DB: name,
    TOPIC_PREFIX: `bench.${tag}.${ctx.id}`,
    KAFKA_TOPIC_PARTITIONS: PARTITIONS,
    LOG_LEVEL: 'warn',
  };
  const runtime = loadConfig([RuntimeConfig], env).get(RuntimeConfig);
  const log = new KafkaEventLog({
    brokers: kafkaBrokers.split(','),
    clientId: `touchpoint-bench-${tag}`,
    connectTimeoutMs: 10000,
    appendTimeoutMs: 60000,
  });
  await log.connect();
  // A busy broker may answer the leader wait after a create with "does not host this
  // topic-partition" (retriable); creating again is a no-op for the topics already there.
  await withRetry('creating the bench topics', () => log.ensureTopics(platformTopics(runtime)));
  const topic = topicNames(env.TOPIC_PREFIX).events;
  // Room for load phases after the backlog (B1 offers up to 80 % of its drain rate for a minute,
  // then less); customers sized for the backlog. The stream is lazy: unused events cost nothing.
  const room = events * 4 + 500_000;
  const customers = shape?.customers ?? Math.max(100, Math.round(events / 20));
  const base = { ...ctx.workload(room, tag), customers };
  // With a shape, the backlog spans `days` and the load phases continue at the same pace of
  // event time (into the future): the population ages as a live one does.
  const workload = shape
    ? {
        ...base,
        days: (shape.days * room) / events,
        until: new Date(
          base.until.getTime() + ((shape.days * (room - events)) / events) * 86400_000,
        ),
      }
    : base;
  const stream = benchWorkload(workload);
  const backlog = take(stream, events);
  const written = await appendEvents(log, topic, backlog);
  return {
    prefix: env.TOPIC_PREFIX,
    topic,
    events: written.count,
    bytes: written.bytes,
    customers,
    workload,
    env,
    more: stream,
    log,
    dispose: async () => {
      await log.close();
      await removeRunData(kafkaBrokers, mongoUrl, name, env.TOPIC_PREFIX);
    },
  };
}

export function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = it.next();
    if (next.done) return;
    yield next.value;
  }
}
