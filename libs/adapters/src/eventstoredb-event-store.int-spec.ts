import { EventStoreDbEventStore } from '@touchpoint/adapters';
import { NO_EVENTSTORE, eventStoreContract, legDidNotRun, realEngines } from '@touchpoint/testing';

const url = realEngines().eventStoreUrl;

if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, async () => {
    const store = new EventStoreDbEventStore(url, 15000);
    await store.connect();
    return store;
  });
} else {
  legDidNotRun('EventStore contract: EventStoreDB', NO_EVENTSTORE);
}
