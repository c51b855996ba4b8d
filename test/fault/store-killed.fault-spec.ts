import { storeFaultScenario } from './support/store-fault';

describe('fault 2: the read-model store is killed (SIGKILL) while the projector writes', () => {
  it('given a workload through ingest and straight to Kafka, when FerretDB is SIGKILLed mid-write and restarted, then nothing acknowledged is lost or counted twice and the apps answer 503 meanwhile, never hang', async () => {
    await storeFaultScenario('kill');
  }, 600_000);
});
