import { RuntimeConfig } from '@touchpoint/config';
import { platformTopics } from '@touchpoint/platform';
import type { CliContext } from './cli.context';

/** One-shot initialiser (compose `init` service, k8s Job): topics now, indexes as models add them. */
export async function initCommand(ctx: CliContext): Promise<number> {
  const runtime = ctx.config.get(RuntimeConfig);
  const topics = platformTopics(runtime);
  await ctx.engines.log.ensureTopics(topics);
  for (const t of topics) {
    ctx.out(
      `topic ${t.name}: ${t.partitions} partitions, replication ${t.replicationFactor}, retention ${retention(t.config?.['retention.ms'])}`,
    );
  }
  ctx.out(
    `log: ${ctx.engines.log.kind}, store: ${ctx.engines.store.kind}, event store: ${ctx.engines.eventStore.kind}`,
  );
  return 0;
}

function retention(ms: string | undefined): string {
  return ms === undefined || ms === '-1' ? 'unlimited' : `${Number(ms) / 86400000} days`;
}
