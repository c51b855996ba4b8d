import { ProjectorConfig, RuntimeConfig, loadConfig } from '@touchpoint/config';
import {
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
} from '@touchpoint/contracts';
import {
  type AppContext,
  JsonLogger,
  MetricsService,
  connectEngines,
  createEngines,
  ensurePlatformTopics,
} from '@touchpoint/platform';
import type { StoredProjectionDoc } from '@touchpoint/read-models';
import { canonical } from './projector-oracle';
import type { ReadModelStore } from '@touchpoint/ports';

/**
 * Every document's parsed state, read through one cursor: paging by id reads the whole table
 * per page on FerretDB v1 (the overload fault scenario's comparison took over 11 minutes).
 */
export async function storedStates(
  store: ReadModelStore,
  collection: string,
): Promise<Map<string, unknown>> {
  const stored = new Map<string, unknown>();
  for await (const { id, doc } of store.scan<StoredProjectionDoc>(collection))
    stored.set(id, JSON.parse(doc.state));
  return stored;
}

/** Keys whose stored state differs from the oracle's (missing and extra documents included). */
export async function differencesFromOracle(
  store: ReadModelStore,
  collection: string,
  expected: Map<string, unknown>,
): Promise<{ stored: number; differing: string[] }> {
  const stored = await storedStates(store, collection);
  const differing = [...new Set([...stored.keys(), ...expected.keys()])].filter(
    (k) =>
      (stored.has(k) ? canonical(stored.get(k)) : undefined) !==
      (expected.has(k) ? canonical(expected.get(k)) : undefined),
  );
  return { stored: stored.size, differing };
}

/** An app context on the engines `env` names (embedded without KAFKA_BROKERS/MONGO_URL). */
export async function appContextFor(env: Record<string, string>): Promise<AppContext> {
  const config = loadConfig([RuntimeConfig, ProjectorConfig], env);
  const runtime = config.get(RuntimeConfig);
  const logger = new JsonLogger('error', { app: 'test' }, (l) => process.stderr.write(l + '\n'));
  const engines = createEngines(runtime, logger);
  await connectEngines(engines, runtime, ['log', 'store']);
  const ctx: AppContext = {
    name: 'test',
    config,
    engines,
    logger,
    metrics: new MetricsService('test'),
  };
  await ensurePlatformTopics(ctx);
  return ctx;
}

export async function appendEvents(
  ctx: AppContext,
  events: readonly RecordedEvent[],
): Promise<void> {
  const topic = topicNames(ctx.config.get(RuntimeConfig).TOPIC_PREFIX).events;
  for (let i = 0; i < events.length; i += 500) {
    await ctx.engines.log.append(
      topic,
      events.slice(i, i + 500).map((e) => ({
        key: partitionKey(e),
        value: encodeRecordedEvent(e),
        headers: eventHeaders(e),
      })),
    );
  }
}
