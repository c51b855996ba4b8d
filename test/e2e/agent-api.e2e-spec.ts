/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@touchpoint/config';
import { type RunningApp, startApp } from '@touchpoint/platform';
import { signJwt } from '@touchpoint/query';
import {
  babyBottleStory,
  bottleAndFoodBaskets,
  callLogged,
  cli,
  createKey,
  eventually,
  isolatedEnv,
  meiStory,
  openSse,
  post,
  registration,
  tempDir,
  wangStory,
  zhaoStory,
} from '@touchpoint/testing';
import { queryApp } from '../../apps/query/src/query.app';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

const quiet = { LOG_LEVEL: 'error', AUDIT_SINK: 'store', AUTH_CLOCK_SKEW_SECONDS: '0' };
const modes: [string, () => Record<string, string>][] = [
  ['Kafka and the MongoDB-compatible server', () => isolatedEnv(quiet)],
  ['the embedded log and store', () => ({ PORT: '0', DATA_DIR: tempDir(), ...quiet })],
];

describe.each(modes)('agent API on %s', (_name, makeEnv) => {
  let env: Record<string, string>;
  let app: RunningApp;
  const keys = new Map<string, string>();
  const tokens: Record<string, string> = {};
  const now = new Date();
  const run = randomUUID().slice(0, 6);
  const ids = {
    mei: `c-mei-${run}`,
    wang: `c-1088-${run}`,
    zhao: `c-zhao-${run}`,
    baby: `c-baby-${run}`,
    live: `c-live-${run}`,
  };

  async function publish(events: Json[]): Promise<void> {
    for (const e of events) {
      const channel = e.channel as string;
      if (!keys.has(channel)) keys.set(channel, await createKey(env, channel, '*'));
      const res = await post(`${app.url}/v1/events`, keys.get(channel), e);
      if (res.status !== 202) throw new Error(`ingest ${res.status}: ${await res.text()}`);
    }
  }

  async function get(path: string, token: string | null = tokens.agent!) {
    const res = await fetch(`${app.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function token(...args: string[]): Promise<string> {
    const { code, out } = await cli(env, 'tokens', 'create', ...args);
    expect(code).toBe(0);
    return out.trim();
  }

  beforeAll(async () => {
    env = makeEnv();
    app = await startApp(touchpointApp, env);
    tokens.agent = await token('--role', 'agent', '--sub', 'agent-7');
    tokens.pii = await token('--role', 'agent', '--pii', '--sub', 'agent-pii');
    tokens.supervisor = await token('--role', 'supervisor', '--sub', 'sup-1');
    tokens.analyst = await token('--role', 'analyst', '--sub', 'analyst-1');
    await publish(meiStory(ids.mei, now).events);
    await publish(zhaoStory(ids.zhao, now));
    await eventually(
      async () => {
        const l = await get(`/v1/customers/${ids.mei}/loyalty`);
        return l.status === 200 && l.body.data.points.redeemed === 2000;
      },
      { what: "Mei's loyalty account", timeoutMs: 40000 },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('story 1: an agent finds Mei by normalised e-mail, phone, card, name prefix and customer id', async () => {
    for (const q of [
      'email=MEI.LIN%40example.cn',
      'phone=8613800138000',
      'phone=%2B86-138-0013-8000',
      'q=%2B86-138-0013-8000',
      'q=MEI.LIN%40example.cn',
      'card=hc-000123',
      'q=HC-000123',
      'name=mei',
      'name=Lin',
      `q=${ids.mei}`,
    ]) {
      const res = await get(`/v1/customers?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
      expect({ q, ids: res.body.data.map((c: Json) => c.customerId) }).toEqual({
        q,
        ids: [ids.mei],
      });
    }
    const [summary] = (await get(`/v1/customers?email=mei.lin%40example.cn`)).body.data as Json[];
    expect(summary).toEqual({
      customerId: ids.mei,
      name: 'Mei Lin',
      email: 'm***@example.cn',
      phone: '+86 *** **** 8000',
      loyaltyCardId: 'HC-000123',
      lifecycleStage: 'active',
      tier: 'very_loyal',
    });
    expect((await get(`/v1/customers?email=nobody%40example.cn`)).body.data).toEqual([]);
  });

  it('story 1: the 360 view masks personal data unless the token holds the PII scope, and every read is audited', async () => {
    const masked = await get(`/v1/customers/${ids.mei}`, tokens.agent);
    expect(masked.status).toBe(200);
    expect(masked.body.data.contact).toMatchObject({
      email: 'm***@example.cn',
      phone: '+86 *** **** 8000',
      loyaltyCardId: 'HC-000123',
    });
    expect(masked.body.data.profile).toEqual({
      birthDate: '****-**-**',
      address: { line1: '***', city: '***', country: 'CN' },
    });
    expect(JSON.stringify(masked.body)).not.toMatch(/mei\.lin@|13800138000|Century/);
    expect(masked.body.data.purchases.orders).toBe(11);
    expect(masked.body.freshness).toMatchObject({ model: 'customer360', version: 'v1' });
    expect(masked.body.freshness.position).toEqual({
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
    });

    const clear = await get(`/v1/customers/${ids.mei}`, tokens.pii);
    expect(clear.body.data.contact).toMatchObject({
      email: 'mei.lin@example.cn',
      phone: '+86 138 0013 8000',
    });
    expect(clear.body.data.profile.birthDate).toBe('1990-05-14');
    expect(clear.body.data.profile.address.line1).toBe('88 Century Avenue');

    const audit = await eventually(
      async () => {
        const docs = await app.ctx.engines.store.page<Json>('audit_log', { limit: 1000 });
        const mine = docs
          .map((d) => d.doc)
          .filter((d) => d.action === 'customer360' && d.customerIds[0] === ids.mei);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'audit records' },
    );
    expect(audit.find((a) => a.sub === 'agent-7')).toMatchObject({ role: 'agent', unmasked: [] });
    expect(audit.find((a) => a.sub === 'agent-pii')?.unmasked).toEqual([
      'contact.email',
      'contact.phone',
      'profile.birthDate',
      'profile.address',
    ]);
  });

  it('story 1: Mei is very loyal, her points are earned minus redeemed, and on 1 May the next best action is the gift reminder', async () => {
    const { mayFirst } = meiStory(ids.mei, now);
    const loyalty = (await get(`/v1/customers/${ids.mei}/loyalty`)).body;
    expect(loyalty.data.tier).toBe('very_loyal');
    expect(loyalty.data.outreach).toEqual({ greetings: true, recommendations: true });
    // 9 orders of ¥8,400 and two ¥300 gifts, one point per yuan.
    expect(loyalty.data.points).toMatchObject({ earned: 9000, redeemed: 2000, balance: 7000 });
    expect(loyalty.freshness).toMatchObject({ model: 'loyalty', version: 'v1' });

    const nba = await get(
      `/v1/customers/${ids.mei}/next-best-action?asOf=${encodeURIComponent(mayFirst.toISOString())}`,
    );
    expect(nba.status).toBe(200);
    expect(nba.body.data.actions[0]).toMatchObject({ kind: 'occasion_reminder' });
    expect(nba.body.data.actions[0].reason).toMatch(/gifts in May/);
    expect(nba.body.freshness.map((f: Json) => f.model)).toEqual([
      'customer360',
      'loyalty',
      'crosssell',
    ]);
  });

  it('the freshness block reports no lag once the projector has caught up', async () => {
    await eventually(
      async () => {
        const res = await get(`/v1/customers/${ids.mei}`);
        return res.body.freshness.lagMs === 0;
      },
      { what: 'lagMs 0', timeoutMs: 40000 },
    );
  });

  it('timeline pages further back with ?before=', async () => {
    const first = (await get(`/v1/customers/${ids.mei}/timeline?limit=4`)).body;
    expect(first.data.items).toHaveLength(4);
    expect(first.data.next).toEqual(expect.any(String));
    const second = (
      await get(`/v1/customers/${ids.mei}/timeline?limit=4&before=${first.data.next as string}`)
    ).body;
    expect(second.data.items).toHaveLength(4);
    const times = [...first.data.items, ...second.data.items].map((e: Json) => e.ms as number);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const seen = new Set(first.data.items.map((e: Json) => e.eventId));
    expect(second.data.items.some((e: Json) => seen.has(e.eventId))).toBe(false);
  });

  it("story 2: what a visitor bought before identifying counts in the customer's loyalty and cross-sell, whatever the arrival order", async () => {
    const customerId = `c-2031-${run}`;
    const anonymousId = `v-77f-${run}`;
    const at = (daysAgo: number) =>
      new Date(now.getTime() - daysAgo * 86_400_000).toISOString().replace('Z', '+00:00');
    const visitorOrder = {
      eventId: randomUUID(),
      type: 'purchase.completed',
      schemaVersion: 2,
      anonymousId,
      channel: 'web',
      occurredAt: at(3),
      payload: {
        orderId: `O-${anonymousId}`,
        currency: 'CNY',
        items: [
          {
            sku: 'STROLLER-1',
            name: 'City stroller',
            category: 'baby/strollers',
            quantity: 1,
            unitPrice: 129_900,
          },
        ],
        total: 129_900,
        discount: 0,
      },
    };
    const identified = {
      eventId: randomUUID(),
      type: 'customer.identified',
      schemaVersion: 1,
      customerId,
      anonymousId,
      channel: 'web',
      occurredAt: at(1),
      payload: { method: 'registration' },
    };
    // The link is published before the visitor's order, which arrives late.
    await publish([registration(customerId, now.getTime() - 2 * 86_400_000, {}), identified]);
    await publish([visitorOrder]);
    await eventually(
      async () => {
        const l = await get(`/v1/customers/${customerId}/loyalty`);
        return l.status === 200 && l.body.data.window.purchases === 1;
      },
      { what: "the visitor's order on the customer's loyalty account", timeoutMs: 30000 },
    );
    const loyalty = (await get(`/v1/customers/${customerId}/loyalty`)).body.data;
    expect(loyalty.window.spend).toBe(129_900);
    expect(loyalty.points.earned).toBe(1299);
    const view = (await get(`/v1/customers/${customerId}`)).body.data;
    expect(view.purchases.orders).toBe(1);
  });

  it('story 5: Zhao drifted away — occasional and lapsed today, loyal as of a year ago', async () => {
    const today = (await get(`/v1/customers/${ids.zhao}/loyalty`)).body.data;
    expect(today.tier).toBe('occasional');
    const drop = today.tierHistory[today.tierHistory.length - 1];
    expect(drop).toMatchObject({ from: 'loyal', to: 'occasional', direction: 'down' });
    expect((await get(`/v1/customers/${ids.zhao}`)).body.data.lifecycle.stage).toBe('lapsed');

    const yearAgo = encodeURIComponent(new Date(now.getTime() - 365 * 86_400_000).toISOString());
    const then = (await get(`/v1/customers/${ids.zhao}/loyalty?asOf=${yearAgo}`)).body.data;
    expect(then.tier).toBe('loyal');
    const view = (await get(`/v1/customers/${ids.zhao}?asOf=${yearAgo}`)).body.data;
    expect(view.lifecycle.stage).toBe('active');
    expect(view.rfm.T).toBe(65);
  });

  it('story 3: an open complaint comes first; supervisors see it opened and resolved; the goodwill points land', async () => {
    const sup = await openSse(`${app.url}/v1/supervisor/stream?access_token=${tokens.supervisor}`);
    expect(sup.status).toBe(200);
    expect(sup.contentType).toMatch(/text\/event-stream/);
    const story = wangStory(ids.wang, 'K-5512', now);
    await publish([...story.before, story.opened]);
    await sup.waitFor(
      (e) => e.event === 'complaint' && (e.data as Json).customerId === ids.wang,
      'complaint opened on the supervisor stream',
    );
    expect(sup.events.find((e) => e.event === 'complaint')?.data).toMatchObject({
      customerId: ids.wang,
      complaintId: 'K-5512',
      status: 'opened',
      severity: 'high',
    });
    await sup.waitFor(
      (e) => e.event === 'tier' && (e.data as Json).customerId === ids.wang,
      'the tier change to loyal on the supervisor stream',
    );
    expect(
      sup.events.find((e) => e.event === 'tier' && (e.data as Json).customerId === ids.wang)?.data,
    ).toMatchObject({ from: 'occasional', to: 'loyal' });

    const nba = await eventually(
      async () => {
        const res = await get(`/v1/customers/${ids.wang}/next-best-action`);
        return res.status === 200 && res.body.data.actions[0].kind === 'resolve_complaint'
          ? res.body
          : undefined;
      },
      { what: 'resolve_complaint first' },
    );
    expect(nba.data.actions[0]).toMatchObject({ ref: 'K-5512', title: 'Resolve complaint K-5512' });

    await publish([story.resolved, story.csat]);
    await sup.waitFor(
      (e) => e.event === 'complaint' && (e.data as Json).status === 'resolved',
      'complaint resolved on the supervisor stream',
    );
    sup.close();
    const view = await eventually(
      async () => {
        const v = (await get(`/v1/customers/${ids.wang}`)).body.data;
        return v.satisfaction.latestCsat ? v : undefined;
      },
      { what: 'the CSAT answer' },
    );
    expect(view.complaints.open).toEqual([]);
    expect(view.complaints.resolved[0]).toMatchObject({
      complaintId: 'K-5512',
      timeToResolveHours: 0.5,
      compensationPoints: 500,
    });
    expect(view.satisfaction.latestCsat.score).toBe(5);
    const loyalty = await eventually(
      async () => {
        const l = (await get(`/v1/customers/${ids.wang}/loyalty`)).body.data;
        return l.points.adjusted === 500 ? l : undefined;
      },
      { what: 'the goodwill points' },
    );
    expect(loyalty.tier).toBe('loyal');
    expect(loyalty.points.ledger.some((l: Json) => l.kind === 'adjusted' && l.points === 500)).toBe(
      true,
    );
    const after = (await get(`/v1/customers/${ids.wang}/next-best-action`)).body.data.actions;
    expect(after.map((a: Json) => a.kind)).not.toContain('resolve_complaint');
  });

  it('story 4: a baby-bottle buyer is recommended baby food with the chain named; analysts list the co-purchase rule', async () => {
    const before = await get(`/v1/crosssell/rules?level=item&antecedent=BB-260`, tokens.analyst);
    expect(before.status).toBe(200);
    expect(before.body.data).toEqual([]);
    await publish([
      ...babyBottleStory(ids.baby, now),
      ...bottleAndFoodBaskets(`c-b-${run}`, 3, now),
    ]);
    const recs = await eventually(
      async () => {
        const r = await get(`/v1/customers/${ids.baby}/recommendations`);
        const ready =
          r.status === 200 && (r.body.data as Json[]).some((x) => x.target === 'baby/food');
        return ready ? r.body : undefined;
      },
      { what: 'recommendations' },
    );
    const food = (recs.data as Json[]).find((r) => r.target === 'baby/food');
    expect(food?.explanation).toMatch(/baby\/feeding → baby\/food/);
    expect((recs.data as Json[]).some((r) => r.target === 'BB-260')).toBe(false);

    const rules = await eventually(
      async () => {
        const r = await get(
          `/v1/crosssell/rules?level=item&antecedent=BB-260&sort=confidence&limit=5`,
          tokens.analyst,
        );
        // The rule can show before the last of the four baskets is folded (2 of 3 first):
        // wait for the totals of every basket, which only the notices' invalidation brings.
        return r.body.data[0]?.counts?.antecedent === 4 ? r.body : undefined;
      },
      { what: 'rules over all four baskets after the notices invalidated the cached totals' },
    );
    expect(rules.data[0]).toMatchObject({
      antecedent: 'BB-260',
      consequent: 'BF-STAGE1',
      counts: { both: 3, antecedent: 4 },
    });
    expect(rules.data[0].confidence).toBeCloseTo(0.75);
    expect(rules.freshness).toMatchObject({ model: 'crosssell', version: 'v1' });
  });

  it('live: a change reaches the customer stream, and Last-Event-ID resumes after a disconnect', async () => {
    await publish([registration(ids.live, now.getTime() - 86_400_000, { name: { given: 'Lu' } })]);
    await eventually(async () => (await get(`/v1/customers/${ids.live}`)).status === 200, {
      what: 'the live customer',
    });
    const auth = { authorization: `Bearer ${tokens.agent}` };
    const first = await openSse(`${app.url}/v1/customers/${ids.live}/stream`, auth);
    expect(first.status).toBe(200);
    await first.waitFor((e) => e.event === 'ready', 'ready');
    await publish([callLogged(ids.live, now.getTime() - 60_000, 'first call')]);
    const change = await first.waitFor(
      (e) => e.event === 'change' && (e.data as Json).model === 'customer360',
      'a change notice',
    );
    expect(change.data).toMatchObject({ customerId: ids.live, version: 'v1' });
    first.close();

    await publish([callLogged(ids.live, now.getTime() - 30_000, 'second call')]);
    await eventually(
      async () =>
        (await get(`/v1/customers/${ids.live}/timeline`)).body.data.items.some(
          (e: Json) => e.type === 'call.logged' && e.ms === now.getTime() - 30_000,
        ),
      { what: 'the second call in the read model' },
    );
    const resumed = await openSse(`${app.url}/v1/customers/${ids.live}/stream`, {
      ...auth,
      'last-event-id': change.id!,
    });
    const missed = await resumed.waitFor(
      (e) => e.event === 'change' && (e.data as Json).model === 'customer360',
      'the change missed while disconnected',
    );
    resumed.close();
    expect(BigInt((missed.data as Json).position.offset as string)).toBeGreaterThan(
      BigInt((change.data as Json).position.offset as string),
    );
  });

  it('bad input: 401 without a valid token, 403 for the wrong role, 404 with a code, 400 naming the parameter', async () => {
    const secret =
      env.AUTH_JWT_SECRET ?? readFileSync(join(env.DATA_DIR!, 'auth-dev-secret'), 'utf8').trim();
    const iat = Math.floor(Date.now() / 1000);
    const claims = { sub: 'x', role: 'agent' as const, pii: true, iat, exp: iat + 600 };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const cases: [string | null, string][] = [
      [null, 'token_missing'],
      [signJwt({ ...claims, exp: iat - 5 }, secret), 'token_expired'],
      [signJwt(claims, 'another-secret-of-at-least-32-characters'), 'token_invalid'],
      [`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'token_invalid'],
      [signJwt(claims, secret, 'HS512'), 'token_invalid'],
    ];
    for (const [t, code] of cases) {
      const res = await get(`/v1/customers/${ids.mei}`, t);
      expect({ code, status: res.status, got: res.body.error?.code }).toEqual({
        code,
        status: 401,
        got: code,
      });
    }
    expect((await get('/v1/crosssell/rules', tokens.agent)).status).toBe(403);
    const supervisorOnly = await openSse(
      `${app.url}/v1/supervisor/stream?access_token=${tokens.agent}`,
    );
    expect(supervisorOnly.status).toBe(403);
    // The query-string token is for streams only.
    expect((await get(`/v1/customers/${ids.mei}?access_token=${tokens.agent}`, null)).status).toBe(
      401,
    );

    for (const path of ['', '/loyalty', '/recommendations', '/timeline', '/next-best-action']) {
      const res = await get(`/v1/customers/c-nobody-${run}${path}`);
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({
        path,
        status: 404,
        code: 'customer_not_found',
      });
    }
    const stream404 = await openSse(
      `${app.url}/v1/customers/c-nobody-${run}/stream?access_token=${tokens.agent}`,
    );
    expect(stream404.status).toBe(404);

    const future = encodeURIComponent(new Date(Date.now() + 3600_000).toISOString());
    const bad: [string, string][] = [
      [`/v1/customers/${ids.mei}?asOf=yesterday`, 'asOf'],
      [`/v1/customers/${ids.mei}?asOf=${future}`, 'asOf'],
      [`/v1/customers/${ids.mei}/loyalty?asOf=2026-13-01T00:00:00Z`, 'asOf'],
      [`/v1/customers/${ids.mei}/timeline?limit=0`, 'limit'],
      [`/v1/customers/${ids.mei}/timeline?before=not-a-cursor`, 'before'],
      [`/v1/customers?email=a%40b.c&limit=abc`, 'limit'],
      [`/v1/customers`, 'q'],
      [`/v1/customers/bad%20id`, 'id'],
    ];
    for (const [path, param] of bad) {
      const res = await get(path);
      expect({ path, status: res.status, param: res.body.error?.violations?.[0]?.path }).toEqual({
        path,
        status: 400,
        param,
      });
    }
    for (const [q, param] of [
      ['minSupport=2', 'minSupport'],
      ['level=sku', 'level'],
      ['sort=weird', 'sort'],
    ]) {
      const res = await get(`/v1/crosssell/rules?${q}`, tokens.analyst);
      expect({ q, status: res.status, param: res.body.error?.violations?.[0]?.path }).toEqual({
        q,
        status: 400,
        param,
      });
    }
  });

  it('live: after a server restart, Last-Event-ID still resumes (older notices are read back from the changes topic)', async () => {
    const id = `c-restart-${run}`;
    await publish([registration(id, now.getTime() - 86_400_000, { name: { given: 'Re' } })]);
    await eventually(async () => (await get(`/v1/customers/${id}`)).status === 200, {
      what: 'the customer',
    });
    const auth = { authorization: `Bearer ${tokens.agent}` };
    const before = await openSse(`${app.url}/v1/customers/${id}/stream`, auth);
    const ready = await before.waitFor((e) => e.event === 'ready', 'ready');
    before.close();
    const at = now.getTime() - 20_000;
    await publish([callLogged(id, at, 'while the agent was away')]);
    await eventually(
      async () =>
        (await get(`/v1/customers/${id}/timeline`)).body.data.items.some((e: Json) => e.ms === at),
      { what: 'the call in the read model' },
    );
    await app.close();
    app = await startApp(touchpointApp, env);
    const resumed = await openSse(`${app.url}/v1/customers/${id}/stream`, {
      ...auth,
      'last-event-id': ready.id!,
    });
    expect(resumed.status).toBe(200);
    const missed = await resumed.waitFor(
      (e) =>
        e.event === 'change' &&
        (e.data as Json).model === 'customer360' &&
        Date.parse((e.data as Json).occurredAt as string) === at,
      'the change made before the restart',
    );
    resumed.close();
    expect((missed.data as Json).customerId).toBe(id);
  });

  it('GET /v1/me says who the token is for', async () => {
    const me = await get('/v1/me', tokens.pii);
    expect(me.body.data).toMatchObject({ sub: 'agent-pii', role: 'agent', pii: true });
    expect(Date.parse(me.body.data.expiresAt as string)).toBeGreaterThan(Date.now());
  });
});

describe('the standalone query app', () => {
  const secret = 'standalone-secret-0123456789-abcdefghij';

  it('given no AUTH_JWT_SECRET, when starting, then a ConfigError names it', async () => {
    const env = isolatedEnv({ LOG_LEVEL: 'error' });
    await expect(startApp(queryApp, env)).rejects.toThrow(/AUTH_JWT_SECRET/);
    await expect(startApp(queryApp, env)).rejects.toBeInstanceOf(ConfigError);
  });

  it('given the shared secret, when an agent asks, then the routes answer with tokens signed by it, and an open stream does not block stopping', async () => {
    const app = await startApp(
      queryApp,
      isolatedEnv({ LOG_LEVEL: 'error', AUTH_JWT_SECRET: secret }),
    );
    let closed = false;
    try {
      const iat = Math.floor(Date.now() / 1000);
      const agent = signJwt({ sub: 'a', role: 'agent', pii: false, iat, exp: iat + 60 }, secret);
      const headers = { authorization: `Bearer ${agent}` };
      const missing = await fetch(`${app.url}/v1/customers/c-unknown`, { headers });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as Json).error.code).toBe('customer_not_found');
      const me = await fetch(`${app.url}/v1/me`, { headers });
      expect(((await me.json()) as Json).data).toMatchObject({ sub: 'a', role: 'agent' });
      const wrongSecret = signJwt(
        { sub: 'a', role: 'agent', pii: false, iat, exp: iat + 60 },
        `${secret}x`,
      );
      expect(
        (await fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer ${wrongSecret}` } }))
          .status,
      ).toBe(401);
      // An open stream must not keep the server from stopping.
      const admin = signJwt({ sub: 'b', role: 'admin', pii: false, iat, exp: iat + 60 }, secret);
      const stream = await openSse(`${app.url}/v1/supervisor/stream?access_token=${admin}`);
      expect(stream.status).toBe(200);
      const started = Date.now();
      closed = true;
      await app.close();
      expect(Date.now() - started).toBeLessThan(15000);
    } finally {
      if (!closed) await app.close();
    }
  });
});
