import { randomUUID } from 'node:crypto';
import type { AllPosition, EventStore, StreamEvent } from '@touchpoint/ports';
import { eventually, uniqueName } from './helpers';

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
    const codeOf = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    };

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
      expect(forwards.map((e) => e.id)).toEqual(events.slice(0, 3).map((e) => e.id));
      expect(forwards[0]?.streamId).toBe(stream);
      expect(
        await store.read(uniqueName('absent'), { direction: 'forwards', maxCount: 5 }),
      ).toEqual([]);
    });

    it('given metadata on append, when read, then it comes back unchanged', async () => {
      const stream = uniqueName('customer');
      const metadata = { kafka: { partition: 2, offset: '17' }, correlationId: 'c-1' };
      await store.append(stream, [{ ...ev(0), metadata }], 'no_stream');
      const [read] = await store.read(stream, { direction: 'forwards', maxCount: 1 });
      expect(read?.metadata).toEqual(metadata);
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
      expect(await store.read(stream, { direction: 'forwards', maxCount: 10 })).toHaveLength(2);
    });

    it('given a retried append of the same event id at the same revision, then it is stored once', async () => {
      const stream = uniqueName('customer');
      const e = ev(1);
      await store.append(stream, [e], 'no_stream');
      await store.append(stream, [e], 'no_stream');
      const all = await store.read(stream, { direction: 'forwards', maxCount: 10 });
      expect(all.map((x) => x.id)).toEqual([e.id]);
    });

    it('given a stream that moved on, when an earlier append is retried at its old revision, then it is a no-op success; anything else at a stale revision conflicts', async () => {
      const stream = uniqueName('customer');
      const [a, b, c, d] = [ev(0), ev(1), ev(2), ev(3)];
      await store.append(stream, [a], 'no_stream');
      await store.append(stream, [b, c], 0);
      expect(await store.append(stream, [a], 'no_stream')).toEqual({ nextExpectedRevision: 0 });
      expect(await store.append(stream, [b, c], 0)).toEqual({ nextExpectedRevision: 2 });
      // Only some of the ids already there, or new ids at a stale revision: refused.
      expect(await codeOf(store.append(stream, [b, d], 0))).toBe('wrong_expected_revision');
      expect(await codeOf(store.append(stream, [d], 1))).toBe('wrong_expected_revision');
      // A revision the stream has not reached yet.
      expect(await codeOf(store.append(stream, [d], 7))).toBe('wrong_expected_revision');
      expect(await codeOf(store.append(stream, [d], 'no_stream'))).toBe('wrong_expected_revision');
      const all = await store.read(stream, { direction: 'forwards', maxCount: 10 });
      expect(all.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    });

    it('given an append over the size limit, then it is refused as append_too_large and nothing is written', async () => {
      const stream = uniqueName('customer');
      const big = {
        id: randomUUID(),
        type: 'test.big',
        data: { blob: 'x'.repeat(2 * 1024 * 1024) },
      };
      expect(await codeOf(store.append(stream, [big], 'no_stream'))).toBe('append_too_large');
      expect(await store.read(stream, { direction: 'forwards', maxCount: 1 })).toEqual([]);
    });

    it('given events in several streams, when $all is read with a prefix both ways with an exclusive cursor, then pages neither skip nor repeat', async () => {
      const prefix = `${uniqueName('ctr')}-`;
      const written: string[] = [];
      for (let i = 0; i < 7; i++) {
        const e = ev(i);
        written.push(e.id);
        await store.append(`${prefix}${i % 3}`, [e], 'any');
      }
      const forwards: StreamEvent[] = [];
      let after: AllPosition | undefined;
      for (;;) {
        const page = await store.readAll({
          direction: 'forwards',
          maxCount: 3,
          after,
          streamPrefixes: [prefix],
        });
        forwards.push(...page);
        if (page.length < 3) break;
        after = page[page.length - 1]!.position;
      }
      expect(forwards.map((e) => e.id)).toEqual(written);
      const backwards = await store.readAll({
        direction: 'backwards',
        maxCount: 4,
        streamPrefixes: [prefix],
      });
      expect(backwards.map((e) => e.id)).toEqual([...written].reverse().slice(0, 4));
      const rest = await store.readAll({
        direction: 'backwards',
        maxCount: 10,
        after: backwards[3]!.position,
        streamPrefixes: [prefix],
      });
      expect(rest.map((e) => e.id)).toEqual([...written].reverse().slice(4));
    });

    it('given a catch-up subscription stopped at a checkpoint, when resumed from it, then delivery continues with no gap and no repeat, then live', async () => {
      const prefix = `${uniqueName('sub')}-`;
      const ids: string[] = [];
      const write = async (n: number) => {
        const e = ev(n);
        ids.push(e.id);
        await store.append(`${prefix}${n % 2}`, [e], 'any');
      };
      for (let n = 0; n < 3; n++) await write(n);

      const first: StreamEvent[] = [];
      const sub1 = await store.subscribeToAll({
        streamPrefixes: [prefix],
        handle: (e) => {
          first.push(e);
          return Promise.resolve();
        },
      });
      await eventually(() => first.length >= 3, { what: 'the first three events' });
      await sub1.stop();
      expect(first.map((e) => e.id)).toEqual(ids.slice(0, 3));
      const checkpoint = first[1]!.position;

      for (let n = 3; n < 5; n++) await write(n);
      const second: StreamEvent[] = [];
      const sub2 = await store.subscribeToAll({
        from: checkpoint,
        streamPrefixes: [prefix],
        handle: (e) => {
          second.push(e);
          return Promise.resolve();
        },
      });
      await eventually(() => second.length >= 3, { what: 'the events after the checkpoint' });
      await write(5);
      await eventually(() => second.length >= 4, { what: 'a live event' });
      await sub2.stop();
      expect(second.map((e) => e.id)).toEqual(ids.slice(2));
    });

    it('given a handler that throws, then the subscription ends, reports that error once and delivers nothing more', async () => {
      const prefix = `${uniqueName('drop')}-`;
      for (let n = 0; n < 3; n++) await store.append(`${prefix}s`, [ev(n)], 'any');
      const handled: number[] = [];
      const dropped: unknown[] = [];
      const boom = new Error('handler failed');
      const sub = await store.subscribeToAll({
        streamPrefixes: [prefix],
        handle: (e) => {
          handled.push(e.data.n as number);
          return handled.length === 2 ? Promise.reject(boom) : Promise.resolve();
        },
        onDropped: (e) => dropped.push(e),
      });
      await eventually(() => dropped.length > 0 || undefined, { what: 'the drop' });
      await store.append(`${prefix}s`, [ev(3)], 'any');
      await new Promise((r) => setTimeout(r, 300));
      await sub.stop();
      expect(dropped).toEqual([boom]);
      expect(handled).toEqual([0, 1]);
    });
  });
}
