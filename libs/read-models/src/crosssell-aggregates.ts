import { AppError, StateCache } from '@touchpoint/core';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  type BasketContribution,
  type CopurchaseDelta,
  type CopurchaseDoc,
  type CrosssellPolicy,
  type CustomerBasketsState,
  type PositionedEvent,
  applyCopurchaseDeltas,
  copurchaseDeltas,
  foldBaskets,
} from '@touchpoint/projections';
import type { FoldAggregates } from './fold-aggregates';
import { copurchaseCollectionName } from './names';

/**
 * An aggregate document as stored: the neighbour list as JSON text. FerretDB (SQLite) writes and
 * reads a long array of small objects many times slower than one string (docs/read-models.md),
 * and the item and category documents are rewritten by every fold that brings a basket.
 */
export interface StoredCopurchaseDoc extends Omit<CopurchaseDoc, 'neighbours'> {
  readonly [field: string]: unknown;
  readonly neighbours: string;
  /** The store's version guard. */
  readonly revision: number;
}

function decoded(stored: StoredCopurchaseDoc): CopurchaseDoc {
  return { ...stored, neighbours: JSON.parse(stored.neighbours) as CopurchaseDoc['neighbours'] };
}

interface Cached {
  readonly doc: CopurchaseDoc;
  readonly revision: number;
  /** Length of the stored neighbour text: the cache's budget unit. */
  readonly bytes: number;
}

const MAX_ATTEMPTS = 6;
const DOCUMENTS_PER_ROUND_TRIP = 1000;

/**
 * Keeps the co-purchase aggregate documents (copurchase.ts) in the crosssell fold. Each basket a
 * customer document gains (once per orderId, deduplicated by the document within its horizon)
 * becomes deltas of the (partition, item), (partition, category) and (partition, total)
 * documents, attributed to the offset of the event that brought it. They are written before the
 * customer documents; a document skips deltas at or below its watermark, so a redelivery after a
 * crash between the two writes (the customers fold again to the same deltas) counts nothing
 * twice, without a transaction. One writer per partition in practice (its group member); the
 * versioned write makes a second one (a member that lost its partition but still writes) reload
 * and re-apply instead of overwriting.
 */
export class CopurchaseAggregates implements FoldAggregates<CustomerBasketsState> {
  private contributions: BasketContribution[] = [];
  private readonly collection: string;
  /**
   * Aggregate documents as last written (StateCache's rules: taken while folded, put back once
   * written). A popular item's documents are rewritten by most folds; without it each fold read
   * and decoded them again.
   */
  readonly cache: StateCache<Cached>;

  constructor(
    private readonly store: ReadModelStore,
    collection: string,
    private readonly policy: CrosssellPolicy,
    cacheBytes = 0,
  ) {
    this.collection = copurchaseCollectionName(collection);
    this.cache = new StateCache(cacheBytes);
  }

  fold(
    state: CustomerBasketsState,
    fresh: readonly PositionedEvent[],
    key: string,
  ): CustomerBasketsState {
    return foldBaskets(state, fresh, key, this.policy, (c) => this.contributions.push(c));
  }

  checkpoint(): number {
    return this.contributions.length;
  }

  rewind(mark: number): void {
    this.contributions.length = Math.min(mark, this.contributions.length);
  }

  async flush(heartbeat: () => Promise<void>): Promise<void> {
    const taken = this.contributions;
    this.contributions = [];
    if (taken.length === 0) return;
    const byId = new Map<string, CopurchaseDelta[]>();
    for (const d of copurchaseDeltas(taken)) {
      const list = byId.get(d.id) ?? [];
      list.push(d);
      byId.set(d.id, list);
    }
    let pending = [...byId.keys()];
    for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
      const stale: string[] = [];
      for (const ids of slices(pending, DOCUMENTS_PER_ROUND_TRIP)) {
        const known = new Map<string, Cached>();
        const missing: string[] = [];
        for (const id of ids) {
          const cached = this.cache.take(id);
          if (cached === undefined) missing.push(id);
          else known.set(id, cached);
        }
        if (missing.length > 0) {
          for (const [id, doc] of await this.store.getMany<StoredCopurchaseDoc>(
            this.collection,
            missing,
          ))
            known.set(id, {
              doc: decoded(doc),
              revision: doc.revision,
              bytes: doc.neighbours.length,
            });
          await heartbeat();
        }
        const writes: { id: string; doc: StoredCopurchaseDoc; version: number; next: Cached }[] =
          [];
        for (const id of ids) {
          const before = known.get(id);
          const next = applyCopurchaseDeltas(
            before?.doc,
            byId.get(id) ?? [],
            this.policy.neighbours,
          );
          if (next === null) {
            // Every delta was applied already: the document stays as it was.
            if (before) this.cache.put(id, before, before.bytes);
            continue;
          }
          const revision = (before?.revision ?? 0) + 1;
          const neighbours = JSON.stringify(next.neighbours);
          writes.push({
            id,
            doc: { ...next, neighbours, revision },
            version: revision,
            next: { doc: next, revision, bytes: neighbours.length },
          });
        }
        if (writes.length === 0) continue;
        const outcome = await this.store.writeVersioned(
          this.collection,
          writes.map(({ id, doc, version }) => ({ id, doc, version })),
        );
        await heartbeat();
        const lost = new Set(outcome.staleIds);
        // A lost write means another writer got there first: reload it on the next attempt.
        for (const w of writes) if (!lost.has(w.id)) this.cache.put(w.id, w.next, w.next.bytes);
        stale.push(...outcome.staleIds);
      }
      pending = stale;
    }
    if (pending.length > 0) {
      throw AppError.conflict(
        'projection_contention',
        `${this.collection}: aggregates ${pending.slice(0, 5).join(', ')} kept changing under us; the batch will be retried`,
      );
    }
  }
}

/** Every aggregate document of a crosssell collection: O(keys × partitions), not customers. */
export async function copurchaseDocs(
  store: ReadModelStore,
  collection: string,
): Promise<CopurchaseDoc[]> {
  const docs: CopurchaseDoc[] = [];
  for await (const { doc } of store.scan<StoredCopurchaseDoc>(copurchaseCollectionName(collection)))
    docs.push(decoded(doc));
  return docs;
}

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
