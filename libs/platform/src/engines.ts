import type { RuntimeConfig } from '@touchpoint/config';
import { AppError, type Logger, errorMessage } from '@touchpoint/core';
import type { EventLog, EventStore, ReadModelStore } from '@touchpoint/ports';
import {
  EmbeddedEventLog,
  EmbeddedEventStore,
  EmbeddedReadModelStore,
  EventStoreDbEventStore,
  KafkaEventLog,
  MongoReadModelStore,
  UnavailableAwareStore,
  redact,
} from '@touchpoint/adapters';

/** The three engines of DESIGN §2; a setting picks the real one, its absence the embedded one. */
export interface Engines {
  readonly log: EventLog;
  readonly store: ReadModelStore;
  readonly eventStore: EventStore;
}

/** Something that could not start; `variable` names the setting the user should look at. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export function createEngines(runtime: RuntimeConfig, logger: Logger): Engines {
  const log = runtime.KAFKA_BROKERS
    ? new KafkaEventLog(
        {
          brokers: runtime.KAFKA_BROKERS.split(','),
          clientId: runtime.KAFKA_CLIENT_ID,
          connectTimeoutMs: runtime.ENGINE_CONNECT_TIMEOUT_MS,
          appendTimeoutMs: runtime.KAFKA_ACK_TIMEOUT_MS,
          sessionTimeoutMs: runtime.KAFKA_SESSION_TIMEOUT_MS,
        },
        logger.child({ component: 'kafka' }),
      )
    : new EmbeddedEventLog(runtime.DATA_DIR, logger.child({ component: 'embedded-log' }));
  // A store that cannot be reached is `store_unavailable` (503 with Retry-After), not a 500.
  const store = runtime.MONGO_URL
    ? new UnavailableAwareStore(
        new MongoReadModelStore(
          runtime.MONGO_URL,
          runtime.MONGO_DB,
          runtime.ENGINE_CONNECT_TIMEOUT_MS,
          logger.child({ component: 'mongodb' }),
        ),
      )
    : new EmbeddedReadModelStore();
  const eventStore = runtime.EVENTSTORE_URL
    ? new EventStoreDbEventStore(runtime.EVENTSTORE_URL, runtime.ENGINE_CONNECT_TIMEOUT_MS)
    : new EmbeddedEventStore();
  return { log, store, eventStore };
}

export type EngineName = keyof Engines;

export const ALL_ENGINES: readonly EngineName[] = ['log', 'store', 'eventStore'];

/** Connects the engines (all, or those named), turning the first failure into one line that names its variable. */
export async function connectEngines(
  engines: Engines,
  runtime: RuntimeConfig,
  only: readonly EngineName[] = ALL_ENGINES,
): Promise<void> {
  const steps: [EngineName, string, string, () => Promise<void>][] = [
    [
      'log',
      engines.log.kind === 'kafka'
        ? `Kafka at ${runtime.KAFKA_BROKERS}`
        : `the embedded log in ${runtime.DATA_DIR}`,
      engines.log.kind === 'kafka' ? 'KAFKA_BROKERS' : 'DATA_DIR',
      () => engines.log.connect(),
    ],
    [
      'store',
      engines.store.kind === 'mongodb'
        ? `MongoDB at ${redact(runtime.MONGO_URL ?? '')}`
        : 'the embedded store',
      'MONGO_URL',
      () => engines.store.connect(),
    ],
    [
      'eventStore',
      engines.eventStore.kind === 'eventstoredb'
        ? `EventStoreDB at ${runtime.EVENTSTORE_URL}`
        : 'the embedded event store',
      'EVENTSTORE_URL',
      () => engines.eventStore.connect(),
    ],
  ];
  for (const [name, what, variable, connect] of steps) {
    if (!only.includes(name)) continue;
    try {
      await connect();
    } catch (e) {
      const reason = e instanceof AppError ? e.message : errorMessage(e);
      throw new StartupError(`cannot use ${what}: ${reason}`, variable);
    }
  }
}

export async function closeEngines(engines: Engines): Promise<void> {
  await Promise.allSettled([
    engines.log.close(),
    engines.store.close(),
    engines.eventStore.close(),
  ]);
}
