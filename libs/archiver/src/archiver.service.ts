import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ArchiverConfig, RuntimeConfig } from '@touchpoint/config';
import { HEADERS, topicNames } from '@touchpoint/contracts';
import { errorMessage } from '@touchpoint/core';
import type { LogMessage, LogRecord, Subscription } from '@touchpoint/ports';
import { type AppContext, type ConsumedEvent, startEventConsumer } from '@touchpoint/platform';
import { type ArchiveOutcome, StreamArchiver } from './stream-archiver';

export const ARCHIVER_CONTEXT = Symbol('ArchiverContext');

const CONCURRENT_STREAMS = 8;
const LAG_REFRESH_MS = 5000;

/**
 * Consumes the events topic and appends every event to its identity streams (DESIGN §2). The
 * checkpoint is the archiver's own consumer group position, committed only once every event of
 * a batch is in its streams (or dead-lettered as too large): while the event store is down the
 * batch is retried, nothing is committed, and the archiver catches up when it returns.
 *
 * With the embedded event store (in memory) each start uses a fresh group that reads the log
 * from the beginning, so the store is rebuilt from the log of record.
 */
@Injectable()
export class ArchiverService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private lagTimer?: NodeJS.Timeout;
  private readonly archiver: StreamArchiver;
  private readonly checkpoints = new Map<number, string>();
  private readonly logger;
  private readonly events;
  private readonly appends;
  private readonly storeUp;
  private readonly lag;
  private readonly pauseMs: number;

  constructor(@Inject(ARCHIVER_CONTEXT) private readonly ctx: AppContext) {
    const settings = ctx.config.get(ArchiverConfig);
    this.archiver = new StreamArchiver(ctx.engines.eventStore, {
      maxAppendBytes: settings.ARCHIVER_MAX_APPEND_BYTES,
      // The embedded store holds every stream in this process's memory anyway, and their ids are
      // a small part of it; a stream dropped from the cache would be read back and parsed whole.
      cachedStreams:
        ctx.engines.eventStore.kind === 'embedded' ? Infinity : settings.ARCHIVER_CACHED_STREAMS,
      concurrency: CONCURRENT_STREAMS,
    });
    // Retry inside one delivery for a while (well within the consumer session), then let the
    // log redeliver the batch.
    this.pauseMs = Math.min(10000, ctx.config.get(RuntimeConfig).KAFKA_SESSION_TIMEOUT_MS / 3);
    this.logger = ctx.logger.child({ component: 'archiver' });
    const m = ctx.metrics;
    this.events = m.counter('touchpoint_archiver_events_total', 'Stream events by outcome', [
      'outcome',
    ]);
    this.appends = m.counter(
      'touchpoint_archiver_appends_total',
      'Appends sent to the event store',
      [],
    );
    this.storeUp = m.gauge(
      'touchpoint_archiver_event_store_up',
      '1 while the last append succeeded, 0 while the archiver is paused on an unavailable event store',
      [],
    );
    this.lag = m.gauge(
      'touchpoint_archiver_lag',
      'Records of the events topic not yet archived, per partition',
      ['partition'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
    const embedded = this.ctx.engines.eventStore.kind === 'embedded';
    const groupId = embedded ? `${prefix}.archiver.embedded-${randomUUID()}` : `${prefix}.archiver`;
    this.storeUp.set(1);
    this.subscription = await startEventConsumer(this.ctx, {
      groupId,
      fromBeginning: true,
      deadLetter: false,
      handle: (events) => this.archive(events),
    });
    const topic = topicNames(prefix).events;
    this.lagTimer = setInterval(() => void this.refreshLag(topic), LAG_REFRESH_MS);
    this.lagTimer.unref();
    this.logger.info('archiving', { groupId, eventStore: this.ctx.engines.eventStore.kind });
  }

  private async archive(events: readonly ConsumedEvent[]): Promise<void> {
    const inputs = events.map((e) => ({
      event: e.event,
      position: { topic: e.record.topic, partition: e.record.partition, offset: e.record.offset },
    }));
    const outcome = await this.archiveWhileStoreComesBack(inputs);
    if (outcome.tooLarge.length > 0) await this.deadLetter(events, outcome);
    this.events.inc({ outcome: 'appended' }, outcome.appended);
    this.events.inc({ outcome: 'duplicate' }, outcome.duplicates);
    this.events.inc({ outcome: 'dead_lettered' }, outcome.tooLarge.length);
    this.appends.inc(outcome.appends);
    const last = events[events.length - 1]!.record;
    this.checkpoints.set(last.partition, last.offset);
  }

  private async archiveWhileStoreComesBack(
    inputs: Parameters<StreamArchiver['archive']>[0],
  ): Promise<ArchiveOutcome> {
    const deadline = Date.now() + this.pauseMs;
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      try {
        const outcome = await this.archiver.archive(inputs);
        this.storeUp.set(1);
        return outcome;
      } catch (e) {
        this.storeUp.set(0);
        this.logger.warn('event store append failed; archiving paused', {
          error: errorMessage(e),
          retryInMs: delay,
        });
        if (Date.now() + delay > deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async deadLetter(events: readonly ConsumedEvent[], outcome: ArchiveOutcome) {
    const prefix = this.ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
    const limit = this.ctx.config.get(ArchiverConfig).ARCHIVER_MAX_APPEND_BYTES;
    const records = new Map<string, LogRecord>(events.map((e) => [e.event.eventId, e.record]));
    const letters = new Map<string, LogMessage>();
    for (const t of outcome.tooLarge) {
      const record = records.get(t.input.event.eventId);
      if (!record || letters.has(t.input.event.eventId)) continue;
      const reason = `too large to archive: ${t.bytes} bytes in one append to ${t.streamId} (limit ${limit}); the event is on the log and in the read models, only its archived copy is missing`;
      this.logger.error('event too large to archive; dead-lettered', {
        eventId: t.input.event.eventId,
        streamId: t.streamId,
        bytes: t.bytes,
        partition: record.partition,
        offset: record.offset,
      });
      letters.set(t.input.event.eventId, {
        key: record.key ?? '',
        value: record.value,
        headers: {
          ...record.headers,
          [HEADERS.dlqReason]: reason,
          [HEADERS.dlqErrorCode]: 'archive_too_large',
          [HEADERS.dlqOriginalTopic]: record.topic,
          [HEADERS.dlqOriginalPartition]: String(record.partition),
          [HEADERS.dlqOriginalOffset]: record.offset,
          [HEADERS.dlqFailedAt]: new Date().toISOString(),
        },
      });
    }
    await this.ctx.engines.log.append(topicNames(prefix).dlq, [...letters.values()]);
  }

  private async refreshLag(topic: string): Promise<void> {
    try {
      for (const p of await this.ctx.engines.log.offsets(topic)) {
        const done = this.checkpoints.get(p.partition);
        if (done === undefined) continue;
        this.lag.set(
          { partition: String(p.partition) },
          Math.max(0, Number(BigInt(p.high) - BigInt(done) - 1n)),
        );
      }
    } catch (e) {
      this.logger.debug('lag refresh failed', { error: errorMessage(e) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.subscription?.stop();
  }
}
