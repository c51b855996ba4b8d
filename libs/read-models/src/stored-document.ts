import type { ReadModelStore } from '@touchpoint/ports';

/**
 * How a read-model document is stored. The state travels as a JSON string: model states use
 * free-form map keys (skus, categories, e-mail addresses) that MongoDB field names cannot
 * always hold, the string keeps numbers and key order exactly as the pure code made them, and
 * on FerretDB (SQLite) a 10-17 KB state stored as nested fields was measured 12x slower to write
 * and 13x slower to read than the same state as one string (docs/read-models.md). What people
 * query with their own tools is `figures`: a handful of native top-level fields.
 */
export interface StoredProjectionDoc extends Record<string, unknown> {
  readonly state: string;
  /** Partition → offset of the last event applied to this document from that partition. */
  readonly watermarks: Record<string, string>;
  /** Optimistic-concurrency revision, also the store's version guard. */
  readonly revision: number;
  /** Indexed lookup fields the projection extracts (e.g. normalised e-mails); optional. */
  readonly search?: Record<string, readonly string[]>;
  /** The newest event applied (log order): readers report it as the document's freshness. */
  readonly last?: LastApplied;
  /**
   * The figures people ask about (tier, lifecycle stage, RFM, spend...), as native fields other
   * tools can query and index, computed from this document alone as of `figures.asOf`: the
   * latest event time the document has seen (not the clock, so replay writes the same figures).
   */
  readonly figures?: StoredFigures;
}

export interface StoredFigures extends Record<string, unknown> {
  readonly asOf: string;
}

export interface LastApplied {
  readonly partition: number;
  readonly offset: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
}

/** A model's native top-level figures of one document, as of an instant. */
export type FiguresOf<S, P> = (state: S, asOf: Date, policy: P) => Record<string, unknown>;

/** Every stored projection document of a collection, once each, in no promised order. */
export function documents(
  store: ReadModelStore,
  collection: string,
): AsyncIterable<{ id: string; doc: StoredProjectionDoc }> {
  return store.scan<StoredProjectionDoc>(collection);
}
