/** One stream per customer (EventStoreDB/KurrentDB, or the embedded in-memory store). */

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface NewStreamEvent {
  /** UUID; the server's idempotency key. */
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
}

export interface StreamEvent extends NewStreamEvent {
  readonly streamId: string;
  readonly revision: number;
}

export interface ReadStreamOptions {
  readonly direction: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount: number;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: number;
}

export interface EventStore {
  readonly kind: 'eventstoredb' | 'embedded';
  connect(): Promise<void>;
  /** Throws AppError (conflict, code `wrong_expected_revision`) when the stream moved. */
  append(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  /** An absent stream reads as an empty list. */
  read(streamId: string, options: ReadStreamOptions): Promise<StreamEvent[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
