import {
  type AnyBulkWriteOperation,
  type Db,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import { type Logger, silentLogger } from '@touchpoint/core';
import type {
  Document,
  FindOptions,
  IndexSpec,
  ReadModelStore,
  VersionedWrite,
  WriteOutcome,
} from '@touchpoint/ports';
import { withTimeout } from './with-timeout';

const VERSION = '_v';
const DUPLICATE_KEY = 11000;

interface StoredShape {
  _id: string;
  _v: number;
  [key: string]: unknown;
}

/**
 * Read models on MongoDB (or a wire-compatible server such as FerretDB). Only collection-level
 * bulk writes, upserts and simple finds are used, so both behave the same (DESIGN §6).
 */
export class MongoReadModelStore implements ReadModelStore {
  readonly kind = 'mongodb' as const;
  private readonly client: MongoClient;
  private db!: Db;

  constructor(
    private readonly url: string,
    private readonly dbName: string,
    private readonly connectTimeoutMs: number,
    private readonly logger: Logger = silentLogger,
  ) {
    this.client = new MongoClient(url, {
      serverSelectionTimeoutMS: connectTimeoutMs,
      connectTimeoutMS: connectTimeoutMs,
      appName: 'touchpoint',
    });
  }

  async connect(): Promise<void> {
    await withTimeout(
      this.client.connect(),
      this.connectTimeoutMs + 1000,
      `MongoDB at ${redact(this.url)} did not answer within ${this.connectTimeoutMs} ms`,
    );
    this.db = this.client.db(this.dbName);
    await this.db.command({ ping: 1 });
    this.logger.debug('connected to MongoDB', { url: redact(this.url), db: this.dbName });
  }

  async get<D extends Document>(collection: string, id: string): Promise<D | undefined> {
    const doc = await this.db.collection<StoredShape>(collection).findOne({ _id: id });
    return doc ? strip<D>(doc) : undefined;
  }

  async getMany<D extends Document>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    const out = new Map<string, D>();
    if (ids.length === 0) return out;
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find({ _id: { $in: [...ids] } })
      .toArray();
    for (const doc of docs) out.set(doc._id, strip<D>(doc));
    return out;
  }

  async versions(collection: string, ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, [VERSION]: 1 } })
      .toArray();
    for (const doc of docs) out.set(doc._id, doc._v);
    return out;
  }

  async writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome> {
    // Within one call only the highest version of a document can matter.
    const latest = new Map<string, VersionedWrite<D>>();
    for (const w of writes) {
      const seen = latest.get(w.id);
      if (!seen || seen.version < w.version) latest.set(w.id, w);
    }
    let stale = writes.length - latest.size;
    let applied = 0;
    const staleIds: string[] = [];
    let pending = [...latest.values()];
    const coll = this.db.collection<StoredShape>(collection);
    // Ordered bulk writes, because FerretDB stops at the first error even when asked for an
    // unordered one: with ordered semantics "everything before the failed index landed" holds
    // on both servers. A failure is a concurrent insert of the same id; re-read and retry.
    for (let attempt = 0; pending.length > 0; attempt++) {
      const stored = await this.versions(
        collection,
        pending.map((w) => w.id),
      );
      // New documents first, as plain inserts: FerretDB stores an insert batch in one
      // transaction (500 ids: ~15 ms) but runs every upsert as its own find-then-write
      // (500 ids: ~170 ms). A concurrent insert of the same id fails with a duplicate key and
      // is retried below as a guarded replace.
      const inserts: VersionedWrite<D>[] = [];
      const replaces: VersionedWrite<D>[] = [];
      for (const w of pending) {
        const current = stored.get(w.id);
        if (current === undefined) inserts.push(w);
        else if (current < w.version) replaces.push(w);
        else staleIds.push(w.id);
      }
      const toWrite = [...inserts, ...replaces];
      stale += pending.length - toWrite.length;
      if (toWrite.length === 0) break;
      const ops: AnyBulkWriteOperation<StoredShape>[] = [
        ...inserts.map((w) => ({
          insertOne: { document: { ...w.doc, _id: w.id, [VERSION]: w.version } },
        })),
        ...replaces.map((w) => ({
          replaceOne: {
            // The version guard in the filter makes a write that lost a race match nothing.
            filter: { _id: w.id, [VERSION]: { $lt: w.version } },
            replacement: { ...w.doc, _id: w.id, [VERSION]: w.version },
          },
        })),
      ];
      try {
        const result = await coll.bulkWrite(ops, { ordered: true });
        const landed = result.insertedCount + result.matchedCount;
        applied += landed;
        stale += toWrite.length - landed;
        if (landed < toWrite.length) {
          // A concurrent writer won some races: find out which, so the caller can retry them.
          const after = await this.versions(
            collection,
            toWrite.map((w) => w.id),
          );
          staleIds.push(...toWrite.filter((w) => after.get(w.id) !== w.version).map((w) => w.id));
        }
        break;
      } catch (e) {
        const first = e instanceof MongoBulkWriteError ? firstWriteError(e) : undefined;
        if (!first || first.code !== DUPLICATE_KEY || attempt >= 5) throw e;
        const result = (e as MongoBulkWriteError).result;
        applied += result.insertedCount + result.matchedCount;
        pending = toWrite.slice(first.index);
      }
    }
    return { applied, stale, staleIds };
  }

  async findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options: FindOptions = {},
  ): Promise<D[]> {
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find({ [field]: value })
      .sort({ _id: 1 })
      .skip(options.skip ?? 0)
      .limit(options.limit ?? 100)
      .toArray();
    return docs.map((d) => strip<D>(d));
  }

  async findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    // An anchored, escaped regex: MongoDB serves it from the field's index, and it matches any
    // element of an array field (a range with $gte/$lt could match two different elements).
    const filter: Record<string, unknown> = {
      [field]: { $regex: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` },
    };
    if (options.afterId !== undefined) filter._id = { $gt: options.afterId };
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find(filter)
      .sort({ _id: 1 })
      .limit(options.limit)
      .toArray();
    return docs.map((d) => ({ id: d._id, doc: strip<D>(d) }));
  }

  async page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]> {
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find(options.afterId === undefined ? {} : { _id: { $gt: options.afterId } })
      .sort({ _id: 1 })
      .limit(options.limit)
      .toArray();
    return docs.map((d) => ({ id: d._id, doc: strip<D>(d) }));
  }

  count(collection: string): Promise<number> {
    return this.db.collection(collection).countDocuments();
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    for (const index of indexes) {
      await this.db
        .collection(collection)
        .createIndex(Object.fromEntries(index.fields.map((f) => [f, 1])), {
          unique: index.unique ?? false,
        });
    }
  }

  async dropCollection(collection: string): Promise<void> {
    try {
      await this.db.collection(collection).drop();
    } catch (e) {
      // Dropping what is not there is the desired end state.
      if (!(e instanceof MongoServerError && e.codeName === 'NamespaceNotFound')) throw e;
    }
  }

  async ping(): Promise<void> {
    await withTimeout(this.db.command({ ping: 1 }), 3000, 'MongoDB did not answer within 3000 ms');
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function firstWriteError(e: MongoBulkWriteError): { index: number; code: number } | undefined {
  const raw: unknown = e.writeErrors;
  const errors = (Array.isArray(raw) ? raw : [raw]) as { index: number; code: number }[];
  return errors.map((w) => ({ index: w.index, code: w.code })).sort((a, b) => a.index - b.index)[0];
}

function strip<D>(doc: StoredShape): D {
  const { _id: _ignoredId, _v: _ignoredVersion, ...rest } = doc;
  return rest as D;
}

export function redact(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//***@');
}
