/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { randomUUID } from 'node:crypto';
import { type RunningApp, startApp } from '@touchpoint/platform';
import { TIMELINE_RETAINED } from '@touchpoint/projections';
import { signJwt } from '@touchpoint/query';
import {
  callLogged,
  createKey,
  eventually,
  isolatedEnv,
  post,
  registration,
  tempDir,
} from '@touchpoint/testing';
import { queryApp } from '../../apps/query/src/query.app';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

const secret = randomUUID() + randomUUID();
const quiet = { LOG_LEVEL: 'error', AUDIT_SINK: 'store', AUTH_JWT_SECRET: secret };
const modes: [string, () => Record<string, string>][] = [
  ['Kafka and the MongoDB-compatible server', () => isolatedEnv(quiet)],
  ['the embedded log and store', () => ({ PORT: '0', DATA_DIR: tempDir(), ...quiet })],
];
const MINUTE = 60_000;
const HISTORY = TIMELINE_RETAINED + 41;

function agentToken(): string {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ sub: 'agent-timeline', role: 'agent', pii: false, iat, exp: iat + 600 }, secret);
}

async function get(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${agentToken()}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

/** Every page from the newest, following `next` to the end; the cursors of each page too. */
async function pageThrough(base: string, customerId: string, limit: number) {
  const items: Json[] = [];
  const cursors: string[] = [];
  let next: string | null = null;
  for (let n = 0; n < 100; n++) {
    const query: string = next === null ? '' : `&before=${next}`;
    const page = await get(`${base}/v1/customers/${customerId}/timeline?limit=${limit}${query}`);
    if (page.status !== 200)
      throw new Error(`timeline ${page.status}: ${JSON.stringify(page.body)}`);
    items.push(...(page.body.data.items as Json[]));
    next = page.body.data.next as string | null;
    if (next === null) return { items, cursors };
    cursors.push(next);
  }
  throw new Error('the timeline never ended');
}

describe.each(modes)(
  'timeline past the read model, into the event store, on %s',
  (_name, makeEnv) => {
    let env: Record<string, string>;
    let app: RunningApp;
    const customerId = `c-tl-${randomUUID().slice(0, 8)}`;
    const start = Date.now() - (HISTORY + 10) * MINUTE;
    const registered = registration(customerId, start, {
      name: { given: 'Shu', family: 'Fen' },
      email: 'shu.fen@example.cn',
    });
    const calls = Array.from({ length: HISTORY - 1 }, (_, i) =>
      callLogged(customerId, start + (i + 1) * MINUTE, `topic-${i}`),
    );
    const sent = [registered, ...calls];

    beforeAll(async () => {
      env = makeEnv();
      app = await startApp(touchpointApp, env);
      const storeKey = await createKey(env, 'store', '*');
      const callKey = await createKey(env, 'call_centre', '*');
      expect((await post(`${app.url}/v1/events`, storeKey, registered)).status).toBe(202);
      for (let i = 0; i < calls.length; i += 100) {
        const res = await post(`${app.url}/v1/events/batch`, callKey, calls.slice(i, i + 100));
        expect(res.status).toBe(202);
      }
    }, 60_000);

    afterAll(async () => {
      await app.close();
    });

    it(`given ${HISTORY} interactions (more than the ${TIMELINE_RETAINED} the read model keeps), when paged to the end, then every event appears exactly once: the read model's newest first, then the archived older ones`, async () => {
      const all = await eventually(
        async () => {
          const paged = await pageThrough(app.url, customerId, 60);
          return paged.items.length === HISTORY ? paged : undefined;
        },
        { what: 'the whole timeline over both sources', timeoutMs: 60_000, intervalMs: 500 },
      );
      const ids = all.items.map((e) => e.eventId as string);
      expect(new Set(ids).size).toBe(HISTORY);
      expect([...ids].sort()).toEqual(sent.map((e) => e.eventId as string).sort());
      // Event times rise with sending order here, so both sources agree: newest first throughout.
      expect(ids).toEqual(sent.map((e) => e.eventId as string).reverse());
      expect(all.items.at(-1)).toMatchObject({
        type: 'customer.registered',
        summary: 'Registered',
      });
      expect(all.items.at(-2)).toMatchObject({
        type: 'call.logged',
        channel: 'call_centre',
        summary: 'Inbound call, 60 s, resolved',
        ref: (calls[0]!.payload as Json).callId,
      });
      // Cursors stay opaque: nothing in them says where a page comes from.
      for (const c of all.cursors) expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    }, 90_000);

    it('given a tampered cursor, then 400 naming before', async () => {
      const res = await get(`${app.url}/v1/customers/${customerId}/timeline?before=bm90LWpzb24`);
      expect(res.status).toBe(400);
      expect(res.body.error.violations).toEqual([
        expect.objectContaining({ path: 'before', code: 'invalid_cursor' }),
      ]);
    });

    it('given the customer is erased, when paged to the end again, then the archived pages still list every event and show no personal data', async () => {
      const storeKey = await createKey(env, 'store', '*');
      const erased = {
        ...registration(customerId, Date.now() - MINUTE, {}),
        type: 'customer.erased',
        payload: { reason: 'customer_request', requestId: 'DSR-TL-1' },
      };
      expect((await post(`${app.url}/v1/events`, storeKey, erased)).status).toBe(202);
      const all = await eventually(
        async () => {
          const paged = await pageThrough(app.url, customerId, 100);
          return paged.items.length === HISTORY + 1 ? paged : undefined;
        },
        { what: 'the timeline with the erasure', timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(all.items[0]).toMatchObject({ type: 'customer.erased' });
      const text = JSON.stringify(all.items);
      for (const personal of ['shu.fen', 'Shu', 'Fen']) expect(text).not.toContain(personal);
    }, 90_000);
  },
);

describe('timeline on a standalone query app whose event store is down', () => {
  it('given the read model on the real engines and an unreachable EventStoreDB, then the read-model pages are served and the first archived page is 503 event_store_unavailable', async () => {
    const env = isolatedEnv(quiet);
    const all = await startApp(touchpointApp, env);
    let query: RunningApp | undefined;
    try {
      const customerId = `c-tl-down-${randomUUID().slice(0, 8)}`;
      const callKey = await createKey(env, 'call_centre', '*');
      const start = Date.now() - (TIMELINE_RETAINED + 10) * MINUTE;
      const calls = Array.from({ length: TIMELINE_RETAINED + 5 }, (_, i) =>
        callLogged(customerId, start + i * MINUTE, `topic-${i}`),
      );
      expect((await post(`${all.url}/v1/events/batch`, callKey, calls)).status).toBe(202);
      await eventually(
        async () => {
          const first = await get(`${all.url}/v1/customers/${customerId}/timeline?limit=200`);
          return first.status === 200 && first.body.data.items.length === TIMELINE_RETAINED;
        },
        { what: 'the read model', timeoutMs: 60_000, intervalMs: 500 },
      );

      // Same log and read model; an event store nobody listens on.
      query = await startApp(queryApp, { ...env, EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false' });
      // The second page holds the read model's last 6 entries, fewer than a page.
      const page = TIMELINE_RETAINED - 6;
      const first = await get(`${query.url}/v1/customers/${customerId}/timeline?limit=${page}`);
      expect(first.status).toBe(200);
      expect(first.body.data.items).toHaveLength(page);
      const second = await get(
        `${query.url}/v1/customers/${customerId}/timeline?limit=${page}&before=${first.body.data.next}`,
      );
      expect(second.status).toBe(200);
      expect(second.body.data.items).toHaveLength(TIMELINE_RETAINED - page);
      const asked = Date.now();
      const older = await get(
        `${query.url}/v1/customers/${customerId}/timeline?limit=${page}&before=${second.body.data.next}`,
      );
      expect(older.status).toBe(503);
      expect(Date.now() - asked).toBeLessThan(5_000);
      expect(older.body.error).toMatchObject({
        code: 'event_store_unavailable',
        category: 'unavailable',
      });
    } finally {
      await query?.close();
      await all.close();
    }
  }, 120_000);
});
