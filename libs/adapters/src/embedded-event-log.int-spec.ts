import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEventLog } from '@touchpoint/adapters';
import { tempDir, uniqueName, eventLogContract } from '@touchpoint/testing';

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
