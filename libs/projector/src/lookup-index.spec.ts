import fc from 'fast-check';
import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { EXAMPLE_EVENTS, type RecordedEvent } from '@touchpoint/contracts';
import { type Projection, customerKey } from '@touchpoint/projections';
import { ProjectionRunner, backfillLookups } from '@touchpoint/projector';
import { findByLookup, lookupCollectionName, lookupId } from '@touchpoint/read-models';

/** A small model whose searched value changes: each purchase sets the customer's address. */
interface Contact {
  readonly email: string;
}
const contactProjection: Projection<Contact, Contact, null> = {
  model: 'contact',
  defaultPolicy: null,
  keys: (e) => (e.type === 'purchase.completed' && e.customerId ? [customerKey(e.customerId)] : []),
  initial: () => ({ email: '' }),
  evolve: (_state, { event }) =>
    event.type === 'purchase.completed' ? { email: `e${event.payload.total}@x.test` } : _state,
  view: (s) => s,
};
const searchFields = (s: Contact) => ({ emails: s.email ? [s.email] : [] });

function purchase(customerId: string, n: number, emailNo: number): RecordedEvent {
  const base = EXAMPLE_EVENTS['purchase.completed'];
  return {
    ...base,
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    customerId,
    receivedAt: '2026-01-01T00:00:00.000Z',
    source: 'test',
    correlationId: 'c',
    payload: { ...base.payload, total: emailNo },
  };
}

const EMAILS = [0, 1, 2, 3].map((n) => `e${n}@x.test`);
const changes = fc.array(
  fc.record({ customer: fc.constantFrom('a', 'b', 'c'), email: fc.integer({ min: 0, max: 3 }) }),
  { minLength: 1, maxLength: 30 },
);

async function byScan(store: EmbeddedReadModelStore, collection: string, email: string) {
  return (await store.findBy(collection, 'search.emails', email)).map((d) => JSON.stringify(d));
}
async function byLookup(store: EmbeddedReadModelStore, collection: string, email: string) {
  return (await findByLookup(store, collection, 'emails', email, 100)).map((d) =>
    JSON.stringify(d),
  );
}

/** A fresh collection with its lookup, prepared as the projector prepares it, and its runner. */
async function preparedContacts() {
  const store = new EmbeddedReadModelStore();
  await backfillLookups(store, 'contact_v1', ['emails']);
  const runner = new ProjectionRunner(contactProjection, store, 'contact_v1', null, searchFields, [
    'emails',
  ]);
  return { store, runner };
}

describe('exact lookups through <collection>_lookup', () => {
  it('given customers whose addresses change (and are shared), when folded in any chunking, then every lookup finds exactly what a scan of the field finds and lists no document that left the value', async () => {
    await fc.assert(
      fc.asyncProperty(changes, fc.integer({ min: 1, max: 7 }), async (steps, chunk) => {
        // Given a fresh collection, prepared as the projector prepares it
        const { store, runner } = await preparedContacts();
        // When the events are folded
        const events = steps.map((s, i) => ({
          event: purchase(s.customer, i, s.email),
          position: { partition: 0, offset: String(i) },
        }));
        await runner.apply(events, { chunkEvents: chunk });
        // Then the lookup answers as the scan does, in the same order
        for (const email of EMAILS) {
          expect(await byLookup(store, 'contact_v1', email)).toEqual(
            await byScan(store, 'contact_v1', email),
          );
          // and lists no document that has left the address (nothing lingers after a change)
          const entry = await store.get<{ keys: string[] }>(
            lookupCollectionName('contact_v1'),
            lookupId('emails', email),
          );
          const holders = await store.findBy<{ search: { emails: string[] } }>(
            'contact_v1',
            'search.emails',
            email,
          );
          expect(entry?.keys ?? []).toHaveLength(holders.length);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('given a collection written before lookups existed, when read before and after the backfill, then both answer as the scan does and the backfill leaves a complete lookup', async () => {
    // Given documents written without lookups
    const store = new EmbeddedReadModelStore();
    const before = new ProjectionRunner(contactProjection, store, 'contact_v1', null, searchFields);
    await before.apply(
      [purchase('a', 1, 1), purchase('b', 2, 1), purchase('c', 3, 2)].map((event, i) => ({
        event,
        position: { partition: 0, offset: String(i) },
      })),
    );
    // When read with no lookup yet, then the field is scanned
    expect(await store.count(lookupCollectionName('contact_v1'))).toBe(0);
    expect(await byLookup(store, 'contact_v1', 'e1@x.test')).toEqual(
      await byScan(store, 'contact_v1', 'e1@x.test'),
    );
    // When backfilled, then the lookup holds the values and answers alone
    await backfillLookups(store, 'contact_v1', ['emails']);
    expect(await store.count(lookupCollectionName('contact_v1'))).toBe(3);
    for (const email of EMAILS) {
      expect(await byLookup(store, 'contact_v1', email)).toEqual(
        await byScan(store, 'contact_v1', email),
      );
    }
    expect((await byLookup(store, 'contact_v1', 'e1@x.test')).length).toBe(2);
  });

  it('given documents whose searched values do not change, when folded again, then the lookup is neither read nor written (and still answers as the scan does)', async () => {
    // Given three customers folded once, with their addresses in the lookup
    const { store, runner } = await preparedContacts();
    const at = (events: RecordedEvent[], from: number) =>
      events.map((event, i) => ({ event, position: { partition: 0, offset: String(from + i) } }));
    await runner.apply(at([purchase('a', 1, 1), purchase('b', 2, 1), purchase('c', 3, 2)], 0));
    const lookup = lookupCollectionName('contact_v1');
    const touched: string[] = [];
    const getMany = store.getMany.bind(store);
    const writeVersioned = store.writeVersioned.bind(store);
    jest.spyOn(store, 'getMany').mockImplementation((collection, ids) => {
      if (collection === lookup) touched.push('read');
      return getMany(collection, ids);
    });
    jest.spyOn(store, 'writeVersioned').mockImplementation((collection, docs) => {
      if (collection === lookup) touched.push('write');
      return writeVersioned(collection, docs);
    });

    // When new events leave every address as it was
    await runner.apply(at([purchase('a', 4, 1), purchase('c', 5, 2)], 3));

    // Then no lookup round trip was made, and the lookup still answers as the scan does
    expect(touched).toEqual([]);
    for (const email of EMAILS) {
      expect(await byLookup(store, 'contact_v1', email)).toEqual(
        await byScan(store, 'contact_v1', email),
      );
    }

    // And a changed address still reaches the lookup
    await runner.apply(at([purchase('b', 6, 3)], 5));
    expect(touched).toContain('write');
    expect(await byLookup(store, 'contact_v1', 'e3@x.test')).toEqual(
      await byScan(store, 'contact_v1', 'e3@x.test'),
    );
  });
});
