import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS } from '@touchpoint/contracts';
import { readCustomerTimeline } from '@touchpoint/archiver';
import { type RunningApp, startApp } from '@touchpoint/platform';
import {
  cli,
  createKey,
  eventually,
  isolatedEnv,
  post,
  purchase,
  tempDir,
} from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

const modes: [string, () => Record<string, string>][] = [
  ['Kafka and the MongoDB-compatible server', () => isolatedEnv()],
  ['the embedded log and store', () => ({ PORT: '0', LOG_LEVEL: 'error', DATA_DIR: tempDir() })],
];

/** The all-in-one process archives with the embedded event store, rebuilt from the log on start. */
describe.each(modes)('HTTP in → log → archiver → customer stream, on %s', (_name, makeEnv) => {
  let env: Record<string, string>;
  let app: RunningApp | undefined;

  beforeAll(() => {
    env = makeEnv();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('given events sent over HTTP, then the timeline pages through them newest first, survives a restart (rebuilt from the log), and export-customer writes them all', async () => {
    app = await startApp(touchpointApp, env);
    const key = await createKey(env, 'store', '*');
    const customerId = `c-arch-${randomUUID().slice(0, 8)}`;
    const registered = {
      ...EXAMPLE_EVENTS['customer.registered'],
      eventId: randomUUID(),
      customerId,
      channel: 'store',
    };
    const sent = [
      registered,
      purchase(customerId, 1),
      purchase(customerId, 2),
      purchase(customerId, 3),
    ];
    const res = await post(`${app.url}/v1/events/batch`, key, sent);
    expect(res.status).toBe(202);
    const newestFirst = sent.map((e) => e.eventId as string).reverse();

    const pageThrough = async (running: RunningApp) => {
      const seen: string[] = [];
      let page = await readCustomerTimeline(running.ctx.engines.eventStore, customerId, {
        limit: 3,
      });
      seen.push(...page.items.map((i) => i.event.eventId));
      while (page.next) {
        page = await readCustomerTimeline(running.ctx.engines.eventStore, customerId, {
          limit: 3,
          before: page.next,
        });
        seen.push(...page.items.map((i) => i.event.eventId));
      }
      return seen;
    };
    const running = app;
    await eventually(async () => ((await pageThrough(running)).length === 4 ? true : undefined), {
      what: 'the archived timeline',
    });
    expect(await pageThrough(running)).toEqual(newestFirst);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /touchpoint_archiver_events_total\{[^}]*outcome="appended"[^}]*\} [1-9]/,
    );
    const health = (await (await fetch(`${app.url}/health`)).json()) as {
      checks: Record<string, { status: string; kind: string }>;
    };
    expect(health.checks.eventStore).toMatchObject({ status: 'up', kind: 'embedded' });

    await app.close();
    app = await startApp(touchpointApp, env);
    const restarted = app;
    await eventually(async () => ((await pageThrough(restarted)).length === 4 ? true : undefined), {
      what: 'the timeline rebuilt from the log',
    });
    expect(await pageThrough(restarted)).toEqual(newestFirst);
    // The embedded log has one writer: the CLI reads it once the server is stopped.
    await app.close();
    app = undefined;

    const exported = await cli(env, 'export-customer', customerId);
    expect(exported.code).toBe(0);
    const lines = exported.out.split('\n').map((l) => JSON.parse(l) as { eventId: string });
    expect(lines.map((l) => l.eventId)).toEqual([...newestFirst].reverse());
  });
});
