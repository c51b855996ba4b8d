import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEventLog } from '@touchpoint/adapters';
import {
  eventLogContract,
  legDidNotRun,
  smallDisk,
  smallDiskUnavailable,
  tempDir,
  uniqueName,
} from '@touchpoint/testing';

eventLogContract('embedded', async () => {
  const log = new EmbeddedEventLog(tempDir());
  await log.connect();
  return log;
});

describe('EmbeddedEventLog durability', () => {
  const spec = (name: string) => ({ name, partitions: 2, replicationFactor: 1 });

  it('given acknowledged appends, when the process reopens the data directory, then every record is there', async () => {
    const dir = tempDir();
    const topic = uniqueName('durable');
    const first = new EmbeddedEventLog(dir);
    await first.connect();
    await first.ensureTopics([spec(topic)]);
    await first.append(
      topic,
      ['a', 'b', 'c'].map((v) => ({ key: v, value: Buffer.from(v), headers: { h: v } })),
    );
    await first.close();

    const second = new EmbeddedEventLog(dir);
    await second.connect();
    const offsets = await second.offsets(topic);
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(3);
    const all = (
      await Promise.all(
        offsets.map((o) =>
          second.read(topic, [{ partition: o.partition, fromOffset: '0', maxRecords: 10 }]),
        ),
      )
    ).flat();
    expect(all.map((r) => r.value.toString()).sort()).toEqual(['a', 'b', 'c']);
    expect(all.find((r) => r.key === 'b')?.headers).toEqual({ h: 'b' });
    await second.close();
  });

  it('given a torn last line from a crash, when reopened, then the partial record is dropped and appends continue cleanly', async () => {
    const dir = tempDir();
    const topic = uniqueName('torn');
    const log = new EmbeddedEventLog(dir);
    await log.connect();
    await log.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await log.append(topic, [{ key: 'k', value: Buffer.from('ok') }]);
    await log.close();
    const file = join(
      dir,
      'log',
      topic,
      readdirSync(join(dir, 'log', topic)).find((f) => f.endsWith('.jsonl'))!,
    );
    appendFileSync(file, '{"k":"k","v":"cGFy');

    const reopened = new EmbeddedEventLog(dir);
    await reopened.connect();
    await reopened.append(topic, [{ key: 'k', value: Buffer.from('next') }]);
    await reopened.close();
    const again = new EmbeddedEventLog(dir);
    await again.connect();
    expect(
      (await again.read(topic, [{ partition: 0, fromOffset: '0', maxRecords: 10 }])).map((r) =>
        r.value.toString(),
      ),
    ).toEqual(['ok', 'next']);
    await again.close();
  });
});

const noSmallDisk = smallDiskUnavailable();
if (noSmallDisk !== undefined && process.env.CI !== 'true') {
  legDidNotRun('EmbeddedEventLog on a full disk', noSmallDisk);
} else {
  describe('EmbeddedEventLog on a full disk', () => {
    it('given a data directory that fills up, when an append spanning several partitions does not fit, then it is refused as disk_full, nothing of it survives a reopen, and once space returns appends go on at the right offsets', async () => {
      // Given: a 512 KiB file system holding one acknowledged record per partition.
      const disk = smallDisk(512);
      try {
        const topic = uniqueName('full');
        const log = new EmbeddedEventLog(disk.dir);
        await log.connect();
        await log.ensureTopics([{ name: topic, partitions: 4, replicationFactor: 1 }]);
        const keys = Array.from({ length: 16 }, (_, i) => `k${i}`);
        await log.append(
          topic,
          keys.map((k) => ({ key: k, value: Buffer.from(`small ${k}`) })),
        );
        const before = await log.offsets(topic);

        // When: 16 records of 64 KiB (1 MiB, about 1.4 MiB as stored) over the four partitions.
        const big = keys.map((k) => ({ key: k, value: Buffer.alloc(64 * 1024, k) }));
        const refused = await log.append(topic, big).catch((e: unknown) => e);

        // Then: refused with the disk-full code, offsets unchanged, nothing half-written.
        expect(refused).toMatchObject({ code: 'disk_full', category: 'unavailable' });
        expect(await log.offsets(topic)).toEqual(before);

        // And once space returns, the same append is accepted right after the first records.
        disk.resize(8 * 1024);
        const positions = await log.append(topic, big);
        const firstOffsetPerPartition = new Map<number, string>();
        for (const p of positions)
          if (!firstOffsetPerPartition.has(p.partition))
            firstOffsetPerPartition.set(p.partition, p.offset);
        for (const o of before) expect(firstOffsetPerPartition.get(o.partition)).toBe(o.high);
        await log.close();

        // And a reopen reads exactly the acknowledged records: 16 small, then 16 big.
        const reopened = new EmbeddedEventLog(disk.dir);
        await reopened.connect();
        const offsets = await reopened.offsets(topic);
        const all = (
          await Promise.all(
            offsets.map((o) =>
              reopened.read(topic, [{ partition: o.partition, fromOffset: '0', maxRecords: 100 }]),
            ),
          )
        ).flat();
        expect(all).toHaveLength(32);
        expect(all.filter((r) => r.value.length === 64 * 1024)).toHaveLength(16);
        for (const r of all) {
          const sameKey = all.filter((x) => x.key === r.key && x.partition === r.partition);
          expect(sameKey.map((x) => x.value.length).sort((a, b) => a - b)).toEqual([
            `small ${r.key}`.length,
            64 * 1024,
          ]);
        }
        await reopened.close();
      } finally {
        disk.unmount();
      }
    });
  });
}
