import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { AppError, errorMessage } from '@touchpoint/core';
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
import { withTimeout } from './with-timeout';

/** Per-customer streams on EventStoreDB / KurrentDB over gRPC. */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;

  constructor(
    private readonly url: string,
    private readonly connectTimeoutMs: number,
  ) {
    this.client = EventStoreDBClient.connectionString(url);
  }

  async connect(): Promise<void> {
    await withTimeout(
      this.ping(),
      this.connectTimeoutMs,
      `EventStoreDB at ${this.url} did not answer within ${this.connectTimeoutMs} ms`,
    );
  }

  async append(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} }),
        ),
        { expectedRevision: toExpected(expected) },
      );
      return { nextExpectedRevision: Number(result.nextExpectedRevision) };
    } catch (e) {
      if (e instanceof WrongExpectedVersionError) {
        throw AppError.conflict(
          'wrong_expected_revision',
          `stream ${streamId} is not at the expected revision ${String(expected)}`,
        );
      }
      if (e instanceof MaxAppendSizeExceededError) {
        throw new AppError(
          'append_too_large',
          'too_large',
          `an append to ${streamId} exceeds the server's limit of ${e.maxAppendSize} bytes`,
        );
      }
      throw unavailable(e);
    }
  }

  async read(streamId: string, options: ReadStreamOptions): Promise<StreamEvent[]> {
    const out: StreamEvent[] = [];
    const forwards = options.direction === 'forwards';
    try {
      const stream = this.client.readStream(streamId, {
        direction: forwards ? FORWARDS : BACKWARDS,
        fromRevision:
          options.fromRevision === undefined
            ? forwards
              ? START
              : END
            : BigInt(options.fromRevision),
        maxCount: options.maxCount,
      });
      for await (const resolved of stream) {
        const event = toStreamEvent(resolved);
        if (event) out.push(event);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw unavailable(e);
    }
    return out;
  }

  async readAll(options: ReadAllOptions): Promise<StreamEvent[]> {
    // readAll has no server-side filter in this client: page through $all and filter here, one
    // extra event per page because the server's start position is inclusive.
    const out: StreamEvent[] = [];
    const forwards = options.direction === 'forwards';
    const keep = prefixFilter(options.streamPrefixes);
    const page = Math.max(options.maxCount, 100) + 1;
    let cursor = options.after;
    try {
      while (out.length < options.maxCount) {
        const read = this.client.readAll({
          direction: forwards ? FORWARDS : BACKWARDS,
          fromPosition: cursor ?? (forwards ? START : END),
          maxCount: page,
        });
        let seen = 0;
        for await (const resolved of read) {
          seen++;
          const event = toStreamEvent(resolved);
          const at = resolved.event?.position;
          if (!at) continue;
          if (cursor && samePosition(at, cursor)) continue;
          cursor = at;
          if (event && !event.type.startsWith('$') && keep(event)) {
            out.push(event);
            if (out.length >= options.maxCount) break;
          }
        }
        if (seen < page) break;
      }
    } catch (e) {
      throw unavailable(e);
    }
    return out;
  }

  subscribeToAll(options: CatchUpOptions): Promise<StoreSubscription> {
    const subscription = this.client.subscribeToAll({
      fromPosition: options.from ?? START,
      filter:
        options.streamPrefixes && options.streamPrefixes.length > 0
          ? streamNameFilter({ prefixes: [...options.streamPrefixes] })
          : excludeSystemEvents(),
    });
    let stopped = false;
    let handlerFailed = false;
    const done = (async () => {
      for await (const resolved of subscription) {
        const event = toStreamEvent(resolved);
        if (!event || event.type.startsWith('$')) continue;
        handlerFailed = true;
        await options.handle(event);
        handlerFailed = false;
      }
    })().catch((e: unknown) => {
      if (stopped) return;
      stopped = true;
      // A handler's own error ends the subscription as it is; anything else means the server.
      options.onDropped?.(handlerFailed ? e : unavailable(e));
      void subscription.unsubscribe();
    });
    return Promise.resolve({
      stop: async () => {
        stopped = true;
        await subscription.unsubscribe();
        await done;
      },
    });
  }

  async ping(): Promise<void> {
    try {
      const read = this.client.readAll({ maxCount: 1, direction: BACKWARDS, fromPosition: END });
      for await (const _ of read) break;
    } catch (e) {
      throw unavailable(e);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toStreamEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StreamEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson) return undefined;
  const position = event.position ?? { commit: -1n, prepare: -1n };
  return {
    streamId: event.streamId,
    revision: Number(event.revision),
    position: { commit: position.commit, prepare: position.prepare },
    id: event.id,
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: (event.metadata ?? {}) as Record<string, unknown>,
  };
}

function samePosition(a: AllPosition, b: AllPosition): boolean {
  return a.commit === b.commit && a.prepare === b.prepare;
}

function prefixFilter(prefixes: readonly string[] | undefined): (e: StreamEvent) => boolean {
  if (!prefixes || prefixes.length === 0) return () => true;
  return (e) => prefixes.some((p) => e.streamId.startsWith(p));
}

/** Anything the client throws that is not a semantic answer means the server could not be used. */
function unavailable(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return AppError.unavailable('event_store_unavailable', `EventStoreDB: ${errorMessage(e)}`);
}

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}
