import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { readModelStoreContract } from '@touchpoint/testing';

readModelStoreContract('embedded', () => Promise.resolve(new EmbeddedReadModelStore()));
