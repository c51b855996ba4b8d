import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { HEADERS } from '@touchpoint/contracts';
import type { EventLog, LogRecord, PartitionOffsets, ReadRange } from '@touchpoint/ports';
import { EVENT_ID_COLLECTION, rebuildEventIdRegistry } from './event-id-registry';

/** A log of two partitions, read through the port's `offsets` and `read` only. */
class FakeLog {
  readonly reads: ReadRange[] = [];
  constructor(private readonly partitions: LogRecord[][]) {}

  offsets(): Promise<PartitionOffsets[]> {
    return Promise.resolve(
      this.partitions.map((records, partition) => ({
        partition,
        low: '0',
        high: String(records.length),
      })),
    );
  }

  read(_topic: string, ranges: readonly ReadRange[]): Promise<LogRecord[]> {
    this.reads.push(...ranges);
    return Promise.resolve(
      ranges.flatMap((r) =>
        this.partitions[r.partition]!.slice(
          Number(r.fromOffset),
          Number(r.fromOffset) + r.maxRecords,
        ),
      ),
    );
  }
}

function record(partition: number, offset: number, eventId: string, withHeader = true): LogRecord {
  return {
    topic: 'touchpoint.events',
    partition,
    offset: String(offset),
    key: 'c-1',
    value: Buffer.from(JSON.stringify({ eventId, type: 'web.visited' })),
    headers: withHeader ? { [HEADERS.eventId]: eventId } : {},
    timestamp: Date.UTC(2026, 0, 1, 0, 0, offset),
  };
}

describe('rebuildEventIdRegistry', () => {
  it('given a log, then every id in it is remembered at its first position, with or without the id header', async () => {
    // A record whose value is not JSON still has its header; one with neither is skipped.
    const garbage: LogRecord = { ...record(1, 2, 'x'), value: Buffer.from('{'), headers: {} };
    const log = new FakeLog([
      [record(0, 0, 'e-1'), record(0, 1, 'e-2'), record(0, 2, 'e-1')],
      [record(1, 0, 'e-3', false), record(1, 1, 'e-4', true), garbage],
    ]);
    const store = new EmbeddedReadModelStore();
    const progress: { done: number; total: number }[] = [];
    const ids = await rebuildEventIdRegistry(
      log as unknown as EventLog,
      store,
      'touchpoint.events',
      (p) => progress.push(p),
    );
    expect(ids).toBe(4);
    const known = await store.getMany(EVENT_ID_COLLECTION, ['e-1', 'e-2', 'e-3', 'e-4', 'x']);
    expect(Object.fromEntries(known)).toEqual({
      'e-1': { partition: 0, offset: '0', at: '2026-01-01T00:00:00.000Z' },
      'e-2': { partition: 0, offset: '1', at: '2026-01-01T00:00:01.000Z' },
      'e-3': { partition: 1, offset: '0', at: '2026-01-01T00:00:00.000Z' },
      'e-4': { partition: 1, offset: '1', at: '2026-01-01T00:00:01.000Z' },
    });
    expect(progress.at(0)).toEqual({ done: 0, total: 6 });
    expect(progress.at(-1)).toEqual({ done: 6, total: 6 });
  });

  it('given an id ingest already remembered, then its entry is kept as it was', async () => {
    const store = new EmbeddedReadModelStore();
    await store.writeVersioned(EVENT_ID_COLLECTION, [
      { id: 'e-1', doc: { partition: 9, offset: '9', at: 'then' }, version: 1 },
    ]);
    await rebuildEventIdRegistry(
      new FakeLog([[record(0, 0, 'e-1')]]) as unknown as EventLog,
      store,
      'touchpoint.events',
    );
    expect(await store.get(EVENT_ID_COLLECTION, 'e-1')).toEqual({
      partition: 9,
      offset: '9',
      at: 'then',
    });
  });

  it('given a long partition, then it is read in slices', async () => {
    const long = Array.from({ length: 12_001 }, (_, i) => record(0, i, `e-${i}`));
    const log = new FakeLog([long]);
    const store = new EmbeddedReadModelStore();
    expect(
      await rebuildEventIdRegistry(log as unknown as EventLog, store, 'touchpoint.events'),
    ).toBe(12_001);
    expect(log.reads.map((r) => [r.fromOffset, r.maxRecords])).toEqual([
      ['0', 5000],
      ['5000', 5000],
      ['10000', 2001],
    ]);
  });
});
