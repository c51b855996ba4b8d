import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import { AppError } from '@touchpoint/core';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewStreamEvent,
  ReadStreamOptions,
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
      throw e;
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
        const event = resolved.event;
        if (!event) continue;
        out.push({
          streamId: event.streamId,
          revision: Number(event.revision),
          id: event.id,
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: (event.metadata ?? {}) as Record<string, unknown>,
        });
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
    return out;
  }

  async ping(): Promise<void> {
    const read = this.client.readAll({ maxCount: 1, direction: BACKWARDS, fromPosition: END });
    for await (const _ of read) break;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
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
