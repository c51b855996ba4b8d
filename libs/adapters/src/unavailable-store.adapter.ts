import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { AppError } from '@touchpoint/core';
import type {
  Document,
  FindOptions,
  IndexSpec,
  ReadModelStore,
  VersionedWrite,
  WriteOutcome,
} from '@touchpoint/ports';

/** Seconds a client is told to wait: the driver looks for a returning server every few seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * True when a driver error means the store could not be reached (no server selected, the
 * connection refused or closed mid-command), as opposed to the store refusing the command.
 */
export function isStoreUnreachable(e: unknown): boolean {
  if (
    e instanceof MongoServerSelectionError ||
    e instanceof MongoNetworkError ||
    e instanceof MongoNotConnectedError ||
    e instanceof MongoTopologyClosedError
  )
    return true;
  // A bulk write cut by a closed connection surfaces as a bulk error without any server answer:
  // no write errors and no code. Every refusal by the server carries a code.
  if (e instanceof MongoBulkWriteError) {
    const writeErrors = ([] as unknown[]).concat(e.writeErrors);
    return writeErrors.length === 0 && e.code === undefined;
  }
  return false;
}

/** The store's unreachability as the platform's error: 503 with Retry-After over HTTP. */
export function storeUnavailable(e: unknown): unknown {
  if (!isStoreUnreachable(e)) return e;
  return AppError.unavailable(
    'store_unavailable',
    `the read-model store is unreachable (${(e as Error).message}); retry later`,
    STORE_RETRY_AFTER_SECONDS,
  );
}

/**
 * A ReadModelStore whose every call turns "the store is unreachable" into
 * `AppError('store_unavailable', 'unavailable')`. Without it a driver error reached the HTTP
 * filter as an unknown error: the query API and ingest answered 500 while the store was down,
 * with nothing telling a client that retrying later is the right move.
 */
export class UnavailableAwareStore implements ReadModelStore {
  constructor(private readonly inner: ReadModelStore) {}

  get kind(): ReadModelStore['kind'] {
    return this.inner.kind;
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw storeUnavailable(e);
    }
  }

  connect(): Promise<void> {
    // Start-up failures keep the driver's error: startApp names the variable to fix.
    return this.inner.connect();
  }

  get<D extends Document>(collection: string, id: string): Promise<D | undefined> {
    return this.call(() => this.inner.get<D>(collection, id));
  }

  getMany<D extends Document>(collection: string, ids: readonly string[]): Promise<Map<string, D>> {
    return this.call(() => this.inner.getMany<D>(collection, ids));
  }

  versions(collection: string, ids: readonly string[]): Promise<Map<string, number>> {
    return this.call(() => this.inner.versions(collection, ids));
  }

  writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome> {
    return this.call(() => this.inner.writeVersioned(collection, writes));
  }

  findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options?: FindOptions,
  ): Promise<D[]> {
    return this.call(() => this.inner.findBy<D>(collection, field, value, options));
  }

  findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.call(() => this.inner.findByPrefix<D>(collection, field, prefix, options));
  }

  page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.call(() => this.inner.page<D>(collection, options));
  }

  async *scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }> {
    try {
      yield* this.inner.scan<D>(collection);
    } catch (e) {
      throw storeUnavailable(e);
    }
  }

  count(collection: string): Promise<number> {
    return this.call(() => this.inner.count(collection));
  }

  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    return this.call(() => this.inner.ensureIndexes(collection, indexes));
  }

  dropCollection(collection: string): Promise<void> {
    return this.call(() => this.inner.dropCollection(collection));
  }

  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
