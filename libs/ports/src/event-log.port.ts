/** The append-only log of record (Kafka, or the embedded file log). */

export interface LogMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface LogRecord extends LogPosition {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Broker append time (ms since epoch). */
  readonly timestamp: number;
}

export interface LogBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly LogRecord[];
  /** Offset of the next record the log will write in this partition (lag = this − last − 1). */
  readonly highWatermark: string;
  /**
   * Tells the group this member is alive while a long handler runs (Kafka evicts a member that
   * stays silent for the session timeout and hands its partitions to another). Cheap to call
   * often; rejects when the group is rebalancing, which abandons the batch (it is redelivered).
   */
  readonly heartbeat?: () => Promise<void>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level settings such as retention.ms; '-1' retention keeps history forever. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed position starts. */
  readonly fromBeginning: boolean;
  /**
   * Called with records of one partition in log order. The position is committed only after
   * the promise resolves, so a crash redelivers the batch: handlers must be idempotent.
   */
  readonly handleBatch: (batch: LogBatch) => Promise<void>;
  /**
   * Exact start positions (next offset to read) per partition of the single subscribed topic,
   * overriding the group's committed position: live tails that must not miss what was appended
   * between reading the offsets and joining (change feeds, resumable streams).
   */
  readonly startAt?: readonly { readonly partition: number; readonly offset: string }[];
  /**
   * Bytes of one partition a fetch may bring. A bulk reader (a replay) asks for more than the
   * live default, so that one batch holds many events of each document and a document is
   * written once per batch rather than once per few events. Adapters without fetches ignore it.
   */
  readonly fetchBytesPerPartition?: number;
  /**
   * Batches of different partitions that may be handled at once (default 1: one after
   * another). A handler that accepts more must be safe to call concurrently. Adapters that
   * deliver one batch at a time ignore it.
   */
  readonly concurrentPartitions?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface ReadRange {
  readonly partition: number;
  readonly fromOffset: string;
  readonly maxRecords: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface EventLog {
  readonly kind: 'kafka' | 'embedded';
  connect(): Promise<void>;
  /** Creates missing topics; refuses (conflict) when an existing topic contradicts its spec. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Resolves once every message is durable (Kafka: acks=all; embedded: fsync). */
  append(topic: string, messages: readonly LogMessage[]): Promise<LogPosition[]>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads ranges of several partitions without a consumer group (inspection tools, the DLQ).
   * Each range ends at `maxRecords` or at the partition's end when the call started.
   */
  read(topic: string, ranges: readonly ReadRange[]): Promise<LogRecord[]>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /** The next offset a consumer group will read per partition (partitions it never committed are absent). */
  committedOffsets(
    groupId: string,
    topic: string,
  ): Promise<{ readonly partition: number; readonly offset: string }[]>;
  /** Forgets a consumer group and its positions (it must have no running member). */
  deleteGroup(groupId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_LOG = Symbol('EventLog');
