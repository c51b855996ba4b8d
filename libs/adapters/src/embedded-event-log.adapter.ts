import { EventEmitter } from 'node:events';
import {
  promises as fs,
  openSync,
  closeSync,
  writeSync,
  fsyncSync,
  fstatSync,
  ftruncateSync,
  readFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { AppError, type Logger, silentLogger, errorMessage } from '@touchpoint/core';
import type {
  EventLog,
  LogBatch,
  LogMessage,
  LogPosition,
  LogRecord,
  PartitionOffsets,
  ReadRange,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '@touchpoint/ports';
import { partitionFor } from './partitioner';

interface TopicState {
  readonly spec: TopicSpec;
  readonly partitions: LogRecord[][];
  readonly fds: number[];
  /** Bytes of each partition file that hold acknowledged records. */
  readonly sizes: number[];
}

/**
 * A delivery's bound, as a Kafka fetch's: bytes of one partition (SubscribeOptions
 * .fetchBytesPerPartition, kafkajs' live default when absent), at least one record. A fold
 * writes each document it touched once, so the more events of a document one batch carries,
 * the fewer times the document is serialised and written.
 */
const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const MAX_BATCH_RECORDS = 50_000;

/**
 * A durable single-process log: one JSON-lines file per topic partition under
 * `<dataDir>/log/<topic>/`, fsynced before an append resolves. It gives the embedded mode the
 * same contract as Kafka (per-key order, offsets, at-least-once delivery to groups). Group
 * positions live in memory: on start every consumer re-reads the log, which is how the
 * embedded read models are rebuilt.
 */
export class EmbeddedEventLog implements EventLog {
  readonly kind = 'embedded' as const;
  private readonly topics = new Map<string, TopicState>();
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<() => Promise<void>>();
  /** groupId → `topic/partition` → next offset; kept per process, like the positions themselves. */
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly root: string;
  private lockPath?: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.root = join(dataDir, 'log');
    this.appended.setMaxListeners(0);
  }

  async connect(): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    const lockPath = join(this.root, 'LOCK');
    await this.takeLock(lockPath);
    // Remembered only once held: close() after a refused connect must not delete the lock of
    // the process that holds it (a refused CLI command once did, and the next one then wrote
    // beside a running server).
    this.lockPath = lockPath;
    for (const name of readdirSync(this.root, { withFileTypes: true })) {
      if (name.isDirectory()) this.openTopic(name.name);
    }
  }

  private async takeLock(path: string): Promise<void> {
    try {
      const holder = Number((await fs.readFile(path, 'utf8')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new AppError(
          'data_dir_locked',
          'conflict',
          `the embedded log in ${this.root} is in use by process ${holder}; stop it or set DATA_DIR to another directory`,
        );
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
    }
    await fs.writeFile(path, String(process.pid));
  }

  private openTopic(name: string): TopicState | undefined {
    const dir = join(this.root, name);
    const specPath = join(dir, 'topic.json');
    if (!existsSync(specPath)) return undefined;
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as TopicSpec;
    const partitions: LogRecord[][] = [];
    const fds: number[] = [];
    for (let p = 0; p < spec.partitions; p++) {
      const file = join(dir, `p${p}.jsonl`);
      partitions.push(existsSync(file) ? readPartition(name, p, file) : []);
      fds.push(openSync(file, 'a'));
    }
    const sizes = fds.map((fd) => fstatSync(fd).size);
    const state = { spec, partitions, fds, sizes };
    this.topics.set(name, state);
    return state;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      const existing = this.topics.get(spec.name);
      if (existing) {
        if (existing.spec.partitions !== spec.partitions) {
          throw new AppError(
            'topic_mismatch',
            'conflict',
            `topic ${spec.name} exists with ${existing.spec.partitions} partitions but KAFKA_TOPIC_PARTITIONS asks for ${spec.partitions}`,
          );
        }
        continue;
      }
      const dir = join(this.root, spec.name);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(join(dir, 'topic.json'), JSON.stringify(spec));
      this.openTopic(spec.name);
    }
  }

  /** Set when a failed append could not be taken back: appends are refused until a restart. */
  private damaged: AppError | undefined;

  /**
   * A write or fsync failed (a full disk, most often): cut every partition file this append
   * touched back to its acknowledged records, so nothing the caller is told failed can surface
   * later (after a restart it would have shifted every later offset), and the next append,
   * once space returns, starts on a clean line.
   */
  private undoAppend(topic: TopicState, name: string, written: number[], cause: unknown): AppError {
    try {
      for (const partition of written) ftruncateSync(topic.fds[partition]!, topic.sizes[partition]);
    } catch (undo) {
      this.damaged = AppError.unavailable(
        'log_damaged',
        `the embedded log in ${this.root} could not take back a failed append (${errorMessage(undo)}): restart the process, which cuts the torn records off`,
        30,
      );
      this.logger.error('embedded log append could not be taken back', {
        topic: name,
        error: errorMessage(undo),
      });
      return this.damaged;
    }
    const code = (cause as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.logger.warn('embedded log: the data directory is full', { topic: name, dir: this.root });
      return AppError.unavailable(
        'disk_full',
        `the data directory ${this.root} is full: nothing of this request was written; free space there and send it again`,
        30,
      );
    }
    return AppError.unavailable(
      'log_write_failed',
      `the embedded log in ${this.root} could not write (${errorMessage(cause)}): nothing of this request was written`,
      5,
    );
  }

  private topic(name: string): TopicState {
    const state = this.topics.get(name);
    if (!state) throw new AppError('unknown_topic', 'not_found', `topic ${name} does not exist`);
    return state;
  }

  append(topicName: string, messages: readonly LogMessage[]): Promise<LogPosition[]> {
    const topic = this.topic(topicName);
    const now = Date.now();
    const byPartition = new Map<number, string[]>();
    const positions: LogPosition[] = [];
    const added: LogRecord[] = [];
    for (const m of messages) {
      const partition = partitionFor(m.key, topic.spec.partitions);
      const records = topic.partitions[partition]!;
      const pending = byPartition.get(partition) ?? [];
      const offset = String(records.length + pending.length);
      const record: LogRecord = {
        topic: topicName,
        partition,
        offset,
        key: m.key,
        value: m.value,
        headers: { ...(m.headers ?? {}) },
        timestamp: now,
      };
      pending.push(
        JSON.stringify({ k: m.key, v: m.value.toString('base64'), h: record.headers, t: now }) +
          '\n',
      );
      byPartition.set(partition, pending);
      added.push(record);
      positions.push({ topic: topicName, partition, offset });
    }
    if (this.damaged !== undefined) return Promise.reject(this.damaged);
    // Write and fsync before the records become visible: an acknowledged append survives a crash.
    const written: number[] = [];
    try {
      for (const [partition, lines] of byPartition) {
        written.push(partition);
        writeFully(topic.fds[partition]!, Buffer.from(lines.join(''), 'utf8'));
        fsyncSync(topic.fds[partition]!);
      }
    } catch (e) {
      return Promise.reject(this.undoAppend(topic, topicName, written, e));
    }
    for (const partition of byPartition.keys())
      topic.sizes[partition] = fstatSync(topic.fds[partition]!).size;
    for (const record of added) topic.partitions[record.partition]!.push(record);
    this.appended.emit(topicName);
    return Promise.resolve(positions);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    let running = true;
    const positions = new Map<string, number>();
    if (options.startAt && options.topics.length !== 1) {
      return Promise.reject(new Error('subscribe: startAt needs exactly one topic'));
    }
    for (const { partition, offset } of options.startAt ?? [])
      positions.set(`${options.topics[0]}/${partition}`, Number(offset));
    const committed = this.committed.get(options.groupId) ?? new Map<string, number>();
    this.committed.set(options.groupId, committed);
    let wake: (() => void) | undefined;
    const onAppend = () => wake?.();
    for (const t of options.topics) this.appended.on(t, onAppend);

    const fetchBytes = options.fetchBytesPerPartition ?? FETCH_BYTES_PER_PARTITION;
    const concurrent = Math.max(1, options.concurrentPartitions ?? 1);
    /** The next batch of one partition, or undefined when the group is at its end. */
    const nextBatch = (topicName: string, topic: TopicState, p: number) => {
      const key = `${topicName}/${p}`;
      const records = topic.partitions[p]!;
      const from = positions.get(key) ?? (options.fromBeginning ? 0 : records.length);
      positions.set(key, from);
      if (from >= records.length) return undefined;
      let to = from;
      let bytes = 0;
      while (to < records.length && to - from < MAX_BATCH_RECORDS) {
        bytes += records[to]!.value.length;
        if (to > from && bytes > fetchBytes) break;
        to++;
      }
      const batch: LogBatch = {
        topic: topicName,
        partition: p,
        records: records.slice(from, to),
        highWatermark: String(records.length),
        // One process owns every partition: there is no group to stay alive in.
        heartbeat: () => Promise.resolve(),
      };
      return { key, from, batch };
    };
    const deliver = async (next: { key: string; from: number; batch: LogBatch }) => {
      try {
        await options.handleBatch(next.batch);
        const after = next.from + next.batch.records.length;
        positions.set(next.key, after);
        committed.set(next.key, after);
        return true;
      } catch (e) {
        // Same as Kafka without a commit: the batch is redelivered after a pause.
        this.logger.error('batch handler failed; will retry', {
          topic: next.batch.topic,
          partition: next.batch.partition,
          groupId: options.groupId,
          error: errorMessage(e),
        });
        await sleep(500);
        return false;
      }
    };

    const loop = async () => {
      while (running) {
        let delivered = false;
        for (const topicName of options.topics) {
          const topic = this.topics.get(topicName);
          if (!topic) continue;
          // Like kafkajs' partitionsConsumedConcurrently: up to `concurrent` partitions' batches
          // are handed over at once (a FoldQueue then folds them together).
          for (let p = 0; p < topic.partitions.length && running; p += concurrent) {
            const batches = [];
            for (let q = p; q < Math.min(p + concurrent, topic.partitions.length); q++) {
              const next = nextBatch(topicName, topic, q);
              if (next) batches.push(next);
            }
            if (batches.length === 0) continue;
            const outcomes = await Promise.all(batches.map(deliver));
            if (outcomes.includes(true)) delivered = true;
          }
        }
        if (!delivered && running) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 1000).unref();
          });
          wake = undefined;
        }
      }
    };
    const done = loop();
    const stop = async () => {
      running = false;
      wake?.();
      for (const t of options.topics) this.appended.off(t, onAppend);
      await done;
    };
    this.subscriptions.add(stop);
    return Promise.resolve({
      stop: async () => {
        this.subscriptions.delete(stop);
        await stop();
      },
    });
  }

  read(topicName: string, ranges: readonly ReadRange[]): Promise<LogRecord[]> {
    const topic = this.topic(topicName);
    const out: LogRecord[] = [];
    for (const range of ranges) {
      const records = topic.partitions[range.partition];
      if (!records) {
        throw new AppError(
          'unknown_partition',
          'not_found',
          `${topicName} has no partition ${range.partition}`,
        );
      }
      const from = Number(range.fromOffset);
      out.push(...records.slice(from, from + range.maxRecords));
    }
    return Promise.resolve(out);
  }

  offsets(topicName: string): Promise<PartitionOffsets[]> {
    return Promise.resolve(
      this.topic(topicName).partitions.map((records, partition) => ({
        partition,
        low: '0',
        high: String(records.length),
      })),
    );
  }

  committedOffsets(
    groupId: string,
    topicName: string,
  ): Promise<{ partition: number; offset: string }[]> {
    const out: { partition: number; offset: string }[] = [];
    for (const [key, next] of this.committed.get(groupId) ?? []) {
      const cut = key.lastIndexOf('/');
      if (key.slice(0, cut) === topicName)
        out.push({ partition: Number(key.slice(cut + 1)), offset: String(next) });
    }
    return Promise.resolve(out.sort((a, b) => a.partition - b.partition));
  }

  deleteGroup(groupId: string): Promise<void> {
    this.committed.delete(groupId);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((stop) => stop()));
    this.subscriptions.clear();
    for (const topic of this.topics.values()) for (const fd of topic.fds) closeSync(fd);
    this.topics.clear();
    if (this.lockPath) await this.releaseLock(this.lockPath);
  }

  /** Removes the lock only while it still names this process. */
  private async releaseLock(path: string): Promise<void> {
    this.lockPath = undefined;
    const holder = await fs.readFile(path, 'utf8').catch(() => '');
    if (Number(holder.trim()) === process.pid) await fs.rm(path, { force: true });
  }
}

/** writeSync may write less than asked (a disk filling up): write the rest or throw. */
function writeFully(fd: number, data: Buffer): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

function readPartition(topic: string, partition: number, file: string): LogRecord[] {
  const records: LogRecord[] = [];
  const text = readFileSync(file);
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf(0x0a, start);
    let parsed: { k: string; v: string; h: Record<string, string>; t: number } | undefined;
    if (end !== -1) {
      try {
        parsed = JSON.parse(text.subarray(start, end).toString('utf8')) as typeof parsed;
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed) {
      // A torn tail from a crash mid-write was never acknowledged: cut it off so the next
      // append starts on a clean line.
      truncateSync(file, start);
      break;
    }
    records.push({
      topic,
      partition,
      offset: String(records.length),
      key: parsed.k,
      value: Buffer.from(parsed.v, 'base64'),
      headers: parsed.h,
      timestamp: parsed.t,
    });
    start = end + 1;
  }
  return records;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
