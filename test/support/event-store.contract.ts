import { randomUUID } from 'node:crypto';
import type { EventStore } from '@touchpoint/ports';
import { uniqueName } from './helpers';

/** Shared by the embedded event store and EventStoreDB/KurrentDB (when one is reachable). */
export function eventStoreContract(name: string, make: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store.close();
    });

    const ev = (n: number) => ({ id: randomUUID(), type: 'test.happened', data: { n } });

    it('given appends with expected revisions, when read both ways with paging, then order holds', async () => {
      const stream = uniqueName('customer');
      const events = Array.from({ length: 5 }, (_, i) => ev(i));
      await store.append(stream, events.slice(0, 2), 'no_stream');
      await store.append(stream, events.slice(2), 1);
      const forwards = await store.read(stream, { direction: 'forwards', maxCount: 3 });
      expect(forwards.map((e) => e.data.n)).toEqual([0, 1, 2]);
      const page2 = await store.read(stream, {
        direction: 'forwards',
        fromRevision: 3,
        maxCount: 3,
      });
      expect(page2.map((e) => e.revision)).toEqual([3, 4]);
      const backwards = await store.read(stream, { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((e) => e.data.n)).toEqual([4, 3]);
      const back2 = await store.read(stream, {
        direction: 'backwards',
        fromRevision: 2,
        maxCount: 5,
      });
      expect(back2.map((e) => e.data.n)).toEqual([2, 1, 0]);
      expect(
        await store.read(uniqueName('absent'), { direction: 'forwards', maxCount: 5 }),
      ).toEqual([]);
    });

    it('given two concurrent appends at one revision, then exactly one succeeds', async () => {
      const stream = uniqueName('customer');
      await store.append(stream, [ev(0)], 'no_stream');
      const results = await Promise.allSettled([
        store.append(stream, [ev(1)], 0),
        store.append(stream, [ev(2)], 0),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((rejected.reason as { code?: string }).code).toBe('wrong_expected_revision');
    });

    it('given a retried append of the same event id at the same revision, then it is stored once', async () => {
      const stream = uniqueName('customer');
      const e = ev(1);
      await store.append(stream, [e], 'no_stream');
      await store.append(stream, [e], 'no_stream');
      const all = await store.read(stream, { direction: 'forwards', maxCount: 10 });
      expect(all.map((x) => x.id)).toEqual([e.id]);
    });
  });
}
