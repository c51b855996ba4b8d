import { KafkaEventLog } from '@touchpoint/adapters';
import { RuntimeConfig, loadConfig } from '@touchpoint/config';
import { type RecordedEvent, topicNames } from '@touchpoint/contracts';
import { platformTopics } from '@touchpoint/platform';
import type { BenchContext } from './context';
import { appendEvents } from './support';
import { benchWorkload } from './workload';

export const PARTITIONS = '12';

export interface PreparedTopic {
  readonly prefix: string;
  readonly topic: string;
  readonly events: number;
  readonly bytes: number;
  readonly env: Record<string, string>;
  /** The same seeded stream, continued: events for a load phase after the backlog. */
  readonly more: Iterator<RecordedEvent>;
  readonly log: KafkaEventLog;
}

/** A fresh prefix whose events topic holds `events` workload events, written with acks=all. */
export async function prepareTopic(
  ctx: BenchContext,
  tag: string,
  events: number,
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
  await log.ensureTopics(platformTopics(runtime));
  const topic = topicNames(env.TOPIC_PREFIX).events;
  // Room for a load phase after the backlog; customers and event times sized for the backlog.
  const stream = benchWorkload({
    ...ctx.workload(events * 4, tag),
    customers: Math.max(100, Math.round(events / 20)),
  });
  const backlog = take(stream, events);
  const written = await appendEvents(log, topic, backlog);
  return {
    prefix: env.TOPIC_PREFIX,
    topic,
    events: written.count,
    bytes: written.bytes,
    env,
    more: stream,
    log,
  };
}

export function* take<T>(it: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = it.next();
    if (next.done) return;
    yield next.value;
  }
}
