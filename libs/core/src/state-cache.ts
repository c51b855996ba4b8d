/**
 * Parsed documents a single writer wrote last (the projector's runners: customer states, and
 * crosssell's co-purchase aggregates), so a hot document is neither read back nor parsed again
 * on its next fold. The writer is the only one of its documents in this process (FoldQueue), and
 * every write names the revision it read: when another process wrote in between (a rebalance,
 * `touchpoint rebuild-customer`), the guarded write fails and the writer reloads from the store.
 * So a cached entry can be old, but never silently wrong.
 *
 * An entry is taken out while its document is folded and put back only after its write landed:
 * a fold that fails half-way (the store went away) can never leave an entry in the cache that
 * already reflects events the store does not hold.
 *
 * Bounded by the stored JSON size of its entries (least recently written evicted first); parsed
 * objects take a few times that in memory.
 */
export class StateCache<E> {
  private readonly entries = new Map<string, { readonly entry: E; readonly bytes: number }>();
  private used = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Removes and returns the entry: the caller owns it until it `put`s the folded one back. */
  take(key: string): E | undefined {
    const found = this.entries.get(key);
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.used -= found.bytes;
    return found.entry;
  }

  put(key: string, entry: E, bytes: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.used -= old.bytes;
    }
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, { entry, bytes });
    this.used += bytes;
    for (const [k, v] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(k);
      this.used -= v.bytes;
      this.evictions++;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.used -= old.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
