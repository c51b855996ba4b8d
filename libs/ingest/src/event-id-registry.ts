import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RuntimeConfig } from '@touchpoint/config';
import { HEADERS, topicNames } from '@touchpoint/contracts';
import { type Logger } from '@touchpoint/core';
import {
  EVENT_LOG,
  type EventLog,
  type LogRecord,
  READ_MODEL_STORE,
  type ReadModelStore,
  type VersionedWrite,
} from '@touchpoint/ports';
import { LOGGER, STARTUP_GATE, type GateProgress, type StartupGate } from '@touchpoint/platform';

/** Accepted event ids and where they landed; answers "duplicate" for client retries. */
export const EVENT_ID_COLLECTION = 'ingest_event_ids';

/** One registry entry: where the accepted event sits in the log, and when it was accepted. */
export type AcceptedEventId = {
  readonly partition: number;
  readonly offset: string;
  readonly at: string;
};

const SLICE = 5000;

/**
 * Writes the id of every event in `topic` into the duplicate registry, the first position of an
 * id winning (as at ingest, where the first acceptance is remembered). The log holds every
 * event ingest ever acknowledged, so a registry rebuilt from it is exact: nothing accepted is
 * forgotten, even an event whose id ingest could not remember before a crash. Returns the number
 * of distinct ids.
 */
export async function rebuildEventIdRegistry(
  log: EventLog,
  store: ReadModelStore,
  topic: string,
  progress: (p: GateProgress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<number> {
  const ends = await log.offsets(topic);
  const total = ends.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  const seen = new Set<string>();
  let done = 0;
  progress({ done, total });
  for (const end of ends) {
    let next = BigInt(end.low);
    const high = BigInt(end.high);
    while (next < high && !signal?.aborted) {
      const records = await log.read(topic, [
        {
          partition: end.partition,
          fromOffset: String(next),
          maxRecords: Math.min(SLICE, Number(high - next)),
        },
      ]);
      if (records.length === 0) break;
      const writes: VersionedWrite<AcceptedEventId>[] = [];
      for (const record of records) {
        const id = eventIdOf(record);
        if (id === undefined || seen.has(id)) continue;
        seen.add(id);
        writes.push({
          id,
          doc: {
            partition: record.partition,
            offset: record.offset,
            at: new Date(record.timestamp).toISOString(),
          },
          version: 1,
        });
      }
      // Version 1 like ingest's own writes: an id already remembered keeps its first position.
      if (writes.length > 0) await store.writeVersioned(EVENT_ID_COLLECTION, writes);
      next = BigInt(records[records.length - 1]!.offset) + 1n;
      done += records.length;
      progress({ done, total });
    }
  }
  return seen.size;
}

/** The event id header ingest writes; a record produced without it is read for its `eventId`. */
function eventIdOf(record: LogRecord): string | undefined {
  const header = record.headers[HEADERS.eventId];
  if (header) return header;
  try {
    const parsed = JSON.parse(record.value.toString('utf8')) as { eventId?: unknown };
    return typeof parsed.eventId === 'string' ? parsed.eventId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * In a store that forgets on restart (the embedded store is this process's memory) the duplicate
 * registry is rebuilt from the events topic on start, before the port opens (through the startup
 * gate when there is one), so a resend of an event accepted before a restart is still answered
 * `200 duplicate`. A durable store (MongoDB) keeps the registry itself: nothing to do.
 */
@Injectable()
export class EventIdRegistryRebuild implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stop = new AbortController();

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(STARTUP_GATE) private readonly gate: StartupGate | null,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly runtime: RuntimeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.store.kind !== 'embedded') return;
    const started = Date.now();
    let progress: GateProgress = { done: 0, total: 0 };
    const work = rebuildEventIdRegistry(
      this.log,
      this.store,
      topicNames(this.runtime.TOPIC_PREFIX).events,
      (p) => (progress = p),
      this.stop.signal,
    ).then((eventIds) =>
      this.logger.info('duplicate registry rebuilt from the log', {
        eventIds,
        records: progress.total,
        ms: Date.now() - started,
      }),
    );
    if (this.gate && !this.gate.isOpen) {
      this.gate.task('ingest duplicate registry', work, () => progress);
    } else {
      await work;
    }
  }

  onApplicationShutdown(): void {
    this.stop.abort();
  }
}
