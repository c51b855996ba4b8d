/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { type RunningApp, startApp } from '@touchpoint/platform';
import { DEMO_GUIDE, DEMO_PEOPLE } from '@touchpoint/scenarios';
import { cli, eventually, isolatedEnv, tempDir } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

const quiet = { LOG_LEVEL: 'error', AUDIT_SINK: 'store' };
const modes: [string, () => Record<string, string>][] = [
  ['the embedded log and store', () => ({ PORT: '0', DATA_DIR: tempDir(), ...quiet })],
  ['Kafka and the MongoDB-compatible server', () => isolatedEnv(quiet)],
];
const p = DEMO_PEOPLE;

describe.each(modes)('touchpoint demo on %s', (_name, makeEnv) => {
  let env: Record<string, string>;
  let app: RunningApp;
  let token: string;
  let firstRun: string;

  async function get(path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${app.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** What each story should show, read through the agent API (data only, not freshness). */
  async function storyViews(): Promise<Json> {
    const data = async (path: string) => (await get(path)).body.data;
    return {
      meiByPhone: await data('/v1/customers?phone=8613800138000'),
      meiLoyalty: await data(`/v1/customers/${p.mei}/loyalty?asOf=2030-01-01T00:00:00Z`),
      registered: (await data(`/v1/customers/${p.registered}`)).web,
      wangNba: await data(`/v1/customers/${p.wang}/next-best-action`),
      baby: await data(`/v1/customers/${p.babyBottle}/recommendations`),
      laptop: await data(`/v1/customers/${p.laptop}/recommendations`),
      zhao: await data(`/v1/customers/${p.zhao}/loyalty?asOf=2030-01-01T00:00:00Z`),
      erased: await data(`/v1/customers/${p.erased}`).then((v: Json) => ({
        identity: v.identity,
        contact: v.contact,
        contacts: v.totalContacts,
      })),
    };
  }

  beforeAll(async () => {
    env = makeEnv();
    app = await startApp(touchpointApp, env);
    const run = await cli(env, 'demo', '--url', app.url);
    expect(run.code).toBe(0);
    firstRun = run.out;
    token = /^(eyJ[\w.-]+)$/m.exec(run.out)?.[1] ?? '';
    // Story 8 is published last: once c-0042 is erased, every story has been folded.
    await eventually(
      async () => {
        const res = await get(`/v1/customers/${p.erased}`);
        return res.status === 200 && res.body.data.identity.erased === true;
      },
      { what: 'the last story in the read models', timeoutMs: 40000 },
    );
    await eventually(
      async () => (await get(`/v1/customers/${p.laptop}/recommendations`)).body.data?.length > 0,
      { what: 'the cross-sell model', timeoutMs: 20000 },
    );
  }, 120000);

  afterAll(async () => {
    await app?.close();
  });

  it('prints progress per story, the duplicates of the POS re-send, a working supervisor token and what to search for', async () => {
    expect(firstRun).toMatch(/Story 1: .*: 13 accepted, 0 duplicates/);
    expect(firstRun).toMatch(/Story 6: .*: 0 accepted, 5 duplicates/);
    expect(firstRun).toContain(`Open ${app.url} and paste this agent token`);
    expect(firstRun).toContain('MEI.LIN@example.cn');
    expect(firstRun).toContain('npx touchpoint demo --resolve');
    const me = await get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ role: 'supervisor', pii: true });
  });

  it('every search term the demo prints finds its customer', async () => {
    for (const g of DEMO_GUIDE) {
      if (g.search === null) continue;
      const found = await get(`/v1/customers?q=${encodeURIComponent(g.search)}`);
      expect({ q: g.search, ids: found.body.data.map((c: Json) => c.customerId) }).toEqual({
        q: g.search,
        ids: [g.customerId],
      });
      expect(firstRun).toContain(`${app.url}/customers/${g.customerId}`);
    }
  });

  it('story 1: Mei is found by 8613800138000 and is very loyal', async () => {
    const found = await get('/v1/customers?phone=8613800138000');
    expect(found.body.data).toEqual([
      expect.objectContaining({ customerId: p.mei, name: 'Mei Lin', tier: 'very_loyal' }),
    ]);
    const byEmail = await get('/v1/customers?q=MEI.LIN%40example.cn');
    expect(byEmail.body.data.map((c: Json) => c.customerId)).toEqual([p.mei]);
  });

  it('story 2: c-2031 shows the 3 web sessions of v-77f, 100 % abandonment and the stroller', async () => {
    const web = (await get(`/v1/customers/${p.registered}`)).body.data.web;
    expect(web).toMatchObject({ sessions: 3, abandonedSessions: 2, abandonmentRate: 1 });
    expect(web.productsViewed.map((x: Json) => x.sku)).toContain('STR-400');
  });

  it("story 3: Wang's next best action is resolving K-5512", async () => {
    const nba = (await get(`/v1/customers/${p.wang}/next-best-action`)).body.data;
    expect(nba.actions[0]).toMatchObject({ kind: 'resolve_complaint', ref: p.complaint });
  });

  it('story 4: the baby-bottle buyer is recommended baby food; the top-decile laptop buyer a premium camera', async () => {
    const baby = (await get(`/v1/customers/${p.babyBottle}/recommendations`)).body.data as Json[];
    expect(baby.find((r) => r.target === 'baby/food')?.explanation).toMatch(
      /baby\/feeding → baby\/food/,
    );
    const laptop = (await get(`/v1/customers/${p.laptop}/recommendations`)).body.data as Json[];
    expect(laptop[0]).toMatchObject({
      target: 'electronics/cameras/premium',
      source: 'value_segment_chain',
    });
  });

  it('story 5: Zhao is occasional and lapsed', async () => {
    expect((await get(`/v1/customers/${p.zhao}/loyalty`)).body.data.tier).toBe('occasional');
    expect((await get(`/v1/customers/${p.zhao}`)).body.data.lifecycle.stage).toBe('lapsed');
  });

  it('story 8: c-0042 shows no personal data, even to a token with the PII scope', async () => {
    const view = (await get(`/v1/customers/${p.erased}`)).body.data;
    expect(view.contact).toEqual({ name: null, email: null, phone: null, loyaltyCardId: null });
    expect(view.profile).toEqual({ birthDate: null, address: null });
    expect(JSON.stringify(view)).not.toMatch(/yan\.su|Yan|0042 0042|1988-02-02/);
  });

  it('running demo twice changes nothing: every event is a duplicate and every story reads the same', async () => {
    const before = await storyViews();
    // As if run three days earlier: other dates, the same event ids (a future --now is refused by ingest).
    const earlier = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const again = await cli(env, 'demo', '--url', app.url, '--now', earlier);
    expect(again.code).toBe(0);
    const tallies = again.out.match(/: \d+ accepted, \d+ duplicates/g) ?? [];
    expect(tallies).toHaveLength(7);
    for (const t of tallies) expect(t).toMatch(/: 0 accepted, [1-9]\d* duplicates/);
    expect(await storyViews()).toEqual(before);
  });

  it('demo --resolve resolves K-5512 with 500 goodwill points and a CSAT of 5', async () => {
    const res = await cli(env, 'demo', '--url', app.url, '--resolve');
    expect(res.code).toBe(0);
    const view = await eventually(
      async () => {
        const v = (await get(`/v1/customers/${p.wang}`)).body.data;
        return v.satisfaction.latestCsat ? v : undefined;
      },
      { what: "Wang's CSAT answer" },
    );
    expect(view.complaints.open).toEqual([]);
    expect(view.complaints.resolved[0]).toMatchObject({
      complaintId: p.complaint,
      compensationPoints: 500,
    });
    expect(view.satisfaction.latestCsat.score).toBe(5);
    const nba = (await get(`/v1/customers/${p.wang}/next-best-action`)).body.data.actions;
    expect(nba.map((a: Json) => a.kind)).not.toContain('resolve_complaint');
  });
});

describe('touchpoint demo without a server', () => {
  it('says how to start one and exits non-zero', async () => {
    const stderr: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const env = { DATA_DIR: tempDir(), LOG_LEVEL: 'error' };
      const res = await cli(env, 'demo', '--url', 'http://127.0.0.1:9');
      expect(res.code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toMatch(
      /no Touchpoint server answers at http:\/\/127\.0\.0\.1:9: start it with 'npm start'/,
    );
  });
});
