import { EventStoreDbEventStore } from '@touchpoint/adapters';
import { realEngines, eventStoreContract } from '@touchpoint/testing';

const url = realEngines().eventStoreUrl;

if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, async () => {
    const store = new EventStoreDbEventStore(url, 15000);
    await store.connect();
    return store;
  });
} else {
  // No server can be installed on machines without a container engine. Say so in the run's
  // output and count it as skipped, never as passed.
  describe('EventStore contract: EventStoreDB', () => {
    it.skip('did not run: no EventStoreDB/KurrentDB reachable (set EVENTSTORE_URL or run with a container engine)', () =>
      undefined);
  });
}
