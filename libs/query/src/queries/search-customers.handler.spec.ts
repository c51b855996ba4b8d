import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { RuntimeConfig } from '@touchpoint/config';
import { type IncomingEvent, recordEvent } from '@touchpoint/contracts';
import {
  type Customer360State,
  DEFAULT_CROSSSELL_POLICY,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  customer360Projection,
  customerKey,
} from '@touchpoint/projections';
import type { EventLog } from '@touchpoint/ports';
import {
  LOOKUP_COMPLETE,
  type LookupDoc,
  type ModelPolicies,
  type StoredProjectionDoc,
  lookupCollectionName,
  lookupId,
  stateSchemaOf,
} from '@touchpoint/read-models';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/jwt';
import { CustomerReader } from '../read/customer-reader';
import { EventTimes } from '../read/event-times';
import { ModelLag } from '../read/model-lag.service';
import { ViewCache } from '../read/view-cache';
import { SearchCustomersHandler } from './search-customers.handler';
import { type SearchCriterion, SearchCustomersQuery } from './search-customers.query';

const COLLECTION = 'customer360_v1';
const LOOKUP = lookupCollectionName(COLLECTION);
const t0 = Date.parse('2026-03-01T10:00:00Z');
const agent: Principal = { sub: 'a-1', role: 'agent', pii: true, exp: t0 / 1000 + 3600, iat: null };

describe('SearchCustomersHandler with the cache', () => {
  let n = 0;

  function event(customerId: string, input: Omit<IncomingEvent, 'eventId' | 'customerId'>) {
    const eventId = `0190c2a4-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}`;
    return {
      event: recordEvent({ ...input, eventId, customerId } as IncomingEvent, {
        receivedAt: new Date(t0),
        source: 'test',
      }),
      position: { partition: 0, offset: String(n) },
    };
  }

  /** Writes the document and its lookup entries as the projector does (keys before, after). */
  async function write(
    store: EmbeddedReadModelStore,
    state: Customer360State,
    revision: number,
    previous?: Customer360State,
  ): Promise<void> {
    const entries = (s: Customer360State) => s.searchKeys.emails.map((e) => lookupId('emails', e));
    const added = entries(state).filter((id) => !previous || !entries(previous).includes(id));
    const lookups = await store.getMany<LookupDoc>(LOOKUP, added);
    await store.writeVersioned(
      LOOKUP,
      added.map((id) => {
        const old = lookups.get(id);
        const doc: LookupDoc = {
          keys: [...(old?.keys ?? []), state.key],
          revision: (old?.revision ?? 0) + 1,
        };
        return { id, doc, version: doc.revision };
      }),
    );
    const doc: StoredProjectionDoc = {
      state: JSON.stringify(state),
      schema: stateSchemaOf(customer360Projection),
      watermarks: {},
      revision,
      search: { ...state.searchKeys },
    };
    await store.writeVersioned(COLLECTION, [{ id: state.key, doc, version: revision }]);
    const removed = previous ? entries(previous).filter((id) => !entries(state).includes(id)) : [];
    const stale = await store.getMany<LookupDoc>(LOOKUP, removed);
    await store.writeVersioned(
      LOOKUP,
      [...stale].map(([id, old]) => {
        const doc: LookupDoc = {
          keys: old.keys.filter((k) => k !== state.key),
          revision: old.revision + 1,
        };
        return { id, doc, version: doc.revision };
      }),
    );
  }

  /** `now` is the cache's clock (TTLs); requests are answered as of t0. */
  async function setup(now: () => number = () => t0) {
    const store = new EmbeddedReadModelStore();
    await store.connect();
    await store.writeVersioned<LookupDoc>(LOOKUP, [
      { id: LOOKUP_COMPLETE, doc: { keys: [], revision: 1 }, version: 1 },
    ]);
    const clock = () => new Date(t0);
    const log = {
      offsets: () => Promise.resolve([]),
      committedOffsets: () => Promise.resolve([]),
    } as unknown as EventLog;
    const lag = new ModelLag(log, new RuntimeConfig(), new EventTimes(), clock);
    const policies: ModelPolicies = {
      customer360: DEFAULT_CUSTOMER360_POLICY,
      loyalty: DEFAULT_LOYALTY_POLICY,
      crosssell: DEFAULT_CROSSSELL_POLICY,
    };
    const cache = new ViewCache({
      maxBytes: 1 << 20,
      ttlMs: 30_000,
      negativeTtlMs: 1000,
      now,
    });
    const reader = new CustomerReader(store, lag, policies, clock, cache);
    const audit = new AuditService('log', store, 'audit_log', clock, () => undefined);
    const handler = new SearchCustomersHandler(store, reader, lag, audit, clock);
    const search = async (criterion: SearchCriterion) =>
      (await handler.execute(new SearchCustomersQuery(criterion, 20, undefined, agent))).data.map(
        (d) => [d.customerId, d.email],
      );
    const key = customerKey('c-1');
    const registered = customer360Projection.evolve(
      customer360Projection.initial(key),
      event('c-1', {
        type: 'customer.registered',
        schemaVersion: 1,
        channel: 'store',
        occurredAt: new Date(t0 - 86_400_000).toISOString(),
        payload: { email: 'Lan.Qiu@example.cn' },
      }),
      key,
      DEFAULT_CUSTOMER360_POLICY,
    );
    await write(store, registered, 1);
    return { store, cache, search, registered };
  }

  it('Given a search by e-mail that was answered, When it is repeated, Then it is answered without reading the store', async () => {
    const { store, search } = await setup();
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toEqual([
      ['c-1', 'Lan.Qiu@example.cn'],
    ]);
    const get = jest.spyOn(store, 'get');
    const getMany = jest.spyOn(store, 'getMany');
    expect(await search({ by: 'email', value: ' LAN.QIU@example.cn ' })).toEqual([
      ['c-1', 'Lan.Qiu@example.cn'],
    ]);
    // Only the catalog's active pointers, re-read once a second (ACTIVE_VERSION_CACHE_MS).
    expect(get.mock.calls.every(([collection]) => collection === 'touchpoint_models')).toBe(true);
    expect(getMany).not.toHaveBeenCalled();
  });

  it('Given a cached resolution, When the customer changes e-mail, Then the old e-mail resolves until the notice arrives and not after it', async () => {
    const { store, cache, search, registered } = await setup();
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toHaveLength(1);
    const changed = customer360Projection.evolve(
      registered,
      event('c-1', {
        type: 'customer.profile_updated',
        schemaVersion: 1,
        channel: 'mobile_app',
        occurredAt: new Date(t0 - 3_600_000).toISOString(),
        payload: { email: 'lan@example.org' },
      }),
      registered.key,
      DEFAULT_CUSTOMER360_POLICY,
    );
    await write(store, changed, 2, registered);
    // Written, notice not there yet: the cached mapping still answers (within the TTL).
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toEqual([
      ['c-1', 'Lan.Qiu@example.cn'],
    ]);
    cache.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-1', revision: 2 });
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toEqual([]);
    expect(await search({ by: 'email', value: 'lan@example.org' })).toEqual([
      ['c-1', 'lan@example.org'],
    ]);
  });

  it('Given a cached resolution, When a matched customer changes something else, Then only that document is read again, not the lookup', async () => {
    const { store, cache, search, registered } = await setup();
    await search({ by: 'email', value: 'lan.qiu@example.cn' });
    const renamed = customer360Projection.evolve(
      registered,
      event('c-1', {
        type: 'customer.profile_updated',
        schemaVersion: 1,
        channel: 'mobile_app',
        occurredAt: new Date(t0 - 3_600_000).toISOString(),
        payload: { name: { given: 'Lan', family: 'Qiu' } },
      }),
      registered.key,
      DEFAULT_CUSTOMER360_POLICY,
    );
    await write(store, renamed, 2, registered);
    cache.noticed({ model: 'customer360', version: 'v1', key: 'customer:c-1', revision: 2 });
    const getMany = jest.spyOn(store, 'getMany');
    const found = await search({ by: 'email', value: 'lan.qiu@example.cn' });
    expect(found).toEqual([['c-1', 'Lan.Qiu@example.cn']]);
    expect(getMany.mock.calls.map(([collection, keys]) => [collection, keys])).toEqual([
      [COLLECTION, ['customer:c-1']],
    ]);
  });

  it('Given an e-mail nobody has, When a customer registers with it, Then it resolves once the negative TTL is over', async () => {
    let now = t0;
    const { store, search } = await setup(() => now);
    expect(await search({ by: 'email', value: 'new@example.cn' })).toEqual([]);
    const key = customerKey('c-2');
    const state = customer360Projection.evolve(
      customer360Projection.initial(key),
      event('c-2', {
        type: 'customer.registered',
        schemaVersion: 1,
        channel: 'store',
        occurredAt: new Date(t0).toISOString(),
        payload: { email: 'new@example.cn' },
      }),
      key,
      DEFAULT_CUSTOMER360_POLICY,
    );
    await write(store, state, 1);
    // No notice names a document the search did not match: the negative TTL bounds this one.
    expect(await search({ by: 'email', value: 'new@example.cn' })).toEqual([]);
    now = t0 + 1000;
    expect(await search({ by: 'email', value: 'new@example.cn' })).toEqual([
      ['c-2', 'new@example.cn'],
    ]);
  });

  it('Given a cached resolution, When another customer takes the same e-mail and no notice names a matched document, Then it appears within the TTL', async () => {
    let now = t0;
    const { store, search } = await setup(() => now);
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toHaveLength(1);
    const key = customerKey('c-3');
    const state = customer360Projection.evolve(
      customer360Projection.initial(key),
      event('c-3', {
        type: 'customer.registered',
        schemaVersion: 1,
        channel: 'store',
        occurredAt: new Date(t0).toISOString(),
        payload: { email: 'lan.qiu@example.cn' },
      }),
      key,
      DEFAULT_CUSTOMER360_POLICY,
    );
    await write(store, state, 1);
    now = t0 + 29_999;
    expect(await search({ by: 'email', value: 'lan.qiu@example.cn' })).toHaveLength(1);
    now = t0 + 30_000;
    expect((await search({ by: 'email', value: 'lan.qiu@example.cn' })).map(([id]) => id)).toEqual([
      'c-1',
      'c-3',
    ]);
  });
});
