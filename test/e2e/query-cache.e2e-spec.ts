/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { randomUUID } from 'node:crypto';
import { type AppContext, type RunningApp, startApp } from '@touchpoint/platform';
import { customerKey } from '@touchpoint/projections';
import { signJwt } from '@touchpoint/query';
import type { StoredProjectionDoc } from '@touchpoint/read-models';
import {
  appContextFor,
  callLogged,
  createKey,
  eventually,
  isolatedEnv,
  post,
  registration,
} from '@touchpoint/testing';
import { queryApp } from '../../apps/query/src/query.app';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

const secret = randomUUID() + randomUUID();
/** Long enough that within a test only a change notice can refresh q1's and q2's entries. */
const LONG_TTL_MS = 60_000;
/** q3's bound when a notice never comes. */
const SHORT_TTL_MS = 1500;
/** Scheduling slack on a shared, loaded machine. */
const SLACK_MS = 3000;

function token(): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ sub: 'agent-cache', role: 'agent', pii: true, iat, exp: iat + 600 }, secret);
}

async function get(base: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token()}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

async function cacheHits(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^touchpoint_query_cache_hits_total\{[^}]*\} ([\d.e+-]+)/gm))
    sum += Number(m[1]);
  return sum;
}

/** Polls until `probe` holds and answers how long that took. */
async function within(probe: () => Promise<boolean>, what: string): Promise<number> {
  const began = Date.now();
  await eventually(async () => (await probe()) || undefined, {
    what,
    timeoutMs: LONG_TTL_MS / 2,
    intervalMs: 50,
  });
  return Date.now() - began;
}

describe('query cache: two query processes next to the projector, on Kafka and the MongoDB-compatible server', () => {
  let env: Record<string, string>;
  let all: RunningApp;
  let q1: RunningApp;
  let q2: RunningApp;
  let q3: RunningApp;
  let ctx: AppContext;
  let key: string;
  let callKey: string;
  const id = `c-cache-${randomUUID().slice(0, 8)}`;
  const t0 = Date.now() - 3_600_000;

  beforeAll(async () => {
    env = isolatedEnv({ LOG_LEVEL: 'error', AUTH_JWT_SECRET: secret });
    // Ingest and the projector (and a query API of its own) in one process; the query
    // instances under test read the same log and store, each with its own cache.
    all = await startApp(touchpointApp, env);
    q1 = await startApp(queryApp, { ...env, QUERY_CACHE_TTL_MS: String(LONG_TTL_MS) });
    q2 = await startApp(queryApp, { ...env, QUERY_CACHE_TTL_MS: String(LONG_TTL_MS) });
    q3 = await startApp(queryApp, { ...env, QUERY_CACHE_TTL_MS: String(SHORT_TTL_MS) });
    ctx = await appContextFor(env);
    key = await createKey(env, 'store', '*');
    callKey = await createKey(env, 'call_centre', '*');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([q1, q2, q3, all].map((a) => a?.close()));
    await ctx?.engines.store.close();
    await ctx?.engines.log.close();
  });

  it('Given both instances cached a customer as unknown, When the customer registers, Then both serve it as soon as the notice arrives', async () => {
    for (const q of [q1, q2]) {
      expect((await get(q.url, `/v1/customers/${id}`)).status).toBe(404);
      expect((await get(q.url, `/v1/customers/${id}`)).status).toBe(404);
    }
    const registered = registration(id, t0, {
      name: { given: 'Lan', family: 'Qiu' },
      email: 'lan.qiu@example.cn',
    });
    expect((await post(`${all.url}/v1/events`, key, registered)).status).toBe(202);
    await within(
      async () => (await get(all.url, `/v1/customers/${id}`)).status === 200,
      'the projector folding the registration',
    );
    for (const q of [q1, q2]) {
      const waited = await within(
        async () => (await get(q.url, `/v1/customers/${id}`)).status === 200,
        'the registration through a cached instance',
      );
      expect(waited).toBeLessThan(SLACK_MS);
    }
  }, 90_000);

  it('Given both instances serve the customer from their cache, When the projector folds a change, Then both show it through the change notice (long before their TTL)', async () => {
    const timeline = async (base: string) =>
      (await get(base, `/v1/customers/${id}/timeline?limit=50`)).body.data?.items?.length as
        number | undefined;
    const before = await timeline(all.url);
    for (const q of [q1, q2]) {
      expect(await timeline(q.url)).toBe(before);
      const hits = await cacheHits(q.url);
      expect(await timeline(q.url)).toBe(before);
      expect(await cacheHits(q.url)).toBeGreaterThan(hits);
    }
    const call = callLogged(id, t0 + 60_000, 'delivery');
    expect((await post(`${all.url}/v1/events`, callKey, call)).status).toBe(202);
    await within(
      async () => (await timeline(all.url)) === (before ?? 0) + 1,
      'the projector folding the call',
    );
    for (const q of [q1, q2]) {
      const waited = await within(
        async () => (await timeline(q.url)) === (before ?? 0) + 1,
        'the call through a cached instance',
      );
      expect(waited).toBeLessThan(SLACK_MS);
    }
  }, 90_000);

  it('Given a document rewritten with no change notice (a lost notice), When read, Then the cached instance shows it within QUERY_CACHE_TTL_MS and one with a long TTL still serves its entry', async () => {
    const name = async (base: string) =>
      (await get(base, `/v1/customers/${id}`)).body.data?.contact?.name?.given as
        string | undefined;
    expect(await name(q3.url)).toBe('Lan');
    expect(await name(q1.url)).toBe('Lan');
    const collection = 'customer360_v1';
    const doc = (await ctx.engines.store.get<StoredProjectionDoc>(collection, customerKey(id)))!;
    const state = JSON.parse(doc.state) as Json;
    state.profile.name.value.given = 'Lanlan';
    const revision = doc.revision + 1;
    await ctx.engines.store.writeVersioned(collection, [
      {
        id: customerKey(id),
        doc: { ...doc, state: JSON.stringify(state), revision },
        version: revision,
      },
    ]);
    const written = Date.now();
    await within(async () => (await name(q3.url)) === 'Lanlan', 'the rewrite through q3');
    expect(Date.now() - written).toBeLessThan(SHORT_TTL_MS + SLACK_MS);
    // No notice came: q1's entry is what it read, until its own (long) TTL.
    expect(await name(q1.url)).toBe('Lan');
  }, 90_000);
});
