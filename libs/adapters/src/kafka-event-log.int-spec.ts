import { KafkaEventLog } from '@touchpoint/adapters';
import { realEngines, eventLogContract } from '@touchpoint/testing';

eventLogContract('Kafka', async () => {
  const log = new KafkaEventLog({
    brokers: realEngines().kafkaBrokers.split(','),
    clientId: 'touchpoint-contract',
    connectTimeoutMs: 15000,
  });
  await log.connect();
  return log;
});
