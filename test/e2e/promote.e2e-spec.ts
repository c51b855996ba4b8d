/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApp, startApp } from '@touchpoint/platform';
import {
  cli,
  createKey,
  eventually,
  isolatedEnv,
  meiStory,
  post,
  tempDir,
} from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

type Json = Record<string, any>;

/**
 * SCENARIOS 7 over HTTP: an analyst replays loyalty with a stricter policy as v2, promotes it
 * and rolls it back while agents keep reading. Every lookup must succeed, and each one must be
 * evaluated with the policy of the version that served it.
 */
describe('promote and rollback while agents read (Kafka and the MongoDB-compatible server)', () => {
  let env: Record<string, string>;
  let app: RunningApp;
  let agentToken: string;
  const customerId = `c-mei-${randomUUID().slice(0, 6)}`;

  async function loyalty(): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${app.url}/v1/customers/${customerId}/loyalty`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    env = isolatedEnv({ MODEL_CATALOG_POLL_MS: '500' });
    app = await startApp(touchpointApp, env);
    const token = await cli(env, 'tokens', 'create', '--role', 'agent', '--sub', 'agent-7');
    agentToken = token.out.trim();
    const keys = new Map<string, string>();
    for (const e of meiStory(customerId, new Date()).events) {
      const channel = e.channel as string;
      if (!keys.has(channel)) keys.set(channel, await createKey(env, channel, '*'));
      const res = await post(`${app.url}/v1/events`, keys.get(channel), e);
      expect(res.status).toBe(202);
    }
    await eventually(
      async () => {
        const l = await loyalty();
        return l.status === 200 && l.body.data.points.redeemed === 2000;
      },
      { what: "Mei's loyalty account on v1", timeoutMs: 40000 },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('given v2 needs 12 purchases for very_loyal, when it is promoted and rolled back under load, then no lookup fails and the tier follows the active version', async () => {
    const v1 = (await loyalty()).body;
    expect(v1.data.tier).toBe('very_loyal');
    expect(v1.freshness.version).toBe('v1');

    const defaults = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'docs', 'models.default.json'), 'utf8'),
    ) as { loyalty: { tiers: { name: string; minPurchases: number }[] } };
    const stricter = {
      ...defaults.loyalty,
      tiers: defaults.loyalty.tiers.map((t) =>
        t.name === 'very_loyal' ? { ...t, minPurchases: 12 } : t,
      ),
    };
    const file = join(tempDir(), 'loyalty-v2.json');
    writeFileSync(file, JSON.stringify({ loyalty: stricter }));
    const replay = await cli(env, 'replay', 'loyalty', '--as', 'v2', '--config', file);
    expect(replay.code).toBe(0);

    // A steady load of lookups from four agents while the pointer moves twice.
    const seen: { status: number; version?: string; tier?: string }[] = [];
    let running = true;
    const agents = Array.from({ length: 4 }, async () => {
      while (running) {
        const r = await loyalty();
        seen.push({
          status: r.status,
          version: r.body.freshness?.version as string | undefined,
          tier: r.body.data?.tier as string | undefined,
        });
      }
    });

    expect((await cli(env, 'promote', 'loyalty', 'v2')).code).toBe(0);
    await eventually(async () => (await loyalty()).body.freshness.version === 'v2', {
      what: 'readers on v2',
      timeoutMs: 10000,
    });
    const v2 = (await loyalty()).body;
    expect(v2.data.tier).toBe('loyal');

    expect((await cli(env, 'rollback', 'loyalty')).code).toBe(0);
    await eventually(async () => (await loyalty()).body.freshness.version === 'v1', {
      what: 'readers back on v1',
      timeoutMs: 10000,
    });
    running = false;
    await Promise.all(agents);

    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    // Each answer is consistent with the version that served it.
    const tiers = new Set(seen.map((s) => `${s.version}:${s.tier}`));
    expect([...tiers].sort()).toEqual(['v1:very_loyal', 'v2:loyal']);
    expect((await loyalty()).body.data.tier).toBe('very_loyal');
  });
});
