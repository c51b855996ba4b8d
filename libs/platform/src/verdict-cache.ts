import type { LogRecord } from '@touchpoint/ports';

/**
 * Raw record bytes whose decoded verdicts one process keeps for its slower groups. Decoded, a
 * record takes about three times its JSON in memory, so this is about 50 MiB of heap at most.
 * The overload fault scenario found the bound that counted records (250 000) holding 600 MiB and
 * more: under overload the models' groups drift far apart and every held record stayed.
 */
export const DEFAULT_VERDICT_CACHE_BYTES = 16 * 1024 * 1024;

interface Held<V> {
  readonly verdict: V;
  readonly bytes: number;
  readonly partition: string;
  readonly offset: number;
  /** Groups that have not taken it yet. */
  waiting: number;
}

/**
 * Verdicts by log position. One process runs several groups over the same records (a group per
 * model version, the archiver); a record at a position of a log never changes, so it is decoded
 * and validated once per process rather than once per group.
 *
 * An entry stays until every group of the process has taken it, then goes: what is held is the
 * spread between the fastest and the slowest group, and nothing once the groups are level. When
 * the spread is larger than the budget (a group stopped, started past the others, or fell far
 * behind under overload) the oldest entries go first, which only costs the slower groups a
 * decode of their own.
 */
export class VerdictCache<V> {
  private readonly byPosition = new Map<string, Held<V>>();
  /**
   * Per topic-partition, the newest offset evicted: a group missing at or below it is a slow one
   * reading what a faster one read long ago, and caching its decode would only push out the
   * entries that slow group needs next.
   */
  private readonly evictedUpTo = new Map<string, number>();
  /** Positions in insertion order; some already taken by every group (compacted from time to time). */
  private order: string[] = [];
  private head = 0;
  private used = 0;
  /** Groups consuming through this cache now. */
  groups = 0;
  evictions = 0;

  constructor(
    private readonly decodeValue: (value: Buffer) => V,
    readonly budgetBytes: number = DEFAULT_VERDICT_CACHE_BYTES,
  ) {}

  /** Record bytes held now. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.byPosition.size;
  }

  decode(record: LogRecord): V {
    const partition = `${record.topic}\u0000${record.partition}`;
    const position = `${partition}\u0000${record.offset}`;
    const found = this.byPosition.get(position);
    if (found) {
      if (--found.waiting <= 0) this.forget(position, found);
      return found.verdict;
    }
    const verdict = this.decodeValue(record.value);
    const bytes = record.value.length;
    if (this.groups <= 1 || bytes > this.budgetBytes) return verdict;
    const offset = Number(record.offset);
    if (offset <= (this.evictedUpTo.get(partition) ?? -1)) return verdict;
    this.byPosition.set(position, { verdict, bytes, offset, partition, waiting: this.groups - 1 });
    this.order.push(position);
    this.used += bytes;
    while (this.used > this.budgetBytes && this.head < this.order.length) {
      const oldest = this.order[this.head++]!;
      const held = this.byPosition.get(oldest);
      if (held) {
        this.forget(oldest, held);
        this.evictions++;
        if (held.offset > (this.evictedUpTo.get(held.partition) ?? -1))
          this.evictedUpTo.set(held.partition, held.offset);
      }
    }
    // Positions every group took stay in `order` until passed or compacted away: compacting
    // when they outnumber the held ones keeps `order` within a constant factor of the map.
    if (this.order.length - this.head > 2 * this.byPosition.size + 1024) {
      this.order = this.order.slice(this.head).filter((p) => this.byPosition.has(p));
      this.head = 0;
    }
    return verdict;
  }

  /** Positions kept in insertion order, for the spec's bound on the bookkeeping. */
  get tracked(): number {
    return this.order.length - this.head;
  }

  private forget(position: string, held: Held<V>): void {
    this.byPosition.delete(position);
    this.used -= held.bytes;
  }
}
