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
  /**
   * Set when the store was found unreachable, cleared once it answers again. The driver alone
   * waits for a server for the whole connect timeout (10 s) on every call, so during an outage
   * a request making a few store calls in turn took 15 s to answer its 503, and a 12 s outage
   * produced no 503 at all. So: a call not answered within `probeMs` asks whether the store
   * answers a ping (one ping shared by all calls, bounded by `probeMs`); if it does not, the call
   * is answered store_unavailable at once and later calls fail fast until a ping succeeds. A
   * slow store that still answers pings is never taken for a missing one.
   */
  private downSince: number | undefined;
  private probe: Promise<boolean> | undefined;

  constructor(
    private readonly inner: ReadModelStore,
    private readonly probeMs = 2000,
  ) {}

  get kind(): ReadModelStore['kind'] {
    return this.inner.kind;
  }

  /** Since when the store is known unreachable (undefined: it answered last time). */
  get unreachableSince(): number | undefined {
    return this.downSince;
  }

  private unavailable(): AppError {
    return AppError.unavailable(
      'store_unavailable',
      `the read-model store has been unreachable since ${new Date(this.downSince ?? Date.now()).toISOString()}; retry later`,
      STORE_RETRY_AFTER_SECONDS,
    );
  }

  /**
   * A read is answered store_unavailable as soon as a ping says the store is missing (the read
   * left behind is harmless). A write is not: the driver may still carry it out when the store
   * returns, after its caller was told it failed (ingest then held the event ids it had claimed
   * that way "in flight" until their claims expired, answering 503 to every retry). A write
   * fails fast only when the store is already known missing before it starts.
   */
  private async call<T>(op: () => Promise<T>, kind: 'read' | 'write' = 'read'): Promise<T> {
    if (this.downSince !== undefined && !(await this.isBack())) throw this.unavailable();
    try {
      const result = kind === 'read' ? await this.unlessMissing(op()) : await op();
      this.downSince = undefined;
      return result;
    } catch (e) {
      if (isStoreUnreachable(e)) this.downSince ??= Date.now();
      throw storeUnavailable(e);
    }
  }

  /** The call's answer, or store_unavailable as soon as a ping says the store is not there. */
  private unlessMissing<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const missing = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.isBack().then((back) => {
          if (back) return;
          this.downSince ??= Date.now();
          reject(this.unavailable());
        });
      }, this.probeMs);
    });
    // A call left behind must not surface its own failure as an unhandled rejection.
    pending.catch(() => undefined);
    return Promise.race([pending, missing]).finally(() => clearTimeout(timer));
  }

  private isBack(): Promise<boolean> {
    this.probe ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const ping = this.inner.ping();
        // An answer that comes after the probe gave up still proves the store is back: without
        // this, a driver slower than probeMs to reconnect after a restart kept every call
        // failing fast for minutes (fault 1 in CI, once).
        ping.then(
          () => {
            this.downSince = undefined;
          },
          () => undefined,
        );
        await Promise.race([
          ping,
          new Promise<never>((_, reject) => {
            // Decided after one more pass of the event loop's I/O phase: when a long fold kept
            // the loop busy, the timer and the ping's answer are both due, and timers run first;
            // without the pass a store that answered would be taken for a missing one.
            timer = setTimeout(
              () => setImmediate(() => reject(new Error('no answer'))),
              this.probeMs,
            );
          }),
        ]);
        this.downSince = undefined;
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
        this.probe = undefined;
      }
    })();
    return this.probe;
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
    return this.call(() => this.inner.writeVersioned(collection, writes), 'write');
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
    return this.call(() => this.inner.ensureIndexes(collection, indexes), 'write');
  }

  dropCollection(collection: string): Promise<void> {
    return this.call(() => this.inner.dropCollection(collection), 'write');
  }

  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
