import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { realEngines, uniqueName } from '@touchpoint/testing';

/** The real path in its rawest form: the drivers themselves against the engines found. */
describe('real engines smoke test', () => {
  it('given the broker, when a message is produced to a fresh topic, then a consumer reads it back', async () => {
    const kafka = new Kafka({
      clientId: 'smoke',
      brokers: realEngines().kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = uniqueName('smoke');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'c-1', value: 'hello' }] });
    const consumer = kafka.consumer({ groupId: uniqueName('smoke-g') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) =>
          Promise.resolve(resolve(`${message.key?.toString()}=${message.value?.toString()}`)),
      });
    });
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    expect(received).toBe('c-1=hello');
  });

  it('given the MongoDB-compatible server, when a document is written, then it is read back', async () => {
    const client = new MongoClient(realEngines().mongoUrl, { serverSelectionTimeoutMS: 10000 });
    await client.connect();
    const db = client.db(uniqueName('smoke').replace(/-/g, '_'));
    await db.collection('docs').insertOne({ _id: 'c-1' as never, name: 'Mei' });
    const doc = await db.collection('docs').findOne({ _id: 'c-1' as never });
    await db.dropDatabase();
    await client.close();
    expect(doc).toEqual({ _id: 'c-1', name: 'Mei' });
  });
});
