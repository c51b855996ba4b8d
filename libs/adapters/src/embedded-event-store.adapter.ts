import { AppError } from '@touchpoint/core';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewStreamEvent,
  ReadStreamOptions,
  StreamEvent,
} from '@touchpoint/ports';

/**
 * In-memory per-customer streams with EventStoreDB's semantics: expected-revision checks and
 * idempotent re-append of the same event ids at the same position.
 */
export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded' as const;
  private readonly streams = new Map<string, StreamEvent[]>();

  connect(): Promise<void> {
    return Promise.resolve();
  }

  append(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    // Like the server: a retry of events already written right after `expected` succeeds
    // without writing them twice.
    if (typeof expected === 'number' || expected === 'no_stream') {
      const from = expected === 'no_stream' ? 0 : expected + 1;
      const already = stream.slice(from, from + events.length);
      if (
        already.length === events.length &&
        events.length > 0 &&
        already.every((e, i) => e.id === events[i]!.id)
      ) {
        return Promise.resolve({ nextExpectedRevision: from + events.length - 1 });
      }
    }
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && stream.length === 0) ||
      (expected === 'stream_exists' && stream.length > 0) ||
      expected === current;
    if (!ok) {
      return Promise.reject(
        AppError.conflict(
          'wrong_expected_revision',
          `stream ${streamId} is at revision ${current}, not the expected ${String(expected)}`,
        ),
      );
    }
    for (const e of events) {
      stream.push({ ...structuredClone(e), streamId, revision: stream.length });
    }
    this.streams.set(streamId, stream);
    return Promise.resolve({ nextExpectedRevision: stream.length - 1 });
  }

  read(streamId: string, options: ReadStreamOptions): Promise<StreamEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    let out: StreamEvent[];
    if (options.direction === 'forwards') {
      const from = options.fromRevision ?? 0;
      out = stream.slice(from, from + options.maxCount);
    } else {
      const from = Math.min(options.fromRevision ?? stream.length - 1, stream.length - 1);
      out = stream.slice(Math.max(0, from - options.maxCount + 1), from + 1).reverse();
    }
    return Promise.resolve(out.map((e) => structuredClone(e)));
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
