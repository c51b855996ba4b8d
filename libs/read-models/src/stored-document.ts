import { AppError } from '@touchpoint/core';
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
  /** The projection's `stateSchema` that wrote `state`; absent on documents of schema 1. */
  readonly schema?: number;
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

/** What a reader needs to know of a projection to trust a stored state. */
export interface StateSchemaOf {
  readonly model: string;
  readonly stateSchema?: number;
}

export const stateSchemaOf = (projection: StateSchemaOf): number => projection.stateSchema ?? 1;

/**
 * The parsed state of a stored document, refused when another release wrote it in another
 * shape: folding onto or viewing a state of another schema would give wrong figures silently.
 */
export function readState<S>(doc: StoredProjectionDoc, projection: StateSchemaOf): S {
  const stored = doc.schema ?? 1;
  const expected = stateSchemaOf(projection);
  if (stored !== expected) throw stateSchemaMismatch(projection.model, stored, expected);
  return JSON.parse(doc.state) as S;
}

export function stateSchemaMismatch(model: string, stored: number, expected: number): AppError {
  return AppError.unavailable(
    'state_schema_mismatch',
    `${model} documents of this version hold state schema ${stored}, written by another release; ` +
      `this release reads schema ${expected}. Build a new version from the log and switch to it: ` +
      `touchpoint replay ${model} --as <new version>, then touchpoint promote ${model} <new version> ` +
      `(docs/models.md, "Upgrading").`,
    30,
  );
}
