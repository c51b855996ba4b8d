import { RuntimeConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import type { TopicSpec } from '@touchpoint/ports';
import type { AppContext } from './platform.module';

/** The platform's topics as the configuration describes them; history is kept forever. */
export function platformTopics(runtime: RuntimeConfig): TopicSpec[] {
  const names = topicNames(runtime.TOPIC_PREFIX);
  const base = {
    partitions: runtime.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: runtime.KAFKA_REPLICATION_FACTOR,
    config: { 'retention.ms': '-1' },
  };
  return [
    { name: names.events, ...base },
    { name: names.dlq, ...base },
    // Notices are for live screens, not history: a week is plenty.
    { name: names.changes, ...base, config: { 'retention.ms': String(7 * 24 * 3600 * 1000) } },
  ];
}

export async function ensurePlatformTopics(ctx: AppContext): Promise<void> {
  await ctx.engines.log.ensureTopics(platformTopics(ctx.config.get(RuntimeConfig)));
}
