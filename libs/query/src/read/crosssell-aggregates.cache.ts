import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import type { CrosssellPolicy } from '@touchpoint/projections';
import { type CrosssellAggregates, crosssellAggregates } from '@touchpoint/read-models';
import { type Clock, QUERY_CLOCK } from '../tokens';

/** After a change notice, totals this young are still served: a busy store must not recompute per request. */
const MIN_AGE_MS = 2000;
/** A safety net should notices stop arriving. */
const MAX_AGE_MS = 5 * 60_000;

interface Entry {
  readonly at: number;
  readonly value: Promise<CrosssellAggregates>;
  stale: boolean;
}

/**
 * Co-purchase totals (summed from the aggregate documents) and the customers' spends (still a
 * pass over the customer documents, for the value-segment decile cut; @touchpoint/read-models
 * crosssell-rules): computed once, shared by concurrent requests, and marked stale by crosssell
 * change notices.
 */
@Injectable()
export class CrosssellAggregatesCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
  ) {}

  get(collection: string, policy: CrosssellPolicy): Promise<CrosssellAggregates> {
    const key = `${collection}/${policy.currency}`;
    const now = this.clock().getTime();
    const hit = this.entries.get(key);
    const age = hit ? now - hit.at : Infinity;
    if (hit && age < MAX_AGE_MS && (!hit.stale || age < MIN_AGE_MS)) return hit.value;
    const value = crosssellAggregates(this.store, collection, policy.currency, policy);
    const entry: Entry = { at: now, value, stale: false };
    this.entries.set(key, entry);
    // A failed computation is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** A crosssell document of `collection` changed. */
  invalidate(collection: string): void {
    for (const [key, entry] of this.entries) {
      if (key.startsWith(`${collection}/`)) entry.stale = true;
    }
  }
}
