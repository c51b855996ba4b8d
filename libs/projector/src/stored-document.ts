/**
 * How a read-model document is stored. The state travels as a JSON string: model states use
 * free-form map keys (skus, categories, e-mail addresses) that MongoDB field names cannot
 * always hold, and the string keeps numbers and key order exactly as the pure code made them.
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
}

export interface LastApplied {
  readonly partition: number;
  readonly offset: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
}
