import type { PositionedEvent } from '@touchpoint/projections';

/**
 * Store-wide aggregate documents a model keeps up to date in the same fold as its per-customer
 * documents (crosssell: co-purchase counts). The runner folds through `fold` instead of the
 * projection's own `evolveBatch`, then calls `flush` before it writes the documents: a crash
 * between the two writes redelivers the events, the documents fold again to the same
 * contributions, and the aggregate documents skip those at offsets their watermark covers.
 */
export interface FoldAggregates<S> {
  /** Exactly the projection's `evolveBatch`, noting what the events contribute. */
  fold(state: S, fresh: readonly PositionedEvent[], key: string): S;
  /** A mark of the contributions noted so far, for `rewind`. */
  checkpoint(): number;
  /** Forgets the contributions noted after `mark` (a fold the runner refused). */
  rewind(mark: number): void;
  /** Writes (and forgets) the contributions noted since the last flush. */
  flush(heartbeat: () => Promise<void>): Promise<void>;
}
