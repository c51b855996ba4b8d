import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type LogEntry,
  logLevel,
  type PartitionMetadata,
  Partitioners,
  type Producer,
  ConfigResourceTypes,
} from 'kafkajs';
import { AppError, type Logger, errorMessage, silentLogger } from '@touchpoint/core';
import { withTimeout } from './with-timeout';
import type {
  EventLog,
  LogMessage,
  LogPosition,
  LogRecord,
  PartitionOffsets,
  ReadRange,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '@touchpoint/ports';

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  /** Upper bound for one append, so a dead broker yields a clear 503 rather than a hang. */
  readonly appendTimeoutMs?: number;
  /** How long a silent group member keeps its partitions (a crashed one blocks them this long). */
  readonly sessionTimeoutMs?: number;
}

const MAX_FETCH_BYTES = 8 * 1024 * 1024;
/**
 * Appends joined into one send stop before any partition's record batch would pass this, below
 * the broker's default message.max.bytes (1 MiB): a joined send is never refused where its
 * appends alone would not have been. An append over it alone still goes alone.
 */
const MAX_JOINED_PARTITION_BYTES = 900 * 1024;

interface PendingAppend {
  readonly topic: string;
  readonly messages: readonly LogMessage[];
  readonly partitions: readonly number[];
  resolve(positions: LogPosition[]): void;
  reject(error: unknown): void;
}

function messageBytes(m: LogMessage): number {
  let n = m.value.length + (m.key === undefined ? 0 : Buffer.byteLength(m.key)) + 32;
  for (const [k, v] of Object.entries(m.headers ?? {})) n += k.length + v.length + 8;
  return n;
}

/** The appends at the head of the queue that one send may carry (same topic, bounded batches). */
function takeGroup(queue: PendingAppend[]): PendingAppend[] {
  const bytes = new Map<number, number>();
  const group: PendingAppend[] = [];
  while (queue.length > 0) {
    const next = queue[0]!;
    if (group.length > 0 && next.topic !== group[0]!.topic) break;
    const added = new Map(bytes);
    next.messages.forEach((m, i) => {
      const p = next.partitions[i]!;
      added.set(p, (added.get(p) ?? 0) + messageBytes(m));
    });
    if (group.length > 0 && [...added.values()].some((b) => b > MAX_JOINED_PARTITION_BYTES)) break;
    for (const [p, b] of added) bytes.set(p, b);
    group.push(queue.shift()!);
  }
  return group;
}
const MAX_FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

/** The log of record on Apache Kafka: idempotent producer with acks=all, manual commits. */
export class KafkaEventLog implements EventLog {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private producer: Producer;
  /** A send of this producer failed in kafkajs: its sequence numbers may be out of step. */
  private producerSuspect = false;
  private readonly consumers = new Set<Consumer>();

  constructor(
    private readonly options: KafkaEventLogOptions,
    private readonly logger: Logger = silentLogger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: Math.min(options.connectTimeoutMs, 10000),
      requestTimeout: 30000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.kafkaLog(entry),
    });
    this.admin = this.kafka.admin();
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * kafkajs takes a partition's sequence numbers back when a produce request fails, also when
   * the broker did write the batch and only the answer was lost (a timeout during a quorum
   * loss). If it then gives up, the next batch goes out under the written batch's sequence
   * number, the broker answers it as a duplicate of that batch, and its events are acknowledged
   * without being written: fault scenario 4's full form lost 5 to 26 acknowledged events this
   * way. A producer whose send failed is therefore replaced before the next send: the new one
   * has a new producer id, so no sequence number can collide.
   */
  private async replaceSuspectProducer(deadline: number, timeout: number): Promise<void> {
    if (!this.producerSuspect) return;
    const old = this.producer;
    this.producer = this.newProducer();
    void old.disconnect().catch(() => undefined);
    await withTimeout(
      this.producer.connect(),
      Math.max(1, deadline - Date.now()),
      `Kafka did not accept a new producer within ${timeout} ms`,
    );
    this.producerSuspect = false;
    this.logger.warn('kafka producer replaced after a failed send');
  }

  private kafkaLog({ level, log }: LogEntry): void {
    const { message, ...fields } = log;
    // kafkajs reports retriable conditions (coordinator loading, leader moves) at ERROR and then
    // retries; real failures surface as rejected promises, so its own lines are warnings to us.
    if (level <= logLevel.WARN) this.logger.warn(`kafkajs: ${message}`, fields);
    else this.logger.debug(`kafkajs: ${message}`, fields);
  }

  async connect(): Promise<void> {
    await withTimeout(
      (async () => {
        await this.admin.connect();
        await this.admin.describeCluster();
        await this.producer.connect();
      })(),
      this.options.connectTimeoutMs,
      `Kafka at ${this.options.brokers.join(',')} did not answer within ${this.options.connectTimeoutMs} ms`,
    );
  }

  /** Until every partition of `topics` has a leader (about 30 s at most). */
  private async waitForLeaders(topics: readonly string[]): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [...topics] });
        const led = meta.topics.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
        if (led && meta.topics.length === topics.length) return;
      } catch (e) {
        if (!isRetriableKafkaError(e)) throw e;
        last = e;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw AppError.unavailable(
      'kafka_topics_not_ready',
      `Kafka created ${topics.join(', ')} but gave them no partition leaders within 30 s` +
        (last === undefined ? '' : ` (last error: ${errorMessage(last)})`) +
        '; check the brokers (KAFKA_BROKERS) and try again',
    );
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({
              name,
              value,
            })),
          })),
        });
      } catch (e) {
        // kafkajs waits for the new topics' leaders by retrying LEADER_NOT_AVAILABLE only; a
        // busy broker that has not loaded a new topic yet answers UNKNOWN_TOPIC_OR_PARTITION
        // ("does not host this topic-partition", retriable), and kafkajs gives up although the
        // topic was created. Wait for the leaders here instead.
        if (!isRetriableKafkaError(e)) throw e;
        await this.waitForLeaders(missing.map((s) => s.name));
      }
      this.logger.info('created topics', { topics: missing.map((s) => s.name) });
    }
    const present = specs.filter((s) => existing.has(s.name));
    if (present.length === 0) return;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    const configs = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((s) => ({
        type: ConfigResourceTypes.TOPIC,
        name: s.name,
        configNames: Object.keys(s.config ?? {}),
      })),
    });
    for (const spec of present) {
      const meta = topics.find((t) => t.name === spec.name);
      const partitions: PartitionMetadata[] = meta?.partitions ?? [];
      const differences: string[] = [];
      if (partitions.length !== spec.partitions) {
        differences.push(
          `it has ${partitions.length} partitions, KAFKA_TOPIC_PARTITIONS says ${spec.partitions}`,
        );
      }
      const replicas = partitions[0]?.replicas.length ?? 0;
      if (replicas !== spec.replicationFactor) {
        differences.push(
          `its replication factor is ${replicas}, KAFKA_REPLICATION_FACTOR says ${spec.replicationFactor}`,
        );
      }
      const entries =
        configs.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
      for (const [name, wanted] of Object.entries(spec.config ?? {})) {
        const actual = entries.find((e) => e.configName === name)?.configValue;
        if (actual !== wanted)
          differences.push(`${name} is ${actual ?? 'unset'}, expected ${wanted}`);
      }
      if (differences.length > 0) {
        throw new AppError(
          'topic_mismatch',
          'conflict',
          `topic ${spec.name} already exists but ${differences.join('; ')}: fix the setting or the topic`,
        );
      }
    }
  }

  async append(topic: string, messages: readonly LogMessage[]): Promise<LogPosition[]> {
    if (messages.length === 0) return [];
    // Partitions are chosen here (same murmur2 as the Java client) so each message's offset is
    // known exactly: base offset of its partition + its rank within that partition.
    const partitions = await this.partitionsOf(topic, messages);
    return new Promise<LogPosition[]>((resolve, reject) => {
      this.appends.push({ topic, messages, partitions, resolve, reject });
      if (this.appending) return;
      this.appending = true;
      queueMicrotask(() => void this.drainAppends());
    });
  }

  /**
   * A group commit of appends: the producer has one request in flight (idempotence), so the
   * appends that arrive meanwhile (concurrent ingest requests) wait and then go to Kafka as one
   * send, one record batch per partition, each caller answered with its own positions.
   */
  private readonly appends: PendingAppend[] = [];
  private appending = false;
  /** A send that timed out for its callers but has not settled in kafkajs yet (see send). */
  private abandonedSend: Promise<void> | undefined;

  private async drainAppends(): Promise<void> {
    while (this.appends.length > 0) {
      const group = takeGroup(this.appends);
      try {
        const positions = await this.send(
          group[0]!.topic,
          group.flatMap((g) => g.messages),
          group.flatMap((g) => g.partitions),
        );
        let at = 0;
        for (const g of group) {
          g.resolve(positions.slice(at, at + g.messages.length));
          at += g.messages.length;
        }
      } catch (e) {
        for (const g of group) g.reject(e);
      }
    }
    this.appending = false;
  }

  private async send(
    topic: string,
    messages: readonly LogMessage[],
    partitions: readonly number[],
  ): Promise<LogPosition[]> {
    const timeout = this.options.appendTimeoutMs ?? 10000;
    const deadline = Date.now() + timeout;
    let metadata;
    try {
      // A send whose caller gave up is still running inside kafkajs (retrying until its own
      // timeouts). Another send now would queue behind it, and every one after that too: after
      // a long outage the queue of abandoned sends kept fresh appends waiting for minutes once
      // the brokers were back (fault scenario 4, quorum loss). So wait for it first, within this
      // append's own timeout; at most one send is ever outstanding.
      if (this.abandonedSend !== undefined) {
        await withTimeout(
          this.abandonedSend,
          timeout,
          `Kafka has not acknowledged an earlier write within ${timeout} ms`,
        );
      }
      await this.replaceSuspectProducer(deadline, timeout);
      const sending = this.producer.send({
        topic,
        acks: -1,
        messages: messages.map((m, i) => ({
          key: m.key,
          value: m.value,
          partition: partitions[i],
          headers: m.headers ? { ...m.headers } : undefined,
        })),
      });
      void sending.catch(() => {
        this.producerSuspect = true;
      });
      try {
        metadata = await withTimeout(
          sending,
          Math.max(1, deadline - Date.now()),
          `Kafka did not acknowledge the write within ${timeout} ms`,
        );
      } catch (e) {
        const settled = sending.then(
          () => undefined,
          () => undefined,
        );
        this.abandonedSend = settled;
        void settled.then(() => {
          if (this.abandonedSend === settled) this.abandonedSend = undefined;
        });
        throw e;
      }
    } catch (e) {
      throw AppError.unavailable(
        'log_unavailable',
        `the event log is unavailable: ${errorMessage(e)}`,
        5,
      );
    }
    const base = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
    const rank = new Map<number, bigint>();
    return partitions.map((partition) => {
      const r = rank.get(partition) ?? 0n;
      rank.set(partition, r + 1n);
      return { topic, partition, offset: String((base.get(partition) ?? 0n) + r) };
    });
  }

  private readonly partitionCounts = new Map<string, number>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  private async partitionsOf(topic: string, messages: readonly LogMessage[]): Promise<number[]> {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      count = topics[0]?.partitions.length ?? 1;
      this.partitionCounts.set(topic, count);
    }
    const partitionMetadata = Array.from({ length: count }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    return messages.map((m) =>
      this.partitioner({ topic, partitionMetadata, message: { key: m.key, value: m.value } }),
    );
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    let stopped = false;
    const heartbeatMs = Math.max(500, Math.floor((this.options.sessionTimeoutMs ?? 30000) / 10));
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Back-pressure: a kafkajs fetcher hands one fetch response to eachBatch and fetches again
      // only once every batch of it was handled, so a slow store pauses consumption and at most
      // MAX_FETCH_BYTES of records wait in memory per broker connection.
      maxBytes: Math.max(MAX_FETCH_BYTES, 2 * (options.fetchBytesPerPartition ?? 0)),
      maxBytesPerPartition: options.fetchBytesPerPartition ?? MAX_FETCH_BYTES_PER_PARTITION,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: heartbeatMs,
      // kafkajs restarts a crashed consumer (e.g. after a broker outage) on a timer; once we
      // stopped it, a restart would resurrect it behind our back and keep the process alive.
      retry: { retries: 8, restartOnFailure: () => Promise.resolve(!stopped) },
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
    const startAt = options.startAt ?? [];
    if (startAt.length > 0 && options.topics.length !== 1) {
      throw new Error('subscribe: startAt needs exactly one topic');
    }
    await consumer.run({
      // A fetch's batches go to the handler together, the next fetch only after all of them.
      partitionsConsumedConcurrently: options.concurrentPartitions ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
        const records = batch.messages.map((m) => toRecord(batch.topic, batch.partition, m));
        // Handlers beat after each unit of real progress (a store round-trip), so a long batch
        // keeps its partition while a hung one is still evicted and redelivered elsewhere.
        await options.handleBatch({
          topic: batch.topic,
          partition: batch.partition,
          records,
          highWatermark: batch.highWatermark,
          heartbeat: () => payload.heartbeat(),
        });
        const last = batch.messages[batch.messages.length - 1]!;
        // resolveOffset moves this consumer's fetch position; the commit makes it durable
        // for the group. Both happen only after the handler succeeded. The batch's own commit,
        // not consumer.commitOffsets: kafkajs silently skips the latter once stop() began, so
        // the batch a graceful shutdown waited for would be folded again after the restart.
        payload.resolveOffset(last.offset);
        await payload.commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: String(BigInt(last.offset) + 1n) },
              ],
            },
          ],
        });
        await payload.heartbeat();
      },
    });
    // kafkajs applies seeks once the partitions are assigned; run() must have been called.
    for (const { partition, offset } of startAt)
      consumer.seek({ topic: options.topics[0]!, partition, offset });
    return {
      stop: async () => {
        stopped = true;
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async read(topic: string, ranges: readonly ReadRange[]): Promise<LogRecord[]> {
    const offsets = await this.offsets(topic);
    // Clamp every range to what exists now, so the read ends even while producers keep writing.
    const wanted = new Map<number, { start: bigint; end: bigint }>();
    for (const range of ranges) {
      const bounds = offsets.find((o) => o.partition === range.partition);
      if (!bounds) {
        throw new AppError(
          'unknown_partition',
          'not_found',
          `${topic} has no partition ${range.partition}`,
        );
      }
      const start = maxBig(BigInt(range.fromOffset), BigInt(bounds.low));
      const end = minBig(BigInt(bounds.high), start + BigInt(Math.max(0, range.maxRecords)));
      if (start < end) wanted.set(range.partition, { start, end });
    }
    if (wanted.size === 0) return [];
    // kafkajs has no assign(): a throwaway group that never commits reads the ranges instead.
    const consumer = this.kafka.consumer({
      groupId: `touchpoint-reader-${process.pid}-${Date.now()}`,
    });
    const out: LogRecord[] = [];
    const remaining = new Set(wanted.keys());
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic} timed out after 60 s`)),
          60000,
        );
        consumer
          .run({
            autoCommit: false,
            eachBatch: ({ batch }) => {
              const range = wanted.get(batch.partition);
              if (!range || !remaining.has(batch.partition)) return Promise.resolve();
              for (const m of batch.messages) {
                const offset = BigInt(m.offset);
                if (offset >= range.start && offset < range.end)
                  out.push(toRecord(topic, batch.partition, m));
                if (offset + 1n >= range.end) remaining.delete(batch.partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .then(() => {
            for (const [partition, range] of wanted)
              consumer.seek({ topic, partition, offset: String(range.start) });
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return out.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(
    groupId: string,
    topic: string,
  ): Promise<{ partition: number; offset: string }[]> {
    const [found] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (found?.partitions ?? [])
      .filter((p) => p.offset !== '-1' && p.offset !== '')
      .map((p) => ({ partition: p.partition, offset: p.offset }))
      .sort((a, b) => a.partition - b.partition);
  }

  async deleteGroup(groupId: string): Promise<void> {
    try {
      await this.admin.deleteGroups([groupId]);
    } catch (e) {
      const groups = (e as { groups?: { error?: { type?: string } }[] }).groups ?? [];
      // A group that never committed does not exist: nothing to forget.
      if (groups.length === 0 || groups.some((g) => g.error?.type !== 'GROUP_ID_NOT_FOUND'))
        throw new AppError(
          'group_not_deleted',
          'conflict',
          `consumer group ${groupId} could not be deleted (${groups.map((g) => g.error?.type).join(', ') || errorMessage(e)}); is a projector still running it?`,
        );
    }
  }

  async ping(): Promise<void> {
    await withTimeout(this.admin.describeCluster(), 3000, 'Kafka did not answer within 3000 ms');
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

function toRecord(
  topic: string,
  partition: number,
  m: {
    key: Buffer | null;
    value: Buffer | null;
    headers?: IHeaders;
    offset: string;
    timestamp: string;
  },
): LogRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k] = first.toString();
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString() : null,
    value: m.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(m.timestamp),
  };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * Whether kafkajs marks the error, or an error it wraps (its retrier gives up with a
 * non-retriable error whose cause may be retriable), as worth another try.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    if ((e as { retriable?: unknown }).retriable === true) return true;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return false;
}
