import { KafkaEventLog } from '@touchpoint/adapters';
import { eventLogContract, eventually, realEngines, uniqueName } from '@touchpoint/testing';

eventLogContract('Kafka', async () => {
  const log = new KafkaEventLog({
    brokers: realEngines().kafkaBrokers.split(','),
    clientId: 'touchpoint-contract',
    connectTimeoutMs: 15000,
  });
  await log.connect();
  return log;
});

/**
 * A batch whose handler outlasts the session timeout (a slow store), in a group of two members.
 * Without heartbeats the broker evicts the busy member and hands its partition to the other,
 * which gets the same batch again while the first is still on it; with the batch's heartbeat
 * called while it works, the member keeps its partition and the batch is handled once.
 */
describe('Kafka consumer with a handler slower than the session timeout', () => {
  const SESSION_MS = 6000;
  let log: KafkaEventLog;
  beforeAll(async () => {
    log = new KafkaEventLog({
      brokers: realEngines().kafkaBrokers.split(','),
      clientId: 'touchpoint-slow-handler',
      connectTimeoutMs: 15000,
      sessionTimeoutMs: SESSION_MS,
    });
    await log.connect();
  });
  afterAll(async () => {
    await log.close();
  });

  async function deliveriesOfSlowFirstBatch(heartbeat: boolean): Promise<string[]> {
    const topic = uniqueName('slow-handler');
    const groupId = uniqueName('g');
    await log.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const deliveries: string[] = [];
    let firstDone = false;
    const member = (name: string) =>
      log.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (batch) => {
          deliveries.push(`${name}:${batch.records.map((r) => r.value.toString()).join('')}`);
          if (deliveries.length > 1) return;
          const until = Date.now() + SESSION_MS * 1.6;
          while (Date.now() < until) {
            await new Promise((r) => setTimeout(r, 400));
            if (heartbeat) await batch.heartbeat?.();
          }
          firstDone = true;
        },
      });
    // Each subscribe returns once its member has joined, so the group is stable with both
    // before the first record exists: the only rebalance left is the one an eviction causes.
    const subs = [await member('A'), await member('B')];
    try {
      await log.append(
        topic,
        ['a', 'b', 'c'].map((v) => ({ key: 'k', value: Buffer.from(v) })),
      );
      if (heartbeat) {
        await eventually(() => firstDone, { what: 'the slow batch', timeoutMs: 30000 });
        // Long enough for an eviction's rebalance to reach the other member.
        await new Promise((r) => setTimeout(r, 8000));
      } else {
        await eventually(() => deliveries.length >= 2, { what: 'redelivery', timeoutMs: 45000 });
      }
    } finally {
      await Promise.all(subs.map((s) => s.stop()));
    }
    return deliveries;
  }

  it('given no heartbeat during the batch, then the busy member is evicted and the batch redelivered', async () => {
    const deliveries = await deliveriesOfSlowFirstBatch(false);
    expect(deliveries.map((d) => d.slice(2)).slice(0, 2)).toEqual(['abc', 'abc']);
  }, 90000);

  it('given heartbeats during the batch, then it is handled once', async () => {
    const deliveries = await deliveriesOfSlowFirstBatch(true);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.slice(2)).toBe('abc');
  }, 90000);

  it('given a stop while a batch is in hand, then the batch finishes and is committed before the member leaves', async () => {
    const topic = uniqueName('drain');
    const groupId = uniqueName('g');
    await log.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await log.append(
      topic,
      ['a', 'b', 'c'].map((v) => ({ key: 'k', value: Buffer.from(v) })),
    );
    let started = false;
    let finished = false;
    const sub = await log.subscribe({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handleBatch: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 2000));
        finished = true;
      },
    });
    await eventually(() => started, { what: 'the batch to start' });
    await sub.stop();
    expect(finished).toBe(true);

    await log.append(topic, [{ key: 'k', value: Buffer.from('d') }]);
    const next: string[] = [];
    const again = await log.subscribe({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handleBatch: (batch) => {
        next.push(...batch.records.map((r) => r.value.toString()));
        return Promise.resolve();
      },
    });
    try {
      await eventually(() => next.includes('d'), { what: 'the record after the drained batch' });
    } finally {
      await again.stop();
    }
    expect(next).toEqual(['d']);
  }, 60000);
});
