import { RuntimeConfig } from '@touchpoint/config';
import { type RecordedEvent, decodeRecordedEvent, topicNames } from '@touchpoint/contracts';
import type { LogBatch, LogMessage, LogRecord, Subscription } from '@touchpoint/ports';
import { deadLetterAppends, deadLetterOf } from './dead-letters';
import type { AppContext } from './platform.module';

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

/**
 * Verdicts by log position. One process runs several groups over the same records (a group per
 * model version, the archiver); a record at a position of a log never changes, so it is decoded
 * and validated once per process rather than once per group. Kept per log instance (two logs in
 * one process, as in tests, may share topic names).
 *
 * An entry stays until every group of the process has taken it, then goes: what is held is the
 * spread between the fastest and the slowest group, whatever that is (a fetch alone is 4 MiB
 * per partition, tens of thousands of records, and the archiver runs ahead of the models), and
 * nothing is held once the groups are level. A fixed window smaller than the spread missed on
 * almost every record. Bounded all the same, for entries a group will never take (it stopped,
 * or started past them): beyond MAX_VERDICTS the oldest goes, which is only a missed saving.
 */
const MAX_VERDICTS = 250_000;

interface Held {
  readonly verdict: Verdict;
  /** Groups that have not taken it yet. */
  waiting: number;
}

class VerdictCache {
  private readonly byPosition = new Map<string, Held>();
  /**
   * Positions in insertion order, a ring: the oldest is evicted by its key. Taking the Map's
   * first key instead walks over every slot deleted since the Map was last rehashed, which made
   * each eviction cost a scan of tens of thousands of holes.
   */
  private readonly ring: (string | undefined)[] = [];
  private next = 0;
  /** Groups consuming through this cache now. */
  groups = 0;

  decode(record: LogRecord): Verdict {
    const position = `${record.topic}\u0000${record.partition}\u0000${record.offset}`;
    const found = this.byPosition.get(position);
    if (found) {
      if (--found.waiting <= 0) this.byPosition.delete(position);
      return found.verdict;
    }
    const verdict = decodeRecordedEvent(record.value);
    if (this.groups <= 1) return verdict;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.byPosition.delete(evicted);
    this.ring[this.next] = position;
    this.next = (this.next + 1) % MAX_VERDICTS;
    this.byPosition.set(position, { verdict, waiting: this.groups - 1 });
    return verdict;
  }
}

const verdicts = new WeakMap<object, VerdictCache>();

function verdictCache(log: object): VerdictCache {
  let known = verdicts.get(log);
  if (known === undefined) {
    known = new VerdictCache();
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
