import { KafkaEventLog } from './kafka-event-log.adapter';

/** The admin calls ensureTopics makes, scripted: no broker is involved. */
function scriptedAdmin(createError: Error, leadersAfter: number) {
  let metadataCalls = 0;
  return {
    calls: () => metadataCalls,
    admin: {
      listTopics: () => Promise.resolve([]),
      createTopics: () => Promise.reject(createError),
      fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
        metadataCalls += 1;
        const leader = metadataCalls > leadersAfter ? 1 : -1;
        return Promise.resolve({
          topics: topics.map((name) => ({
            name,
            partitions: [0, 1, 2].map((partitionId) => ({ partitionId, leader, replicas: [1] })),
          })),
        });
      },
    },
  };
}

function logWith(admin: unknown): KafkaEventLog {
  const log = new KafkaEventLog({
    brokers: ['127.0.0.1:9'],
    clientId: 'spec',
    connectTimeoutMs: 1000,
  });
  Object.assign(log, { admin });
  return log;
}

const SPEC = [{ name: 'tp.spec.events', partitions: 3, replicationFactor: 1 }];

describe('KafkaEventLog.ensureTopics when kafkajs gives up waiting for new leaders', () => {
  it('Given createTopics fails with "does not host this topic-partition" (retriable), When topics are ensured, Then it waits for the leaders itself and succeeds', async () => {
    // The fields of the error kafkajs throws (KafkaJSProtocolError) that the adapter reads.
    const unknown = Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      retriable: true,
    });
    const scripted = scriptedAdmin(unknown, 2);

    await expect(logWith(scripted.admin).ensureTopics(SPEC)).resolves.toBeUndefined();

    expect(scripted.calls()).toBe(3);
  });

  it('Given createTopics fails with a non-retriable error, When topics are ensured, Then that error is thrown as it was', async () => {
    const denied = Object.assign(new Error('Not authorized to access topics'), {
      type: 'TOPIC_AUTHORIZATION_FAILED',
      retriable: false,
    });
    const scripted = scriptedAdmin(denied, 0);

    await expect(logWith(scripted.admin).ensureTopics(SPEC)).rejects.toBe(denied);

    expect(scripted.calls()).toBe(0);
  });
});

/** A kafkajs producer whose sends are settled by the test, one promise per send. */
class ScriptedProducer {
  readonly sends: {
    messages: number;
    resolve: (m: { partition: number; baseOffset: string }[]) => void;
    reject: (e: Error) => void;
  }[] = [];
  connected = 0;
  disconnected = 0;
  connect(): Promise<void> {
    this.connected += 1;
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.disconnected += 1;
    return Promise.resolve();
  }
  send({ messages }: { messages: unknown[] }) {
    return new Promise<{ partition: number; baseOffset: string }[]>((resolve, reject) => {
      this.sends.push({ messages: messages.length, resolve, reject });
    });
  }
}

function logWithProducers(appendTimeoutMs: number) {
  const producers: ScriptedProducer[] = [];
  const log = new KafkaEventLog({
    brokers: ['127.0.0.1:9'],
    clientId: 'spec',
    connectTimeoutMs: 1000,
    appendTimeoutMs,
  });
  const admin = {
    fetchTopicMetadata: () =>
      Promise.resolve({ topics: [{ name: 't', partitions: [{ partitionId: 0 }] }] }),
  };
  const first = new ScriptedProducer();
  producers.push(first);
  Object.assign(log, {
    admin,
    producer: first,
    newProducer: () => {
      const p = new ScriptedProducer();
      producers.push(p);
      return p;
    },
  });
  return { log, producers };
}

const message = (key: string) => ({ key, value: Buffer.from(key) });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KafkaEventLog appends when Kafka does not answer', () => {
  it('Given a send that timed out for its caller and is still running, When another append comes, Then it is not sent until the first settles', async () => {
    const { log, producers } = logWithProducers(50);
    const first = log.append('t', [message('a')]);
    await expect(first).rejects.toMatchObject({ code: 'log_unavailable' });

    const second = log.append('t', [message('b')]);
    await tick();
    expect(producers[0]!.sends).toHaveLength(1);

    producers[0]!.sends[0]!.resolve([{ partition: 0, baseOffset: '7' }]);
    await tick();
    expect(producers[0]!.sends).toHaveLength(2);
    producers[0]!.sends[1]!.resolve([{ partition: 0, baseOffset: '8' }]);
    await expect(second).resolves.toEqual([{ topic: 't', partition: 0, offset: '8' }]);
    // The abandoned send succeeded in the end: its sequence numbers are in step, no new producer.
    expect(producers).toHaveLength(1);
  });

  it('Given a send that failed in kafkajs, When the next append comes, Then it goes out on a new producer (a new producer id, so no sequence number can collide) and the old one is disconnected', async () => {
    const { log, producers } = logWithProducers(1000);
    const first = log.append('t', [message('a')]);
    await tick();
    producers[0]!.sends[0]!.reject(new Error('Request Produce(key: 0, version: 7) timed out'));
    await expect(first).rejects.toMatchObject({ code: 'log_unavailable' });

    const second = log.append('t', [message('b')]);
    await tick();
    expect(producers).toHaveLength(2);
    expect(producers[0]!.sends).toHaveLength(1);
    expect(producers[0]!.disconnected).toBe(1);
    expect(producers[1]!.connected).toBe(1);
    producers[1]!.sends[0]!.resolve([{ partition: 0, baseOffset: '3' }]);
    await expect(second).resolves.toEqual([{ topic: 't', partition: 0, offset: '3' }]);

    const third = log.append('t', [message('c')]);
    await tick();
    producers[1]!.sends[1]!.resolve([{ partition: 0, baseOffset: '4' }]);
    await expect(third).resolves.toEqual([{ topic: 't', partition: 0, offset: '4' }]);
    expect(producers).toHaveLength(2);
  });

  it('Given a timed-out send that later fails in kafkajs, When the next append comes, Then it waits for the failure and sends on a new producer', async () => {
    const { log, producers } = logWithProducers(50);
    await expect(log.append('t', [message('a')])).rejects.toMatchObject({
      code: 'log_unavailable',
    });
    const second = log.append('t', [message('b')]);
    await tick();
    producers[0]!.sends[0]!.reject(new Error('Request Produce timed out'));
    await tick();
    expect(producers).toHaveLength(2);
    producers[1]!.sends[0]!.resolve([{ partition: 0, baseOffset: '9' }]);
    await expect(second).resolves.toEqual([{ topic: 't', partition: 0, offset: '9' }]);
  });
});
