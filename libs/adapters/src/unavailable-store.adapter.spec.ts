import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { AppError } from '@touchpoint/core';
import { EmbeddedReadModelStore } from './embedded-read-model.adapter';
import {
  STORE_RETRY_AFTER_SECONDS,
  UnavailableAwareStore,
  isStoreUnreachable,
  storeUnavailable,
} from './unavailable-store.adapter';

const selection = () =>
  new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', {
    type: 'Single',
    servers: new Map(),
    stale: false,
    compatible: true,
    heartbeatFrequencyMS: 10000,
    localThresholdMS: 15,
  } as never);

describe('the store unreachable becomes store_unavailable', () => {
  it('given driver errors of reachability, then each is recognised', () => {
    expect(isStoreUnreachable(selection())).toBe(true);
    expect(isStoreUnreachable(new MongoNetworkError('connection 3 to 127.0.0.1:1 closed'))).toBe(
      true,
    );
    expect(isStoreUnreachable(new MongoTopologyClosedError())).toBe(true);
    // What a bulk write cut by a closed connection throws: no server answer, no code.
    expect(
      isStoreUnreachable(
        new MongoBulkWriteError(new MongoNetworkError('connection 1 closed'), {} as never),
      ),
    ).toBe(true);
  });

  it('given a refusal by the server (a duplicate key, a document too large), then it is left alone', () => {
    const refusal = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect(isStoreUnreachable(refusal)).toBe(false);
    expect(storeUnavailable(refusal)).toBe(refusal);
    expect(isStoreUnreachable(new Error('a bug'))).toBe(false);
  });

  it('given an unreachable store, then the error has a code, the unavailable category and a Retry-After', () => {
    const e = storeUnavailable(selection());
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({
      code: 'store_unavailable',
      category: 'unavailable',
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  });

  it('given a wrapped store whose call fails, then the caller sees the mapped error; results pass through', async () => {
    const inner = new EmbeddedReadModelStore();
    await inner.connect();
    await inner.writeVersioned('c', [{ id: 'a', doc: { n: 1 }, version: 1 }]);
    const store = new UnavailableAwareStore(inner);
    expect(store.kind).toBe('embedded');
    expect(await store.count('c')).toBe(1);
    jest.spyOn(inner, 'get').mockRejectedValueOnce(selection());
    await expect(store.get('c', 'a')).rejects.toMatchObject({ code: 'store_unavailable' });
    const scanned: string[] = [];
    for await (const { id } of store.scan('c')) scanned.push(id);
    expect(scanned).toEqual(['a']);
  });

  it('given the store found unreachable, when it still does not answer, then later calls fail within the probe bound without running; once it answers they run again', async () => {
    const inner = new EmbeddedReadModelStore();
    await inner.connect();
    const store = new UnavailableAwareStore(inner, 50);
    jest.spyOn(inner, 'count').mockRejectedValueOnce(selection());
    await expect(store.count('c')).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.unreachableSince).toBeDefined();

    // A ping that never answers, as a stopped server behind the driver's 10 s wait.
    const ping = jest.spyOn(inner, 'ping').mockReturnValue(new Promise<void>(() => undefined));
    const get = jest.spyOn(inner, 'get');
    const started = Date.now();
    const answers = await Promise.allSettled([store.get('c', 'a'), store.get('c', 'b')]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect(get).not.toHaveBeenCalled();
    expect(ping).toHaveBeenCalledTimes(1);

    ping.mockResolvedValue(undefined);
    expect(await store.get('c', 'a')).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(1);
    expect(store.unreachableSince).toBeUndefined();
  });

  it('given a call the store does not answer, when a ping goes unanswered too, then the call is answered store_unavailable within two probe bounds; a slow call of a store that answers pings is awaited', async () => {
    const inner = new EmbeddedReadModelStore();
    await inner.connect();
    const store = new UnavailableAwareStore(inner, 50);
    const never = new Promise<never>(() => undefined);
    jest.spyOn(inner, 'count').mockReturnValueOnce(never);
    const ping = jest.spyOn(inner, 'ping').mockReturnValue(never);
    const started = Date.now();
    await expect(store.count('c')).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.unreachableSince).toBeDefined();

    ping.mockResolvedValue(undefined);
    jest
      .spyOn(inner, 'count')
      .mockImplementationOnce(() => new Promise((r) => setTimeout(() => r(7), 200)));
    expect(await store.count('c')).toBe(7);
    expect(store.unreachableSince).toBeUndefined();
  });

  it('given a write the store does not answer, then it is awaited (never left behind to land after a failure was reported); once the store is known missing, the next write fails fast without starting', async () => {
    const inner = new EmbeddedReadModelStore();
    await inner.connect();
    const store = new UnavailableAwareStore(inner, 20);
    const never = new Promise<void>(() => undefined);
    jest.spyOn(inner, 'ping').mockReturnValue(never);
    const write = jest
      .spyOn(inner, 'writeVersioned')
      .mockImplementationOnce(
        () => new Promise((r) => setTimeout(() => r({ applied: 1, stale: 0, staleIds: [] }), 150)),
      );
    expect(await store.writeVersioned('c', [{ id: 'a', doc: {}, version: 1 }])).toMatchObject({
      applied: 1,
    });
    jest.spyOn(inner, 'get').mockRejectedValueOnce(selection());
    await expect(store.get('c', 'a')).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(
      store.writeVersioned('c', [{ id: 'a', doc: {}, version: 2 }]),
    ).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(write).toHaveBeenCalledTimes(1);
  });
  it('given a ping the probe gave up on, when its answer comes later, then the store is taken as back at once (no call keeps failing fast while the store answers)', async () => {
    const inner = new EmbeddedReadModelStore();
    await inner.connect();
    const store = new UnavailableAwareStore(inner, 20);
    jest.spyOn(inner, 'count').mockRejectedValueOnce(selection());
    await expect(store.count('c')).rejects.toMatchObject({ code: 'store_unavailable' });
    let answer: () => void = () => undefined;
    jest
      .spyOn(inner, 'ping')
      .mockReturnValueOnce(new Promise<void>((resolve) => (answer = resolve)));
    await expect(store.count('c')).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.unreachableSince).toBeDefined();

    answer();
    await new Promise((r) => setTimeout(r, 0));

    expect(store.unreachableSince).toBeUndefined();
    expect(await store.count('c')).toBe(0);
  });
});
