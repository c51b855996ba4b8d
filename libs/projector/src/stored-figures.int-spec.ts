import { MongoClient } from 'mongodb';
import { MongoReadModelStore } from '@touchpoint/adapters';
import { type RecordedEvent, recordEvent } from '@touchpoint/contracts';
import {
  type Customer360State,
  type LoyaltyState,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  customer360View,
  loyaltyView,
} from '@touchpoint/projections';
import { realEngines, uniqueName } from '@touchpoint/testing';
import { type StoredProjectionDoc, modelKind } from '@touchpoint/read-models';
import { type RegisteredModel, instantiate } from './model-registry';

const DAY_MS = 86_400_000;
const BASE_MS = Date.parse('2025-01-01T00:00:00Z');
const CUSTOMERS = 30;
/**
 * The analyst's "now", after every event as a real now is: some customers are still loyal then,
 * others dropped out of the window, some are at risk.
 */
const NOW = new Date(BASE_MS + 700 * DAY_MS).toISOString();

let n = 0;
function event(
  type: 'purchase.completed' | 'call.logged',
  customerId: string,
  atMs: number,
): RecordedEvent {
  n += 1;
  const eventId = `0190c2a4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
  const common = {
    eventId,
    schemaVersion: type === 'purchase.completed' ? 2 : 1,
    customerId,
    occurredAt: new Date(atMs).toISOString(),
  } as const;
  const incoming =
    type === 'purchase.completed'
      ? {
          ...common,
          type,
          channel: 'store' as const,
          payload: {
            orderId: `O-${n}`,
            currency: 'CNY',
            total: 30_000,
            items: [
              { sku: 'SKU-1', name: 'Kettle', category: 'home', quantity: 1, unitPrice: 30_000 },
            ],
          },
        }
      : {
          ...common,
          type,
          channel: 'call_centre' as const,
          payload: { callId: `CALL-${n}`, direction: 'inbound' as const, durationSeconds: 60 },
        };
  return recordEvent(incoming, {
    receivedAt: new Date(atMs),
    source: 'int-spec',
  });
}

/**
 * Customer i buys i % 7 times on consecutive days from day 20·i, and every third one calls a
 * month after the last purchase; three partitions, offsets in log order.
 */
function population(): { event: RecordedEvent; position: { partition: number; offset: string } }[] {
  const offsets = [0, 0, 0];
  const out = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `c-${i}`;
    const start = BASE_MS + 20 * i * DAY_MS + 10 * 3_600_000;
    const events = Array.from({ length: i % 7 }, (_, k) =>
      event('purchase.completed', id, start + k * DAY_MS),
    );
    if (i % 3 === 0) events.push(event('call.logged', id, start + 40 * DAY_MS));
    const partition = i % 3;
    for (const e of events) {
      const offset = offsets[partition] ?? 0;
      offsets[partition] = offset + 1;
      out.push({ event: e, position: { partition, offset: String(offset) } });
    }
  }
  return out;
}

describe('figures stored as native fields, queried with the plain driver on FerretDB', () => {
  const database = uniqueName('figures').replace(/-/g, '_');
  let store: MongoReadModelStore;
  let client: MongoClient;
  let loyalty: RegisteredModel;
  let customer360: RegisteredModel;

  beforeAll(async () => {
    store = new MongoReadModelStore(realEngines().mongoUrl, database, 10000);
    await store.connect();
    client = await MongoClient.connect(realEngines().mongoUrl);
    loyalty = instantiate(modelKind('loyalty'), 'v1', DEFAULT_LOYALTY_POLICY);
    customer360 = instantiate(modelKind('customer360'), 'v1', DEFAULT_CUSTOMER360_POLICY);
    const events = population();
    for (const model of [loyalty, customer360]) {
      await store.ensureIndexes(model.collection, model.indexes);
      // Two chunks through two runners: the second loads what the first wrote.
      await model.runner(store, { stateCacheBytes: 0 }).apply(events.slice(0, 40));
      await model.runner(store, { stateCacheBytes: 0 }).apply(events.slice(40));
    }
  });

  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
    await store.close();
  });

  const collection = (model: RegisteredModel) =>
    client.db(database).collection<StoredProjectionDoc & { _id: string }>(model.collection);

  /** The oracle: every document's view, read from its stored state with our code. */
  async function views<V>(
    model: RegisteredModel,
    view: (state: never, asOf: Date) => V,
    asOf: (doc: StoredProjectionDoc) => Date,
  ): Promise<V[]> {
    const docs = await collection(model).find({}).toArray();
    return docs.map((d) => view(JSON.parse(d.state) as never, asOf(d)));
  }

  it('Given a folded population, When loyalty documents are counted by figures.tierAtAsOf, Then the count is that of the views as of each document’s newest event', async () => {
    const expected = (
      await views(
        loyalty,
        (s: LoyaltyState, at) => loyaltyView(s, at, DEFAULT_LOYALTY_POLICY),
        (d) => new Date(d.figures?.asOf ?? NaN),
      )
    ).filter((v) => v.tier === 'loyal').length;

    const count = await collection(loyalty).countDocuments({ 'figures.tierAtAsOf': 'loyal' });

    // Customers with 4, 5 or 6 purchases in the window: i % 7 >= 4.
    expect(expected).toBe(12);
    expect(count).toBe(expected);
    const perTier = await collection(loyalty)
      .aggregate<{ _id: string; n: number }>([
        { $group: { _id: '$figures.tierAtAsOf', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(perTier).toEqual([
      { _id: 'loyal', n: 12 },
      // Customers 0, 7, 14, 21 and 28 bought nothing and have no loyalty document.
      { _id: 'occasional', n: 13 },
    ]);
  });

  it('Given an analyst’s own now, When loyal customers are counted by tierAtAsOf and tierUntil, Then the count is that of the views at that instant', async () => {
    const expected = (
      await views(
        loyalty,
        (s: LoyaltyState, at) => loyaltyView(s, at, DEFAULT_LOYALTY_POLICY),
        () => new Date(NOW),
      )
    ).filter((v) => v.tier === 'loyal').length;

    const count = await collection(loyalty).countDocuments({
      'figures.tierAtAsOf': 'loyal',
      $or: [{ 'figures.tierUntil': null }, { 'figures.tierUntil': { $gt: NOW } }],
    });

    expect(count).toBe(expected);
    // Some dropped out of the window by then, some did not.
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(12);
  });

  it('Given an analyst’s own now, When customers at risk are listed by atRiskFrom and lapsedFrom, Then they are those whose view at that instant says at_risk', async () => {
    const expected = (
      await views(
        customer360,
        (s: Customer360State, at) => customer360View(s, at, DEFAULT_CUSTOMER360_POLICY),
        () => new Date(NOW),
      )
    )
      .filter((v) => v.lifecycle.stage === 'at_risk')
      .map((v) => v.key)
      .sort();

    const atRisk = await collection(customer360)
      .find(
        { 'figures.atRiskFrom': { $lte: NOW }, 'figures.lapsedFrom': { $gt: NOW } },
        { projection: { _id: 1 } },
      )
      .toArray();

    expect(atRisk.map((d) => d._id).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('Given the models’ index specs, When the collections are listed, Then the figure indexes exist', async () => {
    const names = async (model: RegisteredModel) =>
      (await collection(model).indexes()).map((i) => String(i.name));
    expect(await names(loyalty)).toContain('figures.tierAtAsOf_1_figures.tierUntil_1');
    expect(await names(customer360)).toEqual(
      expect.arrayContaining([
        'figures.lifecycleAtAsOf_1',
        'figures.atRiskFrom_1_figures.lapsedFrom_1',
      ]),
    );
  });
});
