import { type EventPosition } from '../projection.types';
import { type BasketStats, type PairBound, type PairCount, type KeyCount } from './basket-stats';
import { type BasketContribution } from './crosssell.evolve';
import { compareStrings } from './crosssell.state';

/**
 * Store-wide co-purchase counts kept by the fold (DESIGN §4: never a pass over customers). One
 * aggregate document per (partition, level, key): the number of baskets of that partition holding
 * the key, and the baskets it shares with each neighbour; one `total` document per partition
 * counts every basket. A partition has one writer at a time (its consumer group member), so a
 * document changes through versioned writes without contention in the normal case, and readers
 * sum the partitions: O(keys × partitions), independent of the number of customers.
 *
 * Neighbours: exact counts for up to `capacity` (policy `neighbours`) of them; beyond that the
 * list is a Space-Saving summary (Metwally, Agrawal, El Abbadi 2005): a new neighbour replaces the
 * one with the smallest count c_min and starts at c_min + 1 with error c_min. Then every
 * monitored count exceeds the true one by at most its error (≤ c_min ≤ N / capacity, N the
 * document's neighbour increments), and an unmonitored neighbour was co-purchased at most
 * c_min times. Until a document evicts, every count is exact, so wherever no key has more than
 * `capacity` neighbours the statistics equal a full recount.
 */
export type CopurchaseLevel = 'item' | 'category';

export interface CopurchaseDoc {
  readonly partition: number;
  readonly level: CopurchaseLevel | 'total';
  /** The item (sku) or category; '' for a partition's total. */
  readonly key: string;
  /** Offset of the last contribution applied: redelivered contributions at or below it are skipped. */
  readonly watermark: string;
  readonly baskets: number;
  /** Item level: the smallest product name seen, for explanations (smallest, so merging commutes). */
  readonly name: string | null;
  /**
   * Neighbour `k`, count `c`, error `e` (0 = exact), sorted by `k`. Objects, not tuples: FerretDB
   * stores no nested arrays.
   */
  readonly neighbours: readonly Neighbour[];
  /** Evictions so far: while 0, an absent neighbour was never co-purchased. */
  readonly evictions: number;
}

export interface Neighbour {
  readonly k: string;
  readonly c: number;
  readonly e: number;
}

export function copurchaseDocId(
  partition: number,
  level: CopurchaseDoc['level'],
  key: string,
): string {
  return `${partition}:${level}:${key}`;
}

/** One aggregate document's share of one basket contribution. */
export interface CopurchaseDelta {
  readonly id: string;
  readonly partition: number;
  readonly level: CopurchaseDoc['level'];
  readonly key: string;
  readonly offset: string;
  readonly sign: 1 | -1;
  readonly name: string | null;
  readonly neighbours: readonly string[];
}

function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/**
 * Splits basket contributions into per-document deltas, in log order per partition (ties keep
 * the order given, so a replacement's −1 precedes its +1): applying them one by one makes a
 * document depend on its partition's events only, not on how they were batched.
 */
export function copurchaseDeltas(contributions: readonly BasketContribution[]): CopurchaseDelta[] {
  const ordered = contributions
    .map((c, i) => ({ c, i }))
    .sort(
      (x, y) =>
        x.c.position.partition - y.c.position.partition ||
        compareOffsets(x.c.position, y.c.position) ||
        x.i - y.i,
    );
  const out: CopurchaseDelta[] = [];
  for (const { c } of ordered) {
    const { partition, offset } = c.position;
    out.push({
      id: copurchaseDocId(partition, 'total', ''),
      partition,
      level: 'total',
      key: '',
      offset,
      sign: c.sign,
      name: null,
      neighbours: [],
    });
    const names = new Map<string, string>();
    for (const l of c.lines) {
      const n = names.get(l.sku);
      if (n === undefined || compareStrings(l.name, n) < 0) names.set(l.sku, l.name);
    }
    const levels: [CopurchaseLevel, string[]][] = [
      ['item', distinct(c.lines.map((l) => l.sku))],
      ['category', distinct(c.lines.map((l) => l.category))],
    ];
    for (const [level, keys] of levels) {
      for (const key of keys) {
        out.push({
          id: copurchaseDocId(partition, level, key),
          partition,
          level,
          key,
          offset,
          sign: c.sign,
          name: level === 'item' ? (names.get(key) ?? null) : null,
          neighbours: keys.filter((k) => k !== key),
        });
      }
    }
  }
  return out;
}

function compareOffsets(a: EventPosition, b: EventPosition): number {
  const x = BigInt(a.offset);
  const y = BigInt(b.offset);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Applies one document's deltas (all of its partition, in log order) to its stored content and
 * returns the new content, or null when every delta was already applied (offset at or below the
 * watermark): the exactly-once half that needs no transaction.
 */
export function applyCopurchaseDeltas(
  doc: CopurchaseDoc | undefined,
  deltas: readonly CopurchaseDelta[],
  capacity: number,
): CopurchaseDoc | null {
  const first = deltas[0];
  if (first === undefined) return null;
  const watermark = doc === undefined ? null : BigInt(doc.watermark);
  const fresh = deltas.filter((d) => watermark === null || BigInt(d.offset) > watermark);
  const last = fresh[fresh.length - 1];
  if (last === undefined) return null;
  let baskets = doc?.baskets ?? 0;
  let name = doc?.name ?? null;
  let evictions = doc?.evictions ?? 0;
  const counts = new Map<string, [number, number]>();
  for (const { k, c, e } of doc?.neighbours ?? []) counts.set(k, [c, e]);
  for (const d of fresh) {
    baskets += d.sign;
    if (d.name !== null && d.sign > 0 && (name === null || compareStrings(d.name, name) < 0)) {
      name = d.name;
    }
    for (const n of d.neighbours) {
      const entry = counts.get(n);
      if (d.sign < 0) {
        // A re-send replaced a basket's contents: take back what it added, if still monitored.
        if (entry === undefined) continue;
        entry[0]--;
        if (entry[0] <= 0 && entry[1] === 0) counts.delete(n);
        continue;
      }
      if (entry !== undefined) entry[0]++;
      else if (counts.size < capacity) counts.set(n, [1, 0]);
      else {
        const [victim, min] = smallest(counts);
        counts.delete(victim);
        counts.set(n, [min + 1, min]);
        evictions++;
      }
    }
  }
  return {
    partition: first.partition,
    level: first.level,
    key: first.key,
    watermark: last.offset,
    baskets,
    name,
    neighbours: [...counts.entries()]
      .sort((x, y) => compareStrings(x[0], y[0]))
      .map(([k, [c, e]]) => ({ k, c, e })),
    evictions,
  };
}

/** The entry Space-Saving replaces: the smallest count, ties to the largest key (deterministic). */
function smallest(counts: Map<string, [number, number]>): [string, number] {
  let victim = '';
  let min = Number.POSITIVE_INFINITY;
  for (const [k, [c]] of counts) {
    if (c < min || (c === min && k > victim)) {
      victim = k;
      min = c;
    }
  }
  return [victim, min];
}

/** An unmonitored neighbour's count is at most this (0 while the document never evicted). */
function absentBound(doc: CopurchaseDoc): number {
  if (doc.evictions === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const { c } of doc.neighbours) if (c < min) min = c;
  return Number.isFinite(min) ? min : 0;
}

interface Side {
  readonly count: number;
  readonly over: number;
  readonly under: number;
}

const indexes = new WeakMap<CopurchaseDoc, Map<string, readonly [number, number]>>();

function sideOf(doc: CopurchaseDoc | undefined, neighbour: string): Side {
  if (doc === undefined) return { count: 0, over: 0, under: 0 };
  let index = indexes.get(doc);
  if (index === undefined) {
    index = new Map(doc.neighbours.map(({ k, c, e }) => [k, [c, e] as const]));
    indexes.set(doc, index);
  }
  const entry = index.get(neighbour);
  return entry === undefined
    ? { count: 0, over: 0, under: absentBound(doc) }
    : { count: entry[0], over: entry[1], under: 0 };
}

/**
 * Sums the aggregate documents of every partition into the statistics `associationRules` mines.
 * Per partition, a pair's count comes from whichever of its two documents knows it best (an
 * exact entry when either has one); the bounds of inexact pairs are listed with them, so each
 * rule they affect can say how far off its count may be.
 */
export function copurchaseStats(docs: Iterable<CopurchaseDoc>): BasketStats {
  let baskets = 0;
  const byId = new Map<string, CopurchaseDoc>();
  const singles: Record<CopurchaseLevel, Map<string, number>> = {
    item: new Map(),
    category: new Map(),
  };
  const pairKeys: Record<CopurchaseLevel, Set<string>> = { item: new Set(), category: new Set() };
  // The partitions that have a document for a key: a pair can only occur where both do.
  const partitionsOf: Record<CopurchaseLevel, Map<string, number[]>> = {
    item: new Map(),
    category: new Map(),
  };
  const names = new Map<string, string>();
  for (const doc of docs) {
    if (doc.level === 'total') {
      baskets += doc.baskets;
      continue;
    }
    byId.set(copurchaseDocId(doc.partition, doc.level, doc.key), doc);
    const s = singles[doc.level];
    s.set(doc.key, (s.get(doc.key) ?? 0) + doc.baskets);
    if (doc.name !== null) {
      const n = names.get(doc.key);
      if (n === undefined || compareStrings(doc.name, n) < 0) names.set(doc.key, doc.name);
    }
    const where = partitionsOf[doc.level].get(doc.key) ?? [];
    where.push(doc.partition);
    partitionsOf[doc.level].set(doc.key, where);
    for (const { k } of doc.neighbours) {
      pairKeys[doc.level].add(
        compareStrings(doc.key, k) < 0 ? `${doc.key}\u0000${k}` : `${k}\u0000${doc.key}`,
      );
    }
  }
  const level = (l: CopurchaseLevel): BasketStats['item'] => {
    const pairs: PairCount[] = [];
    const bounds: PairBound[] = [];
    for (const id of pairKeys[l]) {
      const cut = id.indexOf('\u0000');
      const a = id.slice(0, cut);
      const b = id.slice(cut + 1);
      const withB = new Set(partitionsOf[l].get(b) ?? []);
      let both = 0;
      let over = 0;
      let under = 0;
      // Also where neither document lists the other: an evicted pair may still have occurred.
      for (const p of (partitionsOf[l].get(a) ?? []).filter((x) => withB.has(x))) {
        const x = sideOf(byId.get(copurchaseDocId(p, l, a)), b);
        const y = sideOf(byId.get(copurchaseDocId(p, l, b)), a);
        const best = x.over + x.under <= y.over + y.under ? x : y;
        both += best.count;
        over += best.over;
        under += best.under;
      }
      if (both > 0) pairs.push([a, b, both]);
      if (over > 0 || under > 0) bounds.push([a, b, over, under]);
    }
    pairs.sort((x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]));
    bounds.sort((x, y) => compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]));
    const keyed: KeyCount[] = [...singles[l].entries()]
      .filter(([, n]) => n > 0)
      .sort((x, y) => compareStrings(x[0], y[0]));
    return bounds.length > 0 ? { singles: keyed, pairs, bounds } : { singles: keyed, pairs };
  };
  return {
    baskets,
    item: level('item'),
    category: level('category'),
    names: [...names.entries()].sort((x, y) => compareStrings(x[0], y[0])),
  };
}
