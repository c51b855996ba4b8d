import type { ReadModelStore } from '@touchpoint/ports';
import { uniqueName } from './helpers';

/** Behaviour shared by the embedded store and MongoDB (FerretDB here); own collection per test. */
export function readModelStoreContract(name: string, make: () => Promise<ReadModelStore>): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    let store: ReadModelStore;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store.close();
    });

    it('given versioned writes, when an older or equal version arrives, then it is reported stale and ignored', async () => {
      const c = uniqueName('docs');
      expect(await store.writeVersioned(c, [{ id: 'a', doc: { n: 1 }, version: 5 }])).toEqual({
        applied: 1,
        stale: 0,
        staleIds: [],
      });
      const outcome = await store.writeVersioned(c, [
        { id: 'a', doc: { n: 0 }, version: 4 },
        { id: 'a', doc: { n: 9 }, version: 5 },
        { id: 'b', doc: { n: 2 }, version: 1 },
      ]);
      expect(outcome.applied).toBe(1);
      expect(outcome.stale).toBe(2);
      expect(outcome.staleIds).toEqual(['a']);
      expect(await store.get(c, 'a')).toEqual({ n: 1 });
      await store.writeVersioned(c, [{ id: 'a', doc: { n: 7 }, version: 6 }]);
      expect(await store.get(c, 'a')).toEqual({ n: 7 });
      expect(await store.versions(c, ['a', 'b', 'zz'])).toEqual(
        new Map([
          ['a', 6],
          ['b', 1],
        ]),
      );
      await store.dropCollection(c);
    });

    it('given two writers creating the same new documents at once, when both land, then each document holds the higher version and nothing is lost', async () => {
      const c = uniqueName('docs');
      const ids = Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      const [low, high] = await Promise.all([
        store.writeVersioned(
          c,
          ids.map((id) => ({ id, doc: { by: 'low' }, version: 1 })),
        ),
        store.writeVersioned(
          c,
          ids.map((id) => ({ id, doc: { by: 'high' }, version: 2 })),
        ),
      ]);
      expect(high.applied).toBe(ids.length);
      expect(low.applied + low.stale).toBe(ids.length);
      const stored = await store.getMany<{ by: string }>(c, ids);
      expect([...stored.values()].map((d) => d.by)).toEqual(ids.map(() => 'high'));
      expect(await store.versions(c, ids)).toEqual(new Map(ids.map((id) => [id, 2])));
      await store.dropCollection(c);
    });

    it('given documents, when read by ids and by field, then results match including array fields', async () => {
      const c = uniqueName('docs');
      await store.ensureIndexes(c, [{ fields: ['emails'] }]);
      await store.writeVersioned(c, [
        {
          id: 'c-2',
          doc: { emails: ['x@example.com', 'y@example.com'], tier: 'loyal' },
          version: 1,
        },
        { id: 'c-1', doc: { emails: ['y@example.com'], tier: 'loyal' }, version: 1 },
        { id: 'c-3', doc: { emails: [], tier: 'occasional' }, version: 1 },
      ]);
      const many = await store.getMany(c, ['c-1', 'c-3', 'missing']);
      expect([...many.keys()].sort()).toEqual(['c-1', 'c-3']);
      const byEmail = await store.findBy<{ tier: string }>(c, 'emails', 'y@example.com');
      expect(byEmail).toHaveLength(2);
      expect(await store.findBy(c, 'tier', 'loyal', { limit: 1, skip: 1 })).toEqual([
        { emails: ['x@example.com', 'y@example.com'], tier: 'loyal' },
      ]);
      expect(await store.count(c)).toBe(3);
      const first = await store.page(c, { limit: 2 });
      expect(first.map((p) => p.id)).toEqual(['c-1', 'c-2']);
      const rest = await store.page(c, { afterId: 'c-2', limit: 2 });
      expect(rest.map((p) => p.id)).toEqual(['c-3']);
      expect(rest[0]!.doc).toEqual({ emails: [], tier: 'occasional' });
      await store.dropCollection(c);
      expect(await store.count(c)).toBe(0);
      await expect(store.dropCollection(c)).resolves.toBeUndefined();
    });

    it('given names in array fields, when searched by prefix, then every document with an element starting with it comes back in id order, paged', async () => {
      const c = uniqueName('docs');
      await store.ensureIndexes(c, [{ fields: ['search.names'] }]);
      await store.writeVersioned(c, [
        { id: 'c-3', doc: { search: { names: ['lin', 'mei', 'mei lin'] } }, version: 1 },
        { id: 'c-1', doc: { search: { names: ['meier', 'hans'] } }, version: 1 },
        { id: 'c-2', doc: { search: { names: ['amei', 'wang'] } }, version: 1 },
        { id: 'c-4', doc: { search: { names: ['m.e.i'] } }, version: 1 },
        { id: 'c-5', doc: { search: { names: 'mei' } }, version: 1 },
      ]);
      const all = await store.findByPrefix(c, 'search.names', 'mei', { limit: 10 });
      expect(all.map((r) => r.id)).toEqual(['c-1', 'c-3', 'c-5']);
      expect(all[0]!.doc).toEqual({ search: { names: ['meier', 'hans'] } });
      const page2 = await store.findByPrefix(c, 'search.names', 'mei', {
        afterId: 'c-1',
        limit: 1,
      });
      expect(page2.map((r) => r.id)).toEqual(['c-3']);
      // Regex metacharacters in the prefix are literal.
      expect(
        (await store.findByPrefix(c, 'search.names', 'm.', { limit: 10 })).map((r) => r.id),
      ).toEqual(['c-4']);
      expect(await store.findByPrefix(c, 'search.names', 'Mei', { limit: 10 })).toEqual([]);
    });

    it('given a returned document, when the caller mutates it, then the stored one is unchanged', async () => {
      const c = uniqueName('docs');
      await store.writeVersioned(c, [{ id: 'a', doc: { list: [1] }, version: 1 }]);
      const doc = await store.get<{ list: number[] }>(c, 'a');
      doc!.list.push(2);
      expect(await store.get(c, 'a')).toEqual({ list: [1] });
      await store.dropCollection(c);
    });
  });
}
