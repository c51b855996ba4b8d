/** One stream per customer (EventStoreDB/KurrentDB, or the embedded in-memory store). */

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface NewStreamEvent {
  /** UUID; the server's idempotency key. */
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
}

/** A place in the store-wide log (`$all`); the embedded store uses its sequence number for both. */
export interface AllPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface StreamEvent extends NewStreamEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly position: AllPosition;
}

export interface ReadStreamOptions {
  readonly direction: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount: number;
}

export interface ReadAllOptions {
  readonly direction: 'forwards' | 'backwards';
  /** Exclusive cursor: events strictly after (forwards) or before (backwards) it. */
  readonly after?: AllPosition;
  readonly maxCount: number;
  /** Only streams whose name starts with one of these. System events are never returned. */
  readonly streamPrefixes?: readonly string[];
}

export interface CatchUpOptions {
  /** Exclusive checkpoint, as on the server: delivery starts with the next event. Absent: from the start. */
  readonly from?: AllPosition;
  readonly streamPrefixes?: readonly string[];
  /** Awaited one event at a time, in store order; a throw ends the subscription (see onDropped). */
  readonly handle: (event: StreamEvent) => Promise<void>;
  /** Called once when the subscription ends other than by stop(): with the handler's error, or the store's. */
  readonly onDropped?: (error: unknown) => void;
}

export interface StoreSubscription {
  stop(): Promise<void>;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: number;
}

/**
 * Appends follow the server's idempotency rules: re-appending events whose ids already sit right
 * after `expected` succeeds without writing them again; appending at a stale revision otherwise
 * fails with AppError (conflict, `wrong_expected_revision`). An append larger than the store's
 * limit fails with AppError (too_large, `append_too_large`) and writes nothing.
 */
export interface EventStore {
  readonly kind: 'eventstoredb' | 'embedded';
  connect(): Promise<void>;
  append(
    streamId: string,
    events: readonly NewStreamEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult>;
  /** An absent stream reads as an empty list. */
  read(streamId: string, options: ReadStreamOptions): Promise<StreamEvent[]>;
  readAll(options: ReadAllOptions): Promise<StreamEvent[]>;
  subscribeToAll(options: CatchUpOptions): Promise<StoreSubscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
