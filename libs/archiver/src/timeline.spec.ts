import fc from 'fast-check';
import { EmbeddedEventStore } from '@touchpoint/adapters';
import { recordedExample } from '@touchpoint/testing';
import { toStreamEvent } from './archive-record';
import { customerStream } from './stream-names';
import { nextTimelineCursor, parseTimelineCursor, readCustomerTimeline } from './timeline';

async function customerWith(n: number, store = new EmbeddedEventStore(), customerId = 'c-1') {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = recordedExample('call.logged', { customerId });
    ids.push(e.eventId);
    await store.append(
      customerStream(customerId),
      [toStreamEvent(e, { topic: 't', partition: 0, offset: String(i) })],
      i === 0 ? 'no_stream' : i - 1,
    );
  }
  return { store, ids };
}

describe('timeline cursor', () => {
  it('given a cursor from a page, then it parses back to the revision', () => {
    expect(parseTimelineCursor(undefined)).toBeUndefined();
    expect(parseTimelineCursor('0')).toBe(0);
    expect(parseTimelineCursor('1234')).toBe(1234);
  });

  it.each(['', '-1', '01', '1.5', 'abc', '99999999999999999'])(
    'given the cursor %p, then it is refused as invalid_cursor',
    (bad) => {
      let error: unknown;
      try {
        parseTimelineCursor(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'invalid_cursor', category: 'validation' });
    },
  );

  it('given a short page or one ending at revision 0, then there is no next page', () => {
    expect(nextTimelineCursor(undefined, 0, 10)).toBeNull();
    expect(nextTimelineCursor(5, 3, 10)).toBeNull();
    expect(nextTimelineCursor(0, 10, 10)).toBeNull();
    expect(nextTimelineCursor(5, 10, 10)).toBe('5');
  });
});

describe('readCustomerTimeline', () => {
  it('given 7 events, when paged by 3, then pages run newest first with no gap or repeat', async () => {
    const { store, ids } = await customerWith(7);
    const p1 = await readCustomerTimeline(store, 'c-1', { limit: 3 });
    const p2 = await readCustomerTimeline(store, 'c-1', { limit: 3, before: p1.next! });
    const p3 = await readCustomerTimeline(store, 'c-1', { limit: 3, before: p2.next! });
    expect(p1.items.map((i) => i.revision)).toEqual([6, 5, 4]);
    expect(p2.items.map((i) => i.revision)).toEqual([3, 2, 1]);
    expect(p3.items.map((i) => i.event.eventId)).toEqual([ids[0]]);
    expect(p3.next).toBeNull();
    expect(p1.items[0]!.kafka).toEqual({ topic: 't', partition: 0, offset: '6' });
  });

  it('given an unknown customer, then the timeline is empty', async () => {
    expect(await readCustomerTimeline(new EmbeddedEventStore(), 'nobody', { limit: 5 })).toEqual({
      items: [],
      next: null,
    });
  });

  it.each([0, 201, 1.5])('given limit %p, then it is refused', async (limit) => {
    await expect(
      readCustomerTimeline(new EmbeddedEventStore(), 'c-1', { limit }),
    ).rejects.toMatchObject({ code: 'invalid_limit' });
  });

  it('property: whatever the page size and events arriving between pages, paging back yields the stream reversed exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 5 }),
        async (n, limit, arriving) => {
          const { store, ids } = await customerWith(n);
          const seen: string[] = [];
          let page = await readCustomerTimeline(store, 'c-1', { limit });
          seen.push(...page.items.map((i) => i.event.eventId));
          // New events land at the head while the agent pages back; older pages must not shift.
          for (let i = 0; i < arriving; i++) {
            const e = recordedExample('call.logged', { customerId: 'c-1' });
            await store.append(
              customerStream('c-1'),
              [toStreamEvent(e, { topic: 't', partition: 0, offset: String(n + i) })],
              'any',
            );
          }
          while (page.next !== null) {
            page = await readCustomerTimeline(store, 'c-1', { limit, before: page.next });
            seen.push(...page.items.map((i) => i.event.eventId));
          }
          expect(seen).toEqual([...ids].reverse());
        },
      ),
      { numRuns: 60 },
    );
  });
});
