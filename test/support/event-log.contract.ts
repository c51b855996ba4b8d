import type { EventLog, LogBatch, LogRecord } from '@touchpoint/ports';
import { eventually, uniqueName } from './helpers';

/**
 * The behaviour every EventLog adapter must share, run against the embedded log and against a
 * real Kafka broker. `make` returns a connected log; each test uses its own topic.
 */
export function eventLogContract(name: string, make: () => Promise<EventLog>): void {
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    beforeAll(async () => {
      log = await make();
    });
    afterAll(async () => {
      await log.close();
    });

    const topicSpec = (topic: string, partitions = 3) => ({
      name: topic,
      partitions,
      replicationFactor: 1,
      config: { 'retention.ms': '-1' },
    });

    it('given a topic, when messages are appended, then a group reads each key in append order', async () => {
      const topic = uniqueName('contract-order');
      await log.ensureTopics([topicSpec(topic)]);
      const keys = ['c-1', 'c-2', 'c-3', 'c-4'];
      const messages = Array.from({ length: 40 }, (_, i) => ({
        key: keys[i % keys.length]!,
        value: Buffer.from(JSON.stringify({ seq: i })),
        headers: { 'x-correlation-id': `corr-${i}` },
      }));
      const positions = await log.append(topic, messages);
      expect(positions).toHaveLength(40);

      const seen: LogRecord[] = [];
      const sub = await log.subscribe({
        groupId: uniqueName('g'),
        topics: [topic],
        fromBeginning: true,
        handleBatch: (batch: LogBatch) => {
          seen.push(...batch.records);
          return Promise.resolve();
        },
      });
      await eventually(() => seen.length >= 40, { what: '40 records' });
      await sub.stop();

      expect(seen).toHaveLength(40);
      for (const key of keys) {
        const seqs = seen
          .filter((r) => r.key === key)
          .map((r) => (JSON.parse(r.value.toString()) as { seq: number }).seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        // One key, one partition: that is what keeps a customer's events ordered.
        expect(new Set(seen.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
      }
      const first = seen.find(
        (r) => r.key === 'c-1' && (JSON.parse(r.value.toString()) as { seq: number }).seq === 0,
      );
      expect(first?.headers['x-correlation-id']).toBe('corr-0');
      // Reported positions match what a reader sees.
      const p0 = positions[0]!;
      const sameRecord = seen.find((r) => r.partition === p0.partition && r.offset === p0.offset);
      expect(JSON.parse(sameRecord!.value.toString())).toEqual({ seq: 0 });
    });

    it('given a handler that fails once, when the batch is redelivered, then nothing is lost', async () => {
      const topic = uniqueName('contract-retry');
      await log.ensureTopics([topicSpec(topic, 1)]);
      await log.append(
        topic,
        [1, 2, 3].map((n) => ({ key: 'k', value: Buffer.from(String(n)) })),
      );
      let failures = 0;
      const got: string[] = [];
      const sub = await log.subscribe({
        groupId: uniqueName('g'),
        topics: [topic],
        fromBeginning: true,
        handleBatch: (batch) => {
          if (failures === 0) {
            failures++;
            return Promise.reject(new Error('transient'));
          }
          got.push(...batch.records.map((r) => r.value.toString()));
          return Promise.resolve();
        },
      });
      await eventually(() => got.length >= 3, { what: 'redelivery', timeoutMs: 40000 });
      await sub.stop();
      expect(got.slice(0, 3)).toEqual(['1', '2', '3']);
    });

    it('given committed progress, when the group resubscribes, then it continues after the last batch', async () => {
      const topic = uniqueName('contract-resume');
      const groupId = uniqueName('g');
      await log.ensureTopics([topicSpec(topic, 1)]);
      await log.append(topic, [{ key: 'k', value: Buffer.from('a') }]);
      const first: string[] = [];
      let sub = await log.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: (b) => {
          first.push(...b.records.map((r) => r.value.toString()));
          return Promise.resolve();
        },
      });
      await eventually(() => first.length === 1, { what: 'first record' });
      await sub.stop();
      if (log.kind === 'embedded') return; // embedded positions are per process by design
      await log.append(topic, [{ key: 'k', value: Buffer.from('b') }]);
      const second: string[] = [];
      sub = await log.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: (b) => {
          second.push(...b.records.map((r) => r.value.toString()));
          return Promise.resolve();
        },
      });
      await eventually(() => second.length >= 1, { what: 'second record' });
      await sub.stop();
      expect(second).toEqual(['b']);
    });

    it('given start positions, when a new group subscribes, then it reads from exactly there and its commits are reported', async () => {
      const topic = uniqueName('contract-start');
      const groupId = uniqueName('g');
      await log.ensureTopics([topicSpec(topic, 2)]);
      const positions = await log.append(
        topic,
        ['a', 'b', 'c', 'd', 'e', 'f'].map((v, i) => ({ key: `k${i}`, value: Buffer.from(v) })),
      );
      const byPartition = new Map<number, string[]>();
      positions.forEach((p, i) => {
        byPartition.set(p.partition, [...(byPartition.get(p.partition) ?? []), 'abcdef'[i]!]);
      });
      expect(await log.committedOffsets(groupId, topic)).toEqual([]);
      // Skip the first record of each partition; read the rest.
      const got: string[] = [];
      const sub = await log.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: false,
        startAt: [0, 1].map((partition) => ({ partition, offset: '1' })),
        handleBatch: (b) => {
          got.push(...b.records.map((r) => r.value.toString()));
          return Promise.resolve();
        },
      });
      const expected = [...byPartition.values()].flatMap((vs) => vs.slice(1)).sort();
      await eventually(() => got.length >= expected.length, {
        what: 'records after the start',
        timeoutMs: 40000,
      });
      expect([...got].sort()).toEqual(expected);
      const committed = await eventually(
        async () => {
          const c = await log.committedOffsets(groupId, topic);
          return c.length === byPartition.size ? c : undefined;
        },
        { what: 'committed offsets' },
      );
      await sub.stop();
      expect(committed).toEqual(
        [...byPartition.entries()]
          .map(([partition, vs]) => ({ partition, offset: String(vs.length) }))
          .sort((a, b) => a.partition - b.partition),
      );
    });

    it('given an existing topic, when its spec asks for other partitions, then ensureTopics refuses and names the setting', async () => {
      const topic = uniqueName('contract-mismatch');
      await log.ensureTopics([topicSpec(topic, 2)]);
      await expect(log.ensureTopics([topicSpec(topic, 4)])).rejects.toThrow(
        /KAFKA_TOPIC_PARTITIONS/,
      );
      await expect(log.ensureTopics([topicSpec(topic, 2)])).resolves.toBeUndefined();
    });

    it('given appended records, when offsets and a range are read, then they match the appends', async () => {
      const topic = uniqueName('contract-read');
      await log.ensureTopics([topicSpec(topic, 1)]);
      await log.append(
        topic,
        ['a', 'b', 'c', 'd'].map((v) => ({ key: 'k', value: Buffer.from(v) })),
      );
      const offsets = await log.offsets(topic);
      expect(offsets).toEqual([{ partition: 0, low: '0', high: '4' }]);
      const range = await log.read(topic, [{ partition: 0, fromOffset: '1', maxRecords: 2 }]);
      expect(range.map((r) => [r.offset, r.value.toString()])).toEqual([
        ['1', 'b'],
        ['2', 'c'],
      ]);
    });
  });
}
