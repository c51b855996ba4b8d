import { storeFaultScenario } from './support/store-fault';

describe('fault 1: the read-model store stops and starts again on the same data', () => {
  it('given a workload through ingest and straight to Kafka, when FerretDB is stopped and restarted, then the projector pauses without committing, /health and the query API say the store is down (503, Retry-After), and the models equal the oracle of every acknowledged event', async () => {
    await storeFaultScenario('stop');
  }, 600_000);
});
