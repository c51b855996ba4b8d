import type {
  Document,
  FindOptions,
  IndexSpec,
  ReadModelStore,
  VersionedWrite,
  WriteOutcome,
} from '@touchpoint/ports';

/** Reads of one collection waiting for the next round trip. */
interface Pending {
  readonly ids: Set<string>;
  readonly waiters: {
    readonly ids: readonly string[];
    readonly resolve: (docs: Map<string, Document>) => void;
    readonly reject: (error: unknown) => void;
  }[];
}

/** Concurrent round trips per collection; whatever arrives meanwhile waits and goes together. */
export const READS_IN_FLIGHT = 4;
/** Ids per round trip: a FerretDB `$in` of this many is still one indexed query. */
export const IDS_PER_READ = 500;

/**
 * A read-model store whose reads by id (`get`, `getMany`) of concurrent requests share round
 * trips: up to READS_IN_FLIGHT per collection at a time, and every read that arrives while they
 * run goes out together in the next one. An agent API at hundreds of requests per second then
 * sends the store a few `$in` queries instead of one query per request per model, which is what
 * a store that pays per statement (FerretDB: ~0.5 ms each, more under concurrency) needs.
 *
 * Documents are shared between the readers of one id in a round trip: callers must treat them
 * as read-only (the query side does: states are parsed from them, never changed in place).
 * Everything else passes straight through.
 */
export class CoalescingReadModelStore implements ReadModelStore {
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly inner: ReadModelStore) {}

  get kind(): ReadModelStore['kind'] {
    return this.inner.kind;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  async get<D extends Document>(collection: string, id: string): Promise<D | undefined> {
    return (await this.getMany<D>(collection, [id])).get(id);
  }

  getMany<D extends Document>(collection: string, ids: readonly string[]): Promise<Map<string, D>> {
    if (ids.length === 0) return Promise.resolve(new Map<string, D>());
    return new Promise<Map<string, D>>((resolve, reject) => {
      const pending = this.pending.get(collection) ?? { ids: new Set(), waiters: [] };
      for (const id of ids) pending.ids.add(id);
      pending.waiters.push({
        ids,
        resolve: (docs) => {
          const mine = new Map<string, D>();
          for (const id of ids) {
            const doc = docs.get(id);
            if (doc !== undefined) mine.set(id, doc as D);
          }
          resolve(mine);
        },
        reject,
      });
      this.pending.set(collection, pending);
      // After the current synchronous run, so reads issued together leave together.
      queueMicrotask(() => this.send(collection));
    });
  }

  private send(collection: string): void {
    while ((this.inFlight.get(collection) ?? 0) < READS_IN_FLIGHT) {
      const batch = this.take(collection);
      if (batch === undefined) return;
      this.inFlight.set(collection, (this.inFlight.get(collection) ?? 0) + 1);
      void this.inner
        .getMany(collection, [...batch.ids])
        .then(
          (docs) => batch.waiters.forEach((w) => w.resolve(docs)),
          (e: unknown) => batch.waiters.forEach((w) => w.reject(e)),
        )
        .finally(() => {
          this.inFlight.set(collection, (this.inFlight.get(collection) ?? 1) - 1);
          this.send(collection);
        });
    }
  }

  /** Whole waiters, up to IDS_PER_READ ids (one waiter asking for more goes alone). */
  private take(collection: string): Pending | undefined {
    const pending = this.pending.get(collection);
    if (pending === undefined || pending.waiters.length === 0) return undefined;
    const ids = new Set<string>();
    const waiters: Pending['waiters'] = [];
    while (pending.waiters.length > 0) {
      const next = pending.waiters[0]!;
      const adds = next.ids.filter((id) => !ids.has(id)).length;
      if (waiters.length > 0 && ids.size + adds > IDS_PER_READ) break;
      pending.waiters.shift();
      for (const id of next.ids) ids.add(id);
      waiters.push(next);
    }
    if (pending.waiters.length === 0) this.pending.delete(collection);
    else {
      pending.ids.clear();
      for (const w of pending.waiters) for (const id of w.ids) pending.ids.add(id);
    }
    return { ids, waiters };
  }

  versions(collection: string, ids: readonly string[]): Promise<Map<string, number>> {
    return this.inner.versions(collection, ids);
  }

  writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome> {
    return this.inner.writeVersioned(collection, writes);
  }

  findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options?: FindOptions,
  ): Promise<D[]> {
    return this.inner.findBy<D>(collection, field, value, options);
  }

  findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.inner.findByPrefix<D>(collection, field, prefix, options);
  }

  page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.inner.page<D>(collection, options);
  }

  scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }> {
    return this.inner.scan<D>(collection);
  }

  count(collection: string): Promise<number> {
    return this.inner.count(collection);
  }

  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    return this.inner.ensureIndexes(collection, indexes);
  }

  dropCollection(collection: string): Promise<void> {
    return this.inner.dropCollection(collection);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
