/**
 * When recent records of the events log were appended, per partition, as the live tail saw
 * them: what turns "the model's consumer is N records behind" into milliseconds without
 * reading the log per request. Bounded: only the newest `capacity` offsets per partition.
 */
export class EventTimes {
  private readonly partitions = new Map<number, Map<bigint, number>>();

  constructor(private readonly capacity = 100_000) {}

  note(partition: number, offset: string, timestamp: number): void {
    const times = this.partitions.get(partition) ?? new Map<bigint, number>();
    this.partitions.set(partition, times);
    times.set(BigInt(offset), timestamp);
    if (times.size > this.capacity) {
      // Map keeps insertion order, and the tail inserts in log order: the first key is the oldest.
      const oldest = times.keys().next().value;
      if (oldest !== undefined) times.delete(oldest);
    }
  }

  /** Append time of the record at `offset`, if the tail saw it and still remembers it. */
  at(partition: number, offset: string): number | undefined {
    return this.partitions.get(partition)?.get(BigInt(offset));
  }
}
