import { MongoReadModelStore } from '@touchpoint/adapters';
import { realEngines, uniqueName, readModelStoreContract } from '@touchpoint/testing';

readModelStoreContract('MongoDB wire protocol (FerretDB or MongoDB)', async () => {
  const store = new MongoReadModelStore(
    realEngines().mongoUrl,
    uniqueName('contract').replace(/-/g, '_'),
    10000,
  );
  await store.connect();
  return store;
});
