import { EventEmitter } from 'node:events';
import { AppError } from '@touchpoint/core';
import type {
  AllPosition,
  AppendResult,
  CatchUpOptions,
  EventStore,
  ExpectedRevision,
  NewStreamEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoreSubscription,
  StreamEvent,
} from '@touchpoint/ports';

/** EventStoreDB's default MaxAppendSize (1 MiB). */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;

/** An event as the server receives it: its data and metadata as JSON, and their size. */
interface EncodedEvent {
  readonly data: string;
  readonly metadata: string;
  readonly bytes: number;
}

/**
 * Encodings by event object, and JSON by data object. An archived event's size is asked for
 * while it is chunked, again for its chunk and once more by the embedded store, which also
 * keeps the JSON; an event naming two identities goes to two streams with the same data. One
 * serialisation serves them all, and both streams hold the same text. Events are values (every
 * field readonly): one is not changed after it has been handed over for appending.
 */
const encodings = new WeakMap<NewStreamEvent, EncodedEvent>();
const dataJson = new WeakMap<object, string>();

function encoded(e: NewStreamEvent): EncodedEvent {
  let found = encodings.get(e);
  if (found === undefined) {
    let data = dataJson.get(e.data);
    if (data === undefined) {
      data = JSON.stringify(e.data);
      dataJson.set(e.data, data);
    }
    const metadata = JSON.stringify(e.metadata ?? {});
    found = {
      data,
      metadata,
      bytes: Buffer.byteLength(e.type) + Buffer.byteLength(data) + Buffer.byteLength(metadata),
    };
    encodings.set(e, found);
  }
  return found;
}

/** Bytes an append carries, counted like the server: event type, data and metadata. */
export function appendSize(events: readonly NewStreamEvent[]): number {
  let size = 0;
  for (const e of events) size += encoded(e).bytes;
  return size;
}

/**
 * A stored event as the server holds it: JSON text, parsed again for every reader (as the real
 * client does), so no reader can change what the store holds. Text is also a fraction of the
 * parsed objects' size, and it is a leaf the garbage collector does not trace into: the store
 * holds every event of the process's log.
 */
interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly streamId: string;
  readonly revision: number;
  /** Index in `$all`, which is both parts of its position. */
  readonly seq: number;
}

function materialise(e: StoredEvent): StreamEvent {
  const seq = BigInt(e.seq);
  return {
    id: e.id,
    type: e.type,
    data: JSON.parse(e.data) as Record<string, unknown>,
    metadata: JSON.parse(e.metadata) as Record<string, unknown>,
    streamId: e.streamId,
    revision: e.revision,
    position: { commit: seq, prepare: seq },
  };
}

/**
 * In-memory per-customer streams with EventStoreDB's semantics (expected revisions, idempotent
 * re-append by event id, the append size limit, exclusive subscription checkpoints). Nothing is
 * persisted: in the embedded mode the archiver rebuilds it from the log on every start.
 */
export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded' as const;
  private readonly streams = new Map<string, StoredEvent[]>();
  /** `$all`: every event in append order; an event's position is its index here. */
  private readonly all: StoredEvent[] = [];
  private readonly appended = new EventEmitter();

  constructor(private readonly maxAppendBytes = DEFAULT_MAX_APPEND_BYTES) {
    this.appended.setMaxListeners(0);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  append(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      return Promise.resolve(this.appendNow(streamId, events, expected));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private appendNow(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const size = appendSize(events);
    if (size > this.maxAppendBytes) {
      throw new AppError(
        'append_too_large',
        'too_large',
        `an append of ${size} bytes to ${streamId} exceeds the limit of ${this.maxAppendBytes} bytes`,
      );
    }
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    const wrong = () =>
      AppError.conflict(
        'wrong_expected_revision',
        `stream ${streamId} is at revision ${current < 0 ? 'no_stream' : current}, not the expected ${String(expected)}`,
      );
    if (events.length === 0) {
      if (!matches(expected, current)) throw wrong();
      return { nextExpectedRevision: current };
    }
    if (typeof expected === 'number' || expected === 'no_stream') {
      const from = expected === 'no_stream' ? 0 : expected + 1;
      if (expected !== 'no_stream' && expected > current) throw wrong();
      if (from <= current) {
        // Behind the stream: all ids already right after `expected` → acknowledged, nothing
        // written; none or only some → wrong expected revision (the server's rules).
        const already = stream.slice(from, from + events.length);
        if (already.length === events.length && already.every((e, i) => e.id === events[i]!.id)) {
          return { nextExpectedRevision: from + events.length - 1 };
        }
        throw wrong();
      }
    } else {
      if (expected === 'stream_exists' && stream.length === 0) throw wrong();
      // Without a revision the server can only compare ids: all present → no-op, some → refused.
      const ids = new Map(stream.map((e) => [e.id, e.revision]));
      const seen = events.filter((e) => ids.has(e.id));
      if (seen.length === events.length) {
        return { nextExpectedRevision: ids.get(events[events.length - 1]!.id)! };
      }
      if (seen.length > 0) throw wrong();
    }
    for (const e of events) {
      const { data, metadata } = encoded(e);
      const stored: StoredEvent = {
        id: e.id,
        type: e.type,
        data,
        metadata,
        streamId,
        revision: stream.length,
        seq: this.all.length,
      };
      stream.push(stored);
      this.all.push(stored);
    }
    this.streams.set(streamId, stream);
    this.appended.emit('append');
    return { nextExpectedRevision: stream.length - 1 };
  }

  read(streamId: string, options: ReadStreamOptions): Promise<StreamEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    let out: StoredEvent[];
    if (options.direction === 'forwards') {
      const from = options.fromRevision ?? 0;
      out = stream.slice(from, from + options.maxCount);
    } else {
      const from = Math.min(options.fromRevision ?? stream.length - 1, stream.length - 1);
      out = from < 0 ? [] : stream.slice(Math.max(0, from - options.maxCount + 1), from + 1);
      out.reverse();
    }
    return Promise.resolve(out.map(materialise));
  }

  readAll(options: ReadAllOptions): Promise<StreamEvent[]> {
    const out: StoredEvent[] = [];
    const keep = prefixFilter(options.streamPrefixes);
    if (options.direction === 'forwards') {
      for (let i = nextIndex(options.after); i < this.all.length; i++) {
        if (out.length >= options.maxCount) break;
        if (keep(this.all[i]!)) out.push(this.all[i]!);
      }
    } else {
      const start =
        options.after === undefined ? this.all.length - 1 : Number(options.after.commit) - 1;
      for (let i = Math.min(start, this.all.length - 1); i >= 0; i--) {
        if (out.length >= options.maxCount) break;
        if (keep(this.all[i]!)) out.push(this.all[i]!);
      }
    }
    return Promise.resolve(out.map(materialise));
  }

  subscribeToAll(options: CatchUpOptions): Promise<StoreSubscription> {
    const keep = prefixFilter(options.streamPrefixes);
    let running = true;
    let wake: (() => void) | undefined;
    const onAppend = () => wake?.();
    this.appended.on('append', onAppend);
    const loop = async () => {
      let next = nextIndex(options.from);
      while (running) {
        if (next < this.all.length) {
          const event = this.all[next]!;
          next++;
          if (keep(event)) await options.handle(materialise(event));
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    };
    const done = loop().catch((e: unknown) => {
      this.appended.off('append', onAppend);
      if (running) options.onDropped?.(e);
      running = false;
    });
    return Promise.resolve({
      stop: async () => {
        running = false;
        this.appended.off('append', onAppend);
        wake?.();
        await done;
      },
    });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function matches(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current < 0;
    case 'stream_exists':
      return current >= 0;
    default:
      return expected === current;
  }
}

function nextIndex(after: AllPosition | undefined): number {
  return after === undefined ? 0 : Number(after.commit) + 1;
}

function prefixFilter(prefixes: readonly string[] | undefined): (e: StoredEvent) => boolean {
  if (!prefixes || prefixes.length === 0) return () => true;
  return (e) => prefixes.some((p) => e.streamId.startsWith(p));
}
