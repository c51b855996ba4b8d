import type {
  Document,
  FindOptions,
  IndexSpec,
  ReadModelStore,
  VersionedWrite,
  WriteOutcome,
} from '@touchpoint/ports';

interface Entry {
  readonly version: number;
  readonly doc: Document;
}

/**
 * In-memory read models for the embedded mode. They are derived data: on start they are rebuilt
 * from the durable embedded log, so nothing here needs to reach the disk.
 */
export class EmbeddedReadModelStore implements ReadModelStore {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, Map<string, Entry>>();

  private collection(name: string): Map<string, Entry> {
    let c = this.collections.get(name);
    if (!c) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  get<D extends Document>(collection: string, id: string): Promise<D | undefined> {
    return Promise.resolve(copy(this.collection(collection).get(id)?.doc) as D | undefined);
  }

  getMany<D extends Document>(collection: string, ids: readonly string[]): Promise<Map<string, D>> {
    const c = this.collection(collection);
    const out = new Map<string, D>();
    for (const id of ids) {
      const entry = c.get(id);
      if (entry) out.set(id, copy(entry.doc) as D);
    }
    return Promise.resolve(out);
  }

  versions(collection: string, ids: readonly string[]): Promise<Map<string, number>> {
    const c = this.collection(collection);
    const out = new Map<string, number>();
    for (const id of ids) {
      const entry = c.get(id);
      if (entry) out.set(id, entry.version);
    }
    return Promise.resolve(out);
  }

  writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome> {
    const c = this.collection(collection);
    // Same outcome as the MongoDB adapter: within one call only the highest version counts.
    const latest = new Map<string, VersionedWrite<D>>();
    for (const w of writes) {
      const seen = latest.get(w.id);
      if (!seen || seen.version < w.version) latest.set(w.id, w);
    }
    let applied = 0;
    const staleIds: string[] = [];
    for (const w of latest.values()) {
      const current = c.get(w.id);
      if (current && current.version >= w.version) {
        staleIds.push(w.id);
        continue;
      }
      c.set(w.id, { version: w.version, doc: copy(w.doc) });
      applied++;
    }
    return Promise.resolve({ applied, stale: writes.length - applied, staleIds });
  }

  findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options: FindOptions = {},
  ): Promise<D[]> {
    const found = [...this.collection(collection).entries()]
      .filter(([, e]) => matches(valueAt(e.doc, field), value))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(options.skip ?? 0, (options.skip ?? 0) + (options.limit ?? 100))
      .map(([, e]) => copy(e.doc) as D);
    return Promise.resolve(found);
  }

  findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    const starts = (v: unknown) => typeof v === 'string' && v.startsWith(prefix);
    const found = [...this.collection(collection).entries()]
      .filter(([id]) => options.afterId === undefined || id > options.afterId)
      .filter(([, e]) => {
        const v = valueAt(e.doc, field);
        return Array.isArray(v) ? v.some(starts) : starts(v);
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, options.limit)
      .map(([id, e]) => ({ id, doc: copy(e.doc) as D }));
    return Promise.resolve(found);
  }

  page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    const after = options.afterId;
    const ids = [...this.collection(collection).keys()]
      .filter((id) => after === undefined || id > after)
      .sort()
      .slice(0, options.limit);
    return Promise.resolve(
      ids.map((id) => ({ id, doc: copy(this.collection(collection).get(id)!.doc) as D })),
    );
  }

  async *scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }> {
    // Entries are listed up front so that writes made while the caller works do not disturb it.
    for (const [id, e] of [...this.collection(collection).entries()]) {
      yield await Promise.resolve({ id, doc: copy(e.doc) as D });
    }
  }

  count(collection: string): Promise<number> {
    return Promise.resolve(this.collection(collection).size);
  }

  ensureIndexes(_collection: string, _indexes: readonly IndexSpec[]): Promise<void> {
    return Promise.resolve();
  }

  dropCollection(collection: string): Promise<void> {
    this.collections.delete(collection);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Callers must not be able to mutate stored state through a returned object (Mongo can't
 * either). Documents are plain data whose bulk is strings (a read model's state is one JSON
 * string), and strings are immutable: they are shared instead of copied, and only the objects
 * and arrays holding them are rebuilt. structuredClone would copy every byte of every string on
 * every read and write; anything that is not a plain object or array still goes through it.
 */
function copy<T>(value: T): T {
  return value === undefined ? value : (copyValue(value) as T);
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'function' || typeof value === 'symbol'
      ? structuredClone(value)
      : value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyValue((value as Record<string, unknown>)[key]);
  return out;
}

/** Same rule as MongoDB's equality: an array field matches when any element is equal. */
function matches(actual: unknown, wanted: unknown): boolean {
  return Array.isArray(actual) ? actual.includes(wanted) : actual === wanted;
}

function valueAt(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
