/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { type RunningApp, startApp } from '@touchpoint/platform';
import { collectionName } from '@touchpoint/read-models';
import { cli, createKey, eventually, isolatedEnv, meiStory, post } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

/**
 * docs/models.md "Upgrading": a release whose model stores another state shape meets documents
 * an older release wrote. The projector must leave that version unfolded (folding onto another
 * shape would corrupt it), readers must refuse it with an answer that names the upgrade, and
 * replay + promote must bring the model back, while the other models go on as before.
 */
describe('a model version written by another release (Kafka and the MongoDB-compatible server)', () => {
  let env: Record<string, string>;
  let app: RunningApp | undefined;
  let agentToken: string;
  const keys = new Map<string, string>();
  const customerId = `c-up-${randomUUID().slice(0, 6)}`;

  async function get(path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${app!.url}/v1/customers/${customerId}${path}`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** Rewrites every crosssell v1 document's `schema` as an older release would have left it. */
  async function markCrosssellAsOlder(): Promise<{ docs: number; revisions: number[] }> {
    const client = new MongoClient(env.MONGO_URL!);
    try {
      const docs = client.db(env.MONGO_DB).collection(collectionName('crosssell', 'v1'));
      await docs.updateMany({}, { $set: { schema: 2 } });
      const all = await docs.find({}, { projection: { revision: 1 } }).toArray();
      return { docs: all.length, revisions: all.map((d) => d.revision as number).sort() };
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    env = isolatedEnv({ MODEL_CATALOG_POLL_MS: '500' });
    app = await startApp(touchpointApp, env);
    agentToken = (
      await cli(env, 'tokens', 'create', '--role', 'agent', '--sub', 'agent-9')
    ).out.trim();
    for (const e of meiStory(customerId, new Date()).events) {
      const channel = e.channel as string;
      if (!keys.has(channel)) keys.set(channel, await createKey(env, channel, '*'));
      expect((await post(`${app.url}/v1/events`, keys.get(channel), e)).status).toBe(202);
    }
    await eventually(async () => (await get('/recommendations')).status === 200, {
      what: "Mei's recommendations on v1",
      timeoutMs: 40000,
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('given crosssell v1 written in an older shape, when the platform restarts, then v1 is left unfolded and refused with the upgrade named, and replay + promote serve it again', async () => {
    await app!.close();
    app = undefined;
    const before = await markCrosssellAsOlder();
    expect(before.docs).toBeGreaterThan(0);
    app = await startApp(touchpointApp, env);

    // A new purchase reaches the models that can fold it, and not the refused version.
    const purchase = meiStory(customerId, new Date()).events.find(
      (e) => e.type === 'purchase.completed',
    )!;
    const again = {
      ...purchase,
      eventId: randomUUID(),
      payload: { ...(purchase.payload as Json), orderId: `O-up-${randomUUID().slice(0, 6)}` },
    };
    const orders = (await get('')).body.data.purchases.orders as number;
    expect(
      (await post(`${app.url}/v1/events`, keys.get(purchase.channel as string), again)).status,
    ).toBe(202);
    await eventually(async () => (await get('')).body.data?.purchases?.orders === orders + 1, {
      what: 'customer360 folding the new purchase',
      timeoutMs: 40000,
    });

    const refused = await get('/recommendations');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('state_schema_mismatch');
    expect(refused.body.error.message).toMatch(/replay/);
    expect(refused.body.error.message).toMatch(/promote/);
    expect(await markCrosssellAsOlder()).toEqual(before);

    expect((await cli(env, 'replay', 'crosssell', '--as', 'v2')).code).toBe(0);
    expect((await cli(env, 'promote', 'crosssell', 'v2')).code).toBe(0);
    const served = await eventually(
      async () => {
        const r = await get('/recommendations');
        return r.status === 200 && r.body.freshness.version === 'v2' ? r.body : undefined;
      },
      { what: 'recommendations from v2', timeoutMs: 20000 },
    );
    expect(served.data).toBeDefined();
  });
});
