/** Document store for read models (MongoDB, or the embedded in-memory store). */

export type Document = Record<string, unknown>;

export interface VersionedWrite<D extends Document = Document> {
  readonly id: string;
  readonly doc: D;
  /**
   * The document's own watermark. A write lands only if the stored version is lower, so a
   * redelivered or replayed batch can never move a document backwards (DESIGN §4).
   */
  readonly version: number;
}

export interface WriteOutcome {
  readonly applied: number;
  /** Writes skipped because the stored document already had this version or a newer one. */
  readonly stale: number;
  /** Ids of the skipped writes: an optimistic writer reloads and retries these. */
  readonly staleIds: readonly string[];
}

export interface IndexSpec {
  readonly fields: readonly string[];
  readonly unique?: boolean;
}

export interface FindOptions {
  readonly limit?: number;
  readonly skip?: number;
}

export interface ReadModelStore {
  readonly kind: 'mongodb' | 'embedded';
  connect(): Promise<void>;
  get<D extends Document>(collection: string, id: string): Promise<D | undefined>;
  getMany<D extends Document>(collection: string, ids: readonly string[]): Promise<Map<string, D>>;
  /** Version of each stored document (absent ids are missing from the map). */
  versions(collection: string, ids: readonly string[]): Promise<Map<string, number>>;
  writeVersioned<D extends Document>(
    collection: string,
    writes: readonly VersionedWrite<D>[],
  ): Promise<WriteOutcome>;
  /** Equality on one (indexed) field, results ordered by id for stable paging. */
  findBy<D extends Document>(
    collection: string,
    field: string,
    value: string | number | boolean,
    options?: FindOptions,
  ): Promise<D[]>;
  /**
   * Documents whose string field (or any element of an array field) starts with `prefix`,
   * case-sensitively, in id order after `afterId`: prefix lookups such as names, paged.
   */
  findByPrefix<D extends Document>(
    collection: string,
    field: string,
    prefix: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]>;
  /**
   * Documents in id order, a page at a time: resumable from any id, for small collections and
   * first pages. A whole-collection pass is `scan`: paging by id is a range scan on MongoDB but
   * reads the whole table per page on FerretDB v1.
   */
  page<D extends Document>(
    collection: string,
    options: { afterId?: string; limit: number },
  ): Promise<{ id: string; doc: D }[]>;
  /**
   * Every document once, in no promised order, through one cursor: a single pass over the
   * collection whatever its size (diffs, digests, exports, backfills). Documents written during
   * the pass may or may not be seen.
   */
  scan<D extends Document>(collection: string): AsyncIterable<{ id: string; doc: D }>;
  count(collection: string): Promise<number>;
  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const READ_MODEL_STORE = Symbol('ReadModelStore');
