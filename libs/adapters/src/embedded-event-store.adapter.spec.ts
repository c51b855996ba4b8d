import { EmbeddedEventStore } from '@touchpoint/adapters';
import { eventStoreContract } from '@touchpoint/testing';

eventStoreContract('embedded', () => Promise.resolve(new EmbeddedEventStore()));
