import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import type { ReadModelStore } from '@touchpoint/ports';
import { CoalescingReadModelStore, IDS_PER_READ, READS_IN_FLIGHT } from './coalescing-store';

/** An embedded store whose getMany calls are recorded and, when `hold` is set, wait for release. */
function recordingStore() {
  const inner = new EmbeddedReadModelStore();
  const calls: string[][] = [];
  const held: (() => void)[] = [];
  let hold = false;
  let failNext: Error | undefined;
  const store = Object.assign(Object.create(inner) as ReadModelStore, {
    getMany: async (collection: string, ids: readonly string[]) => {
      calls.push([...ids]);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      if (failNext) {
        const e = failNext;
        failNext = undefined;
        throw e;
      }
      return inner.getMany(collection, ids);
    },
  });
  return {
    inner,
    store,
    calls,
    hold: (on: boolean) => {
      hold = on;
    },
    releaseAll: () => held.splice(0).forEach((r) => r()),
    failNext: (e: Error) => {
      failNext = e;
    },
  };
}

async function seed(store: ReadModelStore, ids: readonly string[]): Promise<void> {
  await store.writeVersioned(
    'c',
    ids.map((id) => ({ id, doc: { name: id }, version: 1 })),
  );
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingReadModelStore', () => {
  it('given reads of several ids issued together, when they run, then one round trip serves them and each caller gets only its own ids', async () => {
    // Given
    const r = recordingStore();
    await seed(r.inner, ['a', 'b', 'c']);
    const store = new CoalescingReadModelStore(r.store);
    // When
    const [a, many, missing] = await Promise.all([
      store.get<{ name: string }>('c', 'a'),
      store.getMany<{ name: string }>('c', ['b', 'c', 'a']),
      store.get('c', 'zz'),
    ]);
    // Then
    expect(r.calls).toHaveLength(1);
    expect(new Set(r.calls[0])).toEqual(new Set(['a', 'b', 'c', 'zz']));
    expect(a).toEqual({ name: 'a' });
    expect([...many.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(missing).toBeUndefined();
  });

  it('given READS_IN_FLIGHT round trips still running, when more reads arrive, then they wait and leave together in one round trip', async () => {
    // Given
    const r = recordingStore();
    await seed(r.inner, ['x', 'y', 'z']);
    const store = new CoalescingReadModelStore(r.store);
    r.hold(true);
    const first: Promise<unknown>[] = [];
    for (let i = 0; i < READS_IN_FLIGHT; i++) {
      first.push(store.get('c', `w${i}`));
      await flush();
    }
    expect(r.calls).toHaveLength(READS_IN_FLIGHT);
    // When
    const later = [store.get('c', 'x'), store.get('c', 'y'), store.getMany('c', ['z'])];
    await flush();
    expect(r.calls).toHaveLength(READS_IN_FLIGHT);
    r.hold(false);
    r.releaseAll();
    const [x, y, z] = await Promise.all(later);
    await Promise.all(first);
    // Then
    expect(r.calls).toHaveLength(READS_IN_FLIGHT + 1);
    expect(new Set(r.calls[READS_IN_FLIGHT])).toEqual(new Set(['x', 'y', 'z']));
    expect(x).toEqual({ name: 'x' });
    expect(y).toEqual({ name: 'y' });
    expect([...(z as Map<string, unknown>).keys()]).toEqual(['z']);
  });

  it('given more waiting ids than one round trip takes, when they are sent, then they are split and every caller is answered', async () => {
    const r = recordingStore();
    const ids = Array.from({ length: IDS_PER_READ * 2 + 3 }, (_, i) => `k${i}`);
    await seed(r.inner, ids);
    const store = new CoalescingReadModelStore(r.store);
    const docs = await Promise.all(ids.map((id) => store.get<{ name: string }>('c', id)));
    expect(docs.map((d) => d?.name)).toEqual(ids);
    expect(r.calls.every((c) => c.length <= IDS_PER_READ)).toBe(true);
    expect(r.calls.length).toBe(3);
  });

  it('given a failing round trip, when it fails, then its readers see the error and later reads work again', async () => {
    const r = recordingStore();
    await seed(r.inner, ['a']);
    const store = new CoalescingReadModelStore(r.store);
    r.failNext(new Error('store down'));
    await expect(
      Promise.all([store.get('c', 'a'), store.getMany('c', ['a', 'b'])]),
    ).rejects.toThrow('store down');
    await expect(store.get('c', 'a')).resolves.toEqual({ name: 'a' });
  });
});
