import { appendSize } from '@touchpoint/adapters';
import type { RecordedEvent } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import { type EventStore, type NewStreamEvent } from '@touchpoint/ports';
import { type KafkaPosition, toStreamEvent } from './archive-record';
import { streamsOf } from './stream-names';

export interface ArchiveInput {
  readonly event: RecordedEvent;
  readonly position: KafkaPosition;
}

export interface TooLarge {
  readonly input: ArchiveInput;
  readonly streamId: string;
  readonly bytes: number;
}

export interface ArchiveOutcome {
  /** Stream events written (an event naming two identities counts twice). */
  readonly appended: number;
  /** Stream events skipped because their stream already held that event id. */
  readonly duplicates: number;
  readonly appends: number;
  readonly tooLarge: readonly TooLarge[];
}

export interface StreamArchiverOptions {
  /** Largest append sent in one call; keep it under the server's MaxAppendSize. */
  readonly maxAppendBytes: number;
  /** How many streams' revision and event ids stay in memory (least recently used go first). */
  readonly cachedStreams: number;
  /** Streams appended to at once. */
  readonly concurrency: number;
}

interface StreamState {
  revision: number;
  readonly ids: Set<string>;
}

const LOAD_PAGE = 1000;
const CONFLICT_RETRIES = 5;

/**
 * Appends recorded events to their identity streams exactly once per stream. Each stream's
 * revision and event ids are known (loaded once, then kept up to date), so an event id the stream
 * already holds is never sent again, whatever offset it comes back at. Every append names the
 * revision it expects: a concurrent writer surfaces as a conflict (reload, filter, retry), and an
 * append whose answer was lost is retried at the same revision, where the server's own
 * idempotency check acknowledges it without writing it twice.
 */
export class StreamArchiver {
  private readonly cache = new Map<string, StreamState>();

  constructor(
    private readonly store: EventStore,
    private readonly options: StreamArchiverOptions,
  ) {}

  async archive(inputs: readonly ArchiveInput[]): Promise<ArchiveOutcome> {
    const byStream = new Map<string, ArchiveInput[]>();
    for (const input of inputs) {
      for (const stream of streamsOf(input.event)) {
        const list = byStream.get(stream) ?? [];
        list.push(input);
        byStream.set(stream, list);
      }
    }
    const totals = { appended: 0, duplicates: 0, appends: 0 };
    const tooLarge: TooLarge[] = [];
    const queue = [...byStream.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [stream, list] = next;
        const outcome = await this.archiveStream(stream, list);
        totals.appended += outcome.appended;
        totals.duplicates += outcome.duplicates;
        totals.appends += outcome.appends;
        tooLarge.push(...outcome.tooLarge);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker),
    );
    return { ...totals, tooLarge };
  }

  private async archiveStream(streamId: string, inputs: readonly ArchiveInput[]) {
    let appends = 0;
    // Ids this call wrote: after a conflict and reload they are in the stream, but not duplicates.
    const written = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const state = await this.state(streamId);
      const pending: { input: ArchiveInput; event: NewStreamEvent }[] = [];
      const seen = new Set<string>();
      let duplicates = 0;
      for (const input of inputs) {
        const id = input.event.eventId;
        if (seen.has(id) || state.ids.has(id)) {
          if (!written.has(id)) duplicates++;
          continue;
        }
        seen.add(id);
        pending.push({ input, event: toStreamEvent(input.event, input.position) });
      }
      const tooLarge: TooLarge[] = [];
      try {
        for (const chunk of chunks(pending, this.options.maxAppendBytes)) {
          appends += await this.appendChunk(streamId, state, chunk, tooLarge, written);
        }
        return { appended: written.size, duplicates, appends, tooLarge };
      } catch (e) {
        if (e instanceof AppError && e.code === 'wrong_expected_revision') {
          // Someone else wrote to the stream: learn what it holds now and send only the rest.
          this.cache.delete(streamId);
          if (attempt < CONFLICT_RETRIES) continue;
        }
        throw e;
      }
    }
  }

  /** Appends one chunk (halving it if the store finds it too large); returns the appends made. */
  private async appendChunk(
    streamId: string,
    state: StreamState,
    chunk: readonly { input: ArchiveInput; event: NewStreamEvent }[],
    tooLarge: TooLarge[],
    written: Set<string>,
  ): Promise<number> {
    if (chunk.length === 0) return 0;
    const bytes = appendSize(chunk.map((c) => c.event));
    if (chunk.length === 1 && bytes > this.options.maxAppendBytes) {
      tooLarge.push({ input: chunk[0]!.input, streamId, bytes });
      return 0;
    }
    try {
      const result = await this.store.append(
        streamId,
        chunk.map((c) => c.event),
        state.revision < 0 ? 'no_stream' : state.revision,
      );
      for (const c of chunk) {
        state.ids.add(c.event.id);
        written.add(c.event.id);
      }
      state.revision = result.nextExpectedRevision;
      return 1;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'append_too_large')) throw e;
      // The server's limit is lower than ours: halve until single events remain.
      if (chunk.length === 1) {
        tooLarge.push({ input: chunk[0]!.input, streamId, bytes });
        return 0;
      }
      const half = Math.ceil(chunk.length / 2);
      return (
        (await this.appendChunk(streamId, state, chunk.slice(0, half), tooLarge, written)) +
        (await this.appendChunk(streamId, state, chunk.slice(half), tooLarge, written))
      );
    }
  }

  private async state(streamId: string): Promise<StreamState> {
    const cached = this.cache.get(streamId);
    if (cached) {
      this.cache.delete(streamId);
      this.cache.set(streamId, cached);
      return cached;
    }
    const ids = new Set<string>();
    let revision = -1;
    for (;;) {
      const page = await this.store.read(streamId, {
        direction: 'forwards',
        fromRevision: revision + 1,
        maxCount: LOAD_PAGE,
      });
      for (const e of page) {
        ids.add(e.id);
        revision = e.revision;
      }
      if (page.length < LOAD_PAGE) break;
    }
    const state = { revision, ids };
    this.cache.set(streamId, state);
    while (this.cache.size > this.options.cachedStreams) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return state;
  }
}

/** Consecutive runs whose size stays within the limit; an event alone over it gets its own run. */
export function chunks<T extends { event: NewStreamEvent }>(
  items: readonly T[],
  maxBytes: number,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = appendSize([item.event]);
    if (current.length > 0 && size + bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}
