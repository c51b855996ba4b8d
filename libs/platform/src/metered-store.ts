import type {
  Document,
  FindOptions,
  IndexSpec,
  ReadModelStore,
  VersionedWrite,
  WriteOutcome,
} from '@touchpoint/ports';
import type { Counter, Histogram } from 'prom-client';
import type { MetricsService } from './metrics.service';

/**
 * A read-model store that times every round trip by operation and collection
 * (`touchpoint_store_call_seconds`), so where a process waits on the store can be read from
 * its /metrics: which collections, reads or writes, how many per second and how long each.
 */
export class MeteredReadModelStore implements ReadModelStore {
  private readonly calls: Histogram<'op' | 'collection'>;
  private readonly documents: Counter<'op' | 'collection'>;

  constructor(
    private readonly inner: ReadModelStore,
    metrics: MetricsService,
  ) {
    this.calls = metrics.histogram(
      'touchpoint_store_call_seconds',
      'Read-model store round trips by operation and collection',
      ['op', 'collection'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
    this.documents = metrics.counter(
      'touchpoint_store_documents_total',
      'Documents asked for (getMany) or written (writeVersioned), by operation and collection',
      ['op', 'collection'],
    );
  }

  get kind(): ReadModelStore['kind'] {
    return this.inner.kind;
  }

  private async timed<T>(op: string, collection: string, call: () => Promise<T>): Promise<T> {
    const stop = this.calls.startTimer({ op, collection });
    try {
      return await call();
    } finally {
      stop();
    }
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  get<D extends Document>(collection: string, id: string): Promise<D | undefined> {
    return this.timed('get', collection, () => this.inner.get<D>(collection, id));
  }

  getMany<D extends Document>(collection: string, ids: readonly string[]): Promise<Map<string, D>> {
    this.documents.inc({ op: 'getMany', collection }, ids.length);
    return this.timed('getMany', collection, () => this.inner.getMany<D>(collection, ids));
  }

  versions(collection: string, ids: readonly string[]): Promise<Map<string, number>> {
    return this.timed('versions', collection, () => this.inner.versions(collection, ids));
  }

  writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome> {
    this.documents.inc({ op: 'writeVersioned', collection }, writes.length);
    return this.timed('writeVersioned', collection, () =>
      this.inner.writeVersioned(collection, writes),
    );
  }

  findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options?: FindOptions,
  ): Promise<D[]> {
    return this.timed('findBy', collection, () =>
      this.inner.findBy<D>(collection, field, value, options),
    );
  }

  findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.timed('findByPrefix', collection, () =>
      this.inner.findByPrefix<D>(collection, field, prefix, options),
    );
  }

  page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    return this.timed('page', collection, () => this.inner.page<D>(collection, options));
  }

  // A pass over a whole collection is many round trips driven by its reader: not timed.
  scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }> {
    return this.inner.scan<D>(collection);
  }

  count(collection: string): Promise<number> {
    return this.timed('count', collection, () => this.inner.count(collection));
  }

  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    return this.timed('ensureIndexes', collection, () =>
      this.inner.ensureIndexes(collection, indexes),
    );
  }

  dropCollection(collection: string): Promise<void> {
    return this.timed('dropCollection', collection, () => this.inner.dropCollection(collection));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
