import { RuntimeConfig } from '@touchpoint/config';
import { type RecordedEvent, decodeRecordedEvent, topicNames } from '@touchpoint/contracts';
import type { LogBatch, LogMessage, LogRecord, Subscription } from '@touchpoint/ports';
import { deadLetterAppends, deadLetterOf } from './dead-letters';
import type { AppContext } from './platform.module';
import { VerdictCache } from './verdict-cache';

export interface ConsumedEvent {
  readonly event: RecordedEvent;
  readonly record: LogRecord;
}

export interface EventConsumerOptions {
  readonly groupId: string;
  readonly fromBeginning: boolean;
  /**
   * Whether this consumer writes invalid records to the dead-letter topic. One consumer per
   * deployment does (the projector's live group), so a bad record is dead-lettered once rather
   * than once per model version.
   */
  readonly deadLetter: boolean;
  /** Also call `handle` for a batch with no valid event (to track positions, e.g. a replay). */
  readonly handleEmpty?: boolean;
  /** Called with the valid events of one partition batch, in log order; must be idempotent. */
  readonly handle: (events: readonly ConsumedEvent[], batch: LogBatch) => Promise<void>;
  /** See SubscribeOptions.fetchBytesPerPartition. */
  readonly fetchBytesPerPartition?: number;
  /** See SubscribeOptions.concurrentPartitions: `handle` must then be safe to call concurrently. */
  readonly concurrentPartitions?: number;
}

type Verdict = ReturnType<typeof decodeRecordedEvent>;

/** One cache per log instance (two logs in one process, as in tests, may share topic names). */
const verdicts = new WeakMap<object, VerdictCache<Verdict>>();

function verdictCache(log: object): VerdictCache<Verdict> {
  let known = verdicts.get(log);
  if (known === undefined) {
    known = new VerdictCache(decodeRecordedEvent);
    verdicts.set(log, known);
  }
  return known;
}

/**
 * The consuming side of the contract (DESIGN §4): every record is validated again, because
 * producers may write to Kafka directly. Invalid ones go to `<prefix>.events.dlq` with the raw
 * bytes and headers naming the reason and the original position; the partition keeps flowing.
 */
export async function startEventConsumer(
  ctx: AppContext,
  options: EventConsumerOptions,
): Promise<Subscription> {
  const topics = topicNames(ctx.config.get(RuntimeConfig).TOPIC_PREFIX);
  const log = ctx.engines.log;
  const logger = ctx.logger.child({ groupId: options.groupId });
  const consumed = ctx.metrics.counter(
    'touchpoint_consumer_records_total',
    'Records consumed, by outcome',
    ['group', 'outcome'],
  );
  const lag = ctx.metrics.gauge(
    'touchpoint_consumer_lag',
    'Records behind the log end, per partition',
    ['group', 'partition'],
  );

  // With the embedded log a group reading from the beginning is a rebuild of memory: the port
  // opens once it has reached the log's end (StartupGate).
  const rebuilding = options.fromBeginning && ctx.startup && !ctx.startup.isOpen;
  if (rebuilding) ctx.startup?.follow(options.groupId, [topics.events]);

  const cache = verdictCache(log);
  cache.groups++;
  const subscribing = log.subscribe({
    groupId: options.groupId,
    topics: [topics.events],
    fromBeginning: options.fromBeginning,
    ...(options.fetchBytesPerPartition
      ? { fetchBytesPerPartition: options.fetchBytesPerPartition }
      : {}),
    ...(options.concurrentPartitions ? { concurrentPartitions: options.concurrentPartitions } : {}),
    handleBatch: async (batch) => {
      const valid: ConsumedEvent[] = [];
      const dead: LogMessage[] = [];
      for (const record of batch.records) {
        const verdict = cache.decode(record);
        if (verdict.ok) {
          valid.push({ event: verdict.event, record });
          continue;
        }
        const first = verdict.violations[0];
        const reason = verdict.violations
          .map((v) => `${v.path}: ${v.message} (${v.code})`)
          .join('; ');
        logger.warn('invalid record', {
          partition: record.partition,
          offset: record.offset,
          code: first?.code,
          reason,
          deadLettered: options.deadLetter,
        });
        if (options.deadLetter)
          dead.push(deadLetterOf(record, first?.code ?? 'invalid', reason, verdict.violations));
      }
      // Dead letters are durable before the batch is handled and committed: a crash in between
      // repeats them, and `dlq list` folds repeats by original position.
      for (const letters of deadLetterAppends(dead)) await log.append(topics.dlq, letters);
      if (valid.length > 0 || options.handleEmpty) await options.handle(valid, batch);
      consumed.inc({ group: options.groupId, outcome: 'valid' }, valid.length);
      consumed.inc(
        { group: options.groupId, outcome: 'invalid' },
        batch.records.length - valid.length,
      );
      const last = batch.records[batch.records.length - 1];
      if (last && rebuilding) {
        ctx.startup?.advanced(
          options.groupId,
          batch.topic,
          batch.partition,
          String(BigInt(last.offset) + 1n),
        );
      }
      if (last) {
        lag.set(
          { group: options.groupId, partition: String(batch.partition) },
          Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n)),
        );
      }
    },
  });
  // A group that failed to join takes no entries.
  subscribing.catch(() => cache.groups--);
  const subscription = await subscribing;
  let stopped = false;
  return {
    stop: async () => {
      if (rebuilding) ctx.startup?.unfollow(options.groupId);
      await subscription.stop();
      if (!stopped) cache.groups--;
      stopped = true;
    },
  };
}
