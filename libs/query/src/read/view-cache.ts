import type { LastApplied } from '@touchpoint/read-models';

/**
 * What one read of a customer in one model version produced: the costly part of a request (the
 * store round-trips, JSON parsing and the identity merge). Views are not part of it: they take
 * `asOf` (tier windows, days since the last purchase, lifecycle, occasions), so they are
 * computed per request from the shared state (docs/agent-api.md, "Cached reads").
 */
export interface CachedRead<S> {
  /** The merged state; undefined when the customer has no document in this model version. */
  readonly state: S | undefined;
  /** The primary document's newest event, for the answer's freshness. */
  readonly last: LastApplied | undefined;
  /**
   * Every document key the read looked at, with the revision it found (0: absent). A notice for
   * any of them with a higher revision makes the entry stale.
   */
  readonly revisions: ReadonlyMap<string, number>;
  /** Stored JSON read: the entry's weight against QUERY_CACHE_MB. */
  readonly bytes: number;
}

export interface ViewCacheOptions {
  readonly maxBytes: number;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  /** Unknown ids remembered at once; the oldest are forgotten first. */
  readonly maxNegatives?: number;
  /** Recent notices remembered to catch one that lands while a read is in flight. */
  readonly recentNotices?: number;
  readonly now: () => number;
  readonly metrics?: ViewCacheMetrics;
}

/** Where the cache reports (prom-client series in the app; nothing in unit tests). */
export interface ViewCacheMetrics {
  hit(model: string, kind: 'entry' | 'negative'): void;
  miss(model: string): void;
  evicted(count: number): void;
  size(bytes: number, entries: number, negatives: number): void;
}

/** The fields of a change notice the cache needs. */
export interface NoticeRef {
  readonly model: string;
  readonly version: string;
  readonly key: string;
  readonly revision: number;
}

interface Node {
  readonly key: string;
  readonly value: CachedRead<unknown>;
  readonly bytes: number;
  readonly expiresAt: number;
  /** Index keys (model, version, document key) of the documents the entry was built from. */
  readonly docs: readonly string[];
  prev: Node | undefined;
  next: Node | undefined;
}

interface Flight {
  readonly promise: Promise<CachedRead<unknown>>;
  readonly startSeq: number;
}

/** Map and list bookkeeping per entry, counted on top of the stored JSON. */
const ENTRY_OVERHEAD_BYTES = 256;
const SEP = '\u0000';

const entryKey = (model: string, version: string, customerId: string) =>
  `${model}${SEP}${version}${SEP}${customerId}`;
const docKey = (model: string, version: string, key: string) =>
  `${model}${SEP}${version}${SEP}${key}`;
// An empty third part sets lookups and single documents apart: customer ids are never empty.
const lookupEntryKey = (model: string, version: string, field: string, value: string) =>
  `${model}${SEP}${version}${SEP}${SEP}lookup${SEP}${field}${SEP}${value}`;
const documentEntryKey = (model: string, version: string, key: string) =>
  `${model}${SEP}${version}${SEP}${SEP}document${SEP}${key}`;

/**
 * Customers' read-model states per (model, version, customer id), filled on first read and
 * dropped when a change notice names a document an entry was built from (the customer's own or
 * a related visitor or absorbed customer). Keyed by version, so a promote or rollback switches
 * readers to other entries at once and the old ones age out of the LRU. The resolutions of
 * exact searches and single documents a search summary shows are entries of the same kind,
 * under the same notices, TTL and budget.
 *
 * Staleness is bounded without the notices: an entry is served at most `ttlMs` after it was
 * read (a revision check on every hit would cost a store round-trip, which on FerretDB is
 * nearly the price of the read itself). A notice that arrives while a read is in flight keeps
 * that read's result out of the cache.
 *
 * Memory: entries are weighed by the stored JSON they were parsed from (parsed objects take a
 * few times that), least recently used evicted first. Unknown customers are kept apart in a
 * small ring with a short TTL, so a flood of unknown ids evicts no working entry and reaches
 * the store once per id and period.
 */
export class ViewCache {
  private readonly entries = new Map<string, Node>();
  /** Index key of a document → entries built from it. */
  private readonly byDoc = new Map<string, Set<Node>>();
  /** Most recently used first. */
  private head: Node | undefined;
  private tail: Node | undefined;
  private used = 0;

  private readonly negatives = new Map<string, { expiresAt: number; slot: number }>();
  private readonly negativeRing: (string | undefined)[];
  private negativeNext = 0;

  private readonly recent: ({ doc: string; revision: number } | undefined)[];
  /** Notices seen so far; `recent` holds the last `recent.length` of them. */
  private seq = 0;
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly options: ViewCacheOptions) {
    this.negativeRing = new Array<string | undefined>(Math.max(1, options.maxNegatives ?? 10_000));
    this.recent = new Array<{ doc: string; revision: number } | undefined>(
      Math.max(1, options.recentNotices ?? 4096),
    );
  }

  get enabled(): boolean {
    return this.options.maxBytes > 0;
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get negativeSize(): number {
    return this.negatives.size;
  }

  /**
   * The cached read of a customer, or `load`'s (shared with concurrent callers when no notice
   * came in since that load started).
   */
  read<S>(
    model: string,
    version: string,
    customerId: string,
    load: () => Promise<CachedRead<S>>,
  ): Promise<CachedRead<S>> {
    return this.cached(model, version, entryKey(model, version, customerId), load);
  }

  /**
   * What an exact search (`field` = `value`: an e-mail, phone or card) resolves to, cached as a
   * read: dropped by notices for the documents in its `revisions`, else served for at most
   * `ttlMs` (`negativeTtlMs` when it found nothing). A document that takes the value later is
   * named by no entry and no notice, so the TTL is what bounds it.
   */
  resolve<S>(
    model: string,
    version: string,
    field: string,
    value: string,
    load: () => Promise<CachedRead<S>>,
  ): Promise<CachedRead<S>> {
    return this.cached(model, version, lookupEntryKey(model, version, field, value), load);
  }

  /** One stored document's own state (no related documents merged in), cached as a read. */
  document<S>(
    model: string,
    version: string,
    key: string,
    load: () => Promise<CachedRead<S>>,
  ): Promise<CachedRead<S>> {
    return this.cached(model, version, documentEntryKey(model, version, key), load);
  }

  private async cached<S>(
    model: string,
    version: string,
    key: string,
    load: () => Promise<CachedRead<S>>,
  ): Promise<CachedRead<S>> {
    if (!this.enabled) return load();
    const now = this.options.now();
    const node = this.entries.get(key);
    if (node) {
      if (node.expiresAt > now) {
        this.touch(node);
        this.options.metrics?.hit(model, 'entry');
        return node.value as CachedRead<S>;
      }
      this.remove(node);
    }
    const negative = this.negatives.get(key);
    if (negative) {
      if (negative.expiresAt > now) {
        this.options.metrics?.hit(model, 'negative');
        return { state: undefined, last: undefined, revisions: new Map(), bytes: 0 };
      }
      this.negatives.delete(key);
    }
    this.options.metrics?.miss(model);
    const flight = this.flights.get(key);
    if (flight && flight.startSeq === this.seq) return flight.promise as Promise<CachedRead<S>>;
    const startSeq = this.seq;
    const promise = load().then((value) => {
      this.store(model, version, key, value, startSeq);
      return value;
    });
    const own: Flight = { promise, startSeq };
    this.flights.set(key, own);
    const done = () => {
      if (this.flights.get(key) === own) this.flights.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  /** Whether the customer is known to exist (true), known not to (false), or not cached. */
  known(model: string, version: string, customerId: string): boolean | undefined {
    if (!this.enabled) return undefined;
    const key = entryKey(model, version, customerId);
    const now = this.options.now();
    const node = this.entries.get(key);
    if (node && node.expiresAt > now) {
      this.options.metrics?.hit(model, 'entry');
      return node.value.state !== undefined;
    }
    const negative = this.negatives.get(key);
    if (negative && negative.expiresAt > now) {
      this.options.metrics?.hit(model, 'negative');
      return false;
    }
    return undefined;
  }

  /** Remembers that a customer has no document, found without a full read. */
  absent(model: string, version: string, customerId: string, key: string): void {
    if (!this.enabled) return;
    this.store(
      model,
      version,
      entryKey(model, version, customerId),
      { state: undefined, last: undefined, revisions: new Map([[key, 0]]), bytes: 0 },
      this.seq,
    );
  }

  /** A document changed: every entry built from an older revision of it is dropped. */
  noticed(notice: NoticeRef): void {
    if (!this.enabled) return;
    const doc = docKey(notice.model, notice.version, notice.key);
    this.recent[this.seq % this.recent.length] = { doc, revision: notice.revision };
    this.seq++;
    const nodes = this.byDoc.get(doc);
    if (nodes) {
      for (const node of [...nodes]) {
        if ((node.value.revisions.get(notice.key) ?? 0) < notice.revision) this.remove(node);
      }
    }
    // A negative entry is the customer's own document being absent; ids and keys differ by
    // the prefix only, so the notice names the customer the entry is for.
    const colon = notice.key.indexOf(':');
    if (colon > 0 && this.negatives.size > 0) {
      this.negatives.delete(entryKey(notice.model, notice.version, notice.key.slice(colon + 1)));
      this.negatives.delete(documentEntryKey(notice.model, notice.version, notice.key));
    }
    this.report();
  }

  clear(): void {
    this.entries.clear();
    this.byDoc.clear();
    this.head = this.tail = undefined;
    this.used = 0;
    this.negatives.clear();
    this.negativeRing.fill(undefined);
    this.report();
  }

  private store(
    model: string,
    version: string,
    key: string,
    value: CachedRead<unknown>,
    startSeq: number,
  ): void {
    if (this.changedSince(model, version, value, startSeq)) return;
    const now = this.options.now();
    if (value.state === undefined) {
      this.remember(key, now + this.options.negativeTtlMs);
      return;
    }
    const existing = this.entries.get(key);
    if (existing) this.remove(existing);
    const bytes = value.bytes + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.options.maxBytes) return;
    const docs = [...value.revisions.keys()].map((k) => docKey(model, version, k));
    const node: Node = {
      key,
      value,
      bytes,
      expiresAt: now + this.options.ttlMs,
      docs,
      prev: undefined,
      next: undefined,
    };
    this.entries.set(key, node);
    for (const d of docs) {
      let set = this.byDoc.get(d);
      if (!set) this.byDoc.set(d, (set = new Set()));
      set.add(node);
    }
    this.linkFirst(node);
    this.used += bytes;
    let evicted = 0;
    while (this.used > this.options.maxBytes && this.tail && this.tail !== node) {
      this.remove(this.tail);
      evicted++;
    }
    if (evicted > 0) this.options.metrics?.evicted(evicted);
    this.report();
  }

  /**
   * Did a notice since `startSeq` name one of the read's documents at a newer revision? When
   * more notices came than are remembered, the read is not trusted either.
   */
  private changedSince(
    model: string,
    version: string,
    value: CachedRead<unknown>,
    startSeq: number,
  ): boolean {
    if (startSeq === this.seq) return false;
    if (this.seq - startSeq > this.recent.length) return true;
    const docs = new Map<string, number>();
    for (const [k, revision] of value.revisions) docs.set(docKey(model, version, k), revision);
    for (let s = startSeq; s < this.seq; s++) {
      const n = this.recent[s % this.recent.length]!;
      const revision = docs.get(n.doc);
      if (revision !== undefined && revision < n.revision) return true;
    }
    return false;
  }

  private remember(key: string, expiresAt: number): void {
    if (this.options.negativeTtlMs <= 0) return;
    const slot = this.negativeNext;
    const victim = this.negativeRing[slot];
    if (victim !== undefined && this.negatives.get(victim)?.slot === slot) {
      this.negatives.delete(victim);
    }
    this.negativeRing[slot] = key;
    this.negatives.set(key, { expiresAt, slot });
    this.negativeNext = (slot + 1) % this.negativeRing.length;
    this.report();
  }

  private remove(node: Node): void {
    if (this.entries.get(node.key) !== node) return;
    this.entries.delete(node.key);
    for (const d of node.docs) {
      const set = this.byDoc.get(d);
      if (!set) continue;
      set.delete(node);
      if (set.size === 0) this.byDoc.delete(d);
    }
    this.unlink(node);
    this.used -= node.bytes;
  }

  private touch(node: Node): void {
    if (this.head === node) return;
    this.unlink(node);
    this.linkFirst(node);
  }

  private linkFirst(node: Node): void {
    node.prev = undefined;
    node.next = this.head;
    if (this.head) this.head.prev = node;
    this.head = node;
    if (!this.tail) this.tail = node;
  }

  private unlink(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    else if (this.head === node) this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else if (this.tail === node) this.tail = node.prev;
    node.prev = node.next = undefined;
  }

  private report(): void {
    this.options.metrics?.size(this.used, this.entries.size, this.negatives.size);
  }
}
