import { randomUUID } from 'node:crypto';
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
const TOKEN = '_t';
const MAX_WRITE_ROUNDS = 6;
const DUPLICATE_KEY = 11000;
/** Documents per getMore of a scan: large enough to amortise the round-trip, small enough to stream. */
const SCAN_BATCH_DOCUMENTS = 1000;

interface StoredShape {
  _id: string;
  _v: number;
  _t?: string;
  [key: string]: unknown;
}

/**
 * Read models on MongoDB (or a wire-compatible server such as FerretDB). Only collection-level
 * bulk writes, upserts and simple finds are used, so both behave the same (DESIGN §6), with one
 * difference: FerretDB v1 runs a guarded replace as a read and then a write inside the server,
 * so two writers replacing the same document at the same instant can both be told it landed.
 * Touchpoint has one writer per document at a time (a group's partitions are folded one after
 * another per process); scaled-out writers need MongoDB, where the guard is atomic.
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
    const stamps = await this.stamps(collection, ids);
    return new Map([...stamps].map(([id, s]) => [id, s._v]));
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
    const coll = this.db.collection<StoredShape>(collection);
    // Marks this call's writes, so that after a partial failure a document at our version is
    // known to be ours and not an equal version another writer folded from the same base.
    const token = randomUUID();
    const staleIds: string[] = [];
    let applied = 0;
    let pending = [...latest.values()];
    for (let round = 0; pending.length > 0; round++) {
      // New documents as plain inserts: FerretDB stores an insert batch in one transaction
      // but runs every upsert as its own find-then-write (500 new ids: ~15 ms against ~170 ms).
      const inserts: VersionedWrite<D>[] = [];
      const replaces: VersionedWrite<D>[] = [];
      if (round === 0) {
        // First round without reading: version 1 is a document its writer found absent, any
        // later one replaces an older stored version. A wrong guess (a concurrent creator, a
        // stale version) only fails its write, and the next round reads and sorts it out; a
        // read before every write cost FerretDB a decode of every document.
        for (const w of pending) (w.version === 1 ? inserts : replaces).push(w);
      } else {
        const stored = await this.stamps(
          collection,
          pending.map((w) => w.id),
        );
        for (const w of pending) {
          const s = stored.get(w.id);
          if (s === undefined) inserts.push(w);
          else if (s._v === w.version && s._t === token) applied++;
          else if (s._v < w.version) replaces.push(w);
          else staleIds.push(w.id);
        }
      }
      pending = [...inserts, ...replaces];
      if (pending.length === 0) break;
      if (round === MAX_WRITE_ROUNDS) {
        staleIds.push(...pending.map((w) => w.id));
        break;
      }
      const ops: AnyBulkWriteOperation<StoredShape>[] = [
        ...inserts.map((w) => ({
          insertOne: { document: { ...w.doc, _id: w.id, [VERSION]: w.version, [TOKEN]: token } },
        })),
        ...replaces.map((w) => ({
          replaceOne: {
            // The guard matches only an older version, so a write that lost a race matches
            // nothing; an insert that lost one fails on the existing _id.
            filter: { _id: w.id, [VERSION]: { $lt: w.version } },
            replacement: { ...w.doc, _id: w.id, [VERSION]: w.version, [TOKEN]: token },
          },
        })),
      ];
      try {
        // Ordered: FerretDB stops at the first error even when asked for an unordered write.
        const result = await coll.bulkWrite(ops, { ordered: true });
        if (result.insertedCount + result.matchedCount === ops.length) {
          applied += ops.length;
          break;
        }
      } catch (e) {
        if (!(e instanceof MongoBulkWriteError && firstWriteErrorCode(e) === DUPLICATE_KEY))
          throw e;
      }
      // Some writes did not land. FerretDB reports neither the failing index nor the counts of
      // a failed bulk write reliably: the next round reads back what is stored and sorts every
      // write out by its version and this call's token.
    }
    return { applied, stale: writes.length - applied, staleIds };
  }

  private async stamps(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, { _v: number; _t?: string }>> {
    if (ids.length === 0) return new Map();
    const docs = await this.db
      .collection<StoredShape>(collection)
      .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, [VERSION]: 1, [TOKEN]: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d._id, { _v: d._v, _t: d._t }]));
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

  async *scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }> {
    const cursor = this.db
      .collection<StoredShape>(collection)
      .find({}, { batchSize: SCAN_BATCH_DOCUMENTS });
    try {
      for await (const d of cursor) yield { id: d._id, doc: strip<D>(d) };
    } finally {
      await cursor.close();
    }
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

function firstWriteErrorCode(e: MongoBulkWriteError): number | undefined {
  const raw: unknown = e.writeErrors;
  const errors = (Array.isArray(raw) ? raw : [raw]) as { code: number }[];
  return errors[0]?.code;
}

function strip<D>(doc: StoredShape): D {
  const { _id: _ignoredId, _v: _ignoredVersion, _t: _ignoredToken, ...rest } = doc;
  return rest as D;
}

export function redact(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//***@');
}
