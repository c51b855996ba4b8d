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
