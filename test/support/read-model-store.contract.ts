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

    it('given a stale write in the middle of a batch, when written, then the writes after it still land', async () => {
      const c = uniqueName('docs');
      await store.writeVersioned(c, [
        { id: 'a', doc: { n: 1 }, version: 5 },
        { id: 'c', doc: { n: 1 }, version: 2 },
      ]);
      const outcome = await store.writeVersioned(c, [
        { id: 'b', doc: { n: 2 }, version: 1 },
        { id: 'a', doc: { n: 2 }, version: 5 },
        { id: 'c', doc: { n: 2 }, version: 3 },
        { id: 'd', doc: { n: 2 }, version: 1 },
      ]);
      expect(outcome).toEqual({ applied: 3, stale: 1, staleIds: ['a'] });
      const docs = await store.getMany<{ n: number }>(c, ['a', 'b', 'c', 'd']);
      expect(Object.fromEntries([...docs].map(([id, d]) => [id, d.n]))).toEqual({
        a: 1,
        b: 2,
        c: 2,
        d: 2,
      });
      await store.dropCollection(c);
    });

    it('given two writers racing on the same documents, when both finish, then every document holds the higher version', async () => {
      const c = uniqueName('docs');
      const ids = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const writer = (version: number) =>
        store.writeVersioned(
          c,
          ids.map((id) => ({ id, doc: { by: version }, version })),
        );
      const [low, high] = await Promise.all([writer(1), writer(2)]);
      expect(high.applied).toBe(ids.length);
      expect(low.applied + low.stale).toBe(ids.length);
      const stored = await store.versions(c, ids);
      expect([...stored.values()].every((v) => v === 2)).toBe(true);
      expect(stored.size).toBe(ids.length);
      await store.dropCollection(c);
    });

    // New documents only: replacing an existing one is atomic on MongoDB, but FerretDB v1 reads
    // and then writes inside the server, so two same-version replaces can both land there.
    it('given two writers racing to create the same documents, when both finish, then each document is applied by exactly one and holds its content', async () => {
      const c = uniqueName('docs');
      const ids = Array.from({ length: 40 }, (_, i) => `k${i}`);
      const writer = (by: string) =>
        store.writeVersioned(
          c,
          ids.map((id) => ({ id, doc: { by }, version: 1 })),
        );
      const [x, y] = await Promise.all([writer('x'), writer('y')]);
      expect(x.applied + y.applied).toBe(ids.length);
      expect(new Set([...x.staleIds, ...y.staleIds]).size).toBe(ids.length);
      const docs = await store.getMany<{ by: string }>(c, ids);
      const xStale = new Set(x.staleIds);
      for (const id of ids) expect(docs.get(id)?.by).toBe(xStale.has(id) ? 'y' : 'x');
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

    it('given more documents than one cursor batch, when scanned while another writer adds documents, then every earlier document comes back exactly once with its content', async () => {
      const c = uniqueName('docs');
      const ids = Array.from({ length: 2_500 }, (_, i) => `k-${String(i).padStart(5, '0')}`);
      await store.writeVersioned(
        c,
        ids.map((id, i) => ({ id, doc: { n: i, pad: 'x'.repeat(200) }, version: 1 })),
      );
      const seen = new Map<string, unknown>();
      let duplicates = 0;
      let written = false;
      for await (const { id, doc } of store.scan<{ n: number }>(c)) {
        if (seen.has(id)) duplicates++;
        seen.set(id, doc.n);
        if (!written) {
          written = true;
          await store.writeVersioned(c, [{ id: 'late', doc: { n: -1 }, version: 1 }]);
        }
      }
      expect(duplicates).toBe(0);
      for (const [i, id] of ids.entries()) expect(seen.get(id)).toBe(i);
      expect(seen.size - (seen.has('late') ? 1 : 0)).toBe(ids.length);
      const empty = [];
      for await (const row of store.scan(uniqueName('absent'))) empty.push(row);
      expect(empty).toEqual([]);
      await store.dropCollection(c);
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
