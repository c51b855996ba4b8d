import { MongoReadModelStore } from '@touchpoint/adapters';
import { RuntimeConfig } from '@touchpoint/config';
import type { RecordedEvent } from '@touchpoint/contracts';
import { type AppContext, type RunningApp, closeEngines, startApp } from '@touchpoint/platform';
import { buildVersion, contentDigest, instantiate, versionLag } from '@touchpoint/projector';
import { DEFAULT_POLICIES, ModelCatalog, modelKind } from '@touchpoint/read-models';
import {
  appContextFor,
  appendEvents,
  differencesFromOracle,
  eventually,
  isolatedEnv,
  oracleFoldModel,
  prng,
  realEngines,
  tempDir,
  workload,
} from '@touchpoint/testing';
import { projectorApp } from '../apps/projector/src/projector.app';

const LIVE = ['customer360', 'loyalty', 'crosssell'] as const;
const until = new Date('2026-11-01T00:00:00Z');

/**
 * Client retries: some events reach the log twice, at two offsets. The log is in event-time
 * order, as channels send it: a retry then lands inside its document's horizon, where it is
 * recognised however the batches fall (one older than the horizon is counted, by design:
 * docs/models.md), while 700 days of history make the models compact.
 */
function withRetries(events: readonly RecordedEvent[], seed: number): RecordedEvent[] {
  const rand = prng(seed);
  return [...events]
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
    .flatMap((e) => (rand() < 0.05 ? [e, e] : [e]));
}

async function caughtUp(ctx: AppContext, versions: readonly string[]): Promise<void> {
  for (const model of LIVE) {
    for (const version of versions) {
      await eventually(async () => (await versionLag(ctx, model, version)) === 0, {
        what: `${model} ${version} to catch up`,
        timeoutMs: 180000,
        intervalMs: 500,
      });
    }
  }
}

describe('model versions on Kafka + FerretDB, with the projector running', () => {
  let app: RunningApp;
  let ctx: AppContext;
  let catalog: ModelCatalog;

  beforeAll(async () => {
    const env = isolatedEnv({ MODEL_CATALOG_POLL_MS: '300', KAFKA_SESSION_TIMEOUT_MS: '6000' });
    app = await startApp(projectorApp, env);
    ctx = app.ctx;
    catalog = new ModelCatalog(ctx.engines.store);
    await appendEvents(
      ctx,
      withRetries(workload({ seed: 61, events: 900, customers: 70, until, days: 700 }), 1),
    );
    await caughtUp(ctx, ['v1']);
  }, 240000);

  afterAll(async () => {
    await app?.close();
  });

  it('given the live v1, when the same code and configuration are replayed as v2, then the documents are identical, and v2 is kept live afterwards', async () => {
    for (const model of LIVE) {
      const started = Date.now();
      const result = await buildVersion(
        ctx,
        catalog,
        { kind: modelKind(model), version: 'v2', policy: DEFAULT_POLICIES[model] },
        { now: new Date() },
      );
      expect(result.state).toBe('built');
      const live = await contentDigest(ctx.engines.store, `${model}_v1`);
      const replayed = await contentDigest(ctx.engines.store, `${model}_v2`);
      process.stderr.write(
        `[replay] ${model}: ${replayed.documents} documents in ${Date.now() - started} ms\n`,
      );
      expect(live.documents).toBeGreaterThan(10);
      expect(replayed).toEqual(live);
      expect((await catalog.entry(model, 'v2'))?.status).toBe('live');
    }
    const before = await contentDigest(ctx.engines.store, 'loyalty_v2');
    // Live processing continues into both versions.
    await appendEvents(ctx, workload({ seed: 62, events: 200, customers: 90, until, days: 30 }));
    await caughtUp(ctx, ['v1', 'v2']);
    for (const model of LIVE) {
      expect(await contentDigest(ctx.engines.store, `${model}_v2`)).toEqual(
        await contentDigest(ctx.engines.store, `${model}_v1`),
      );
    }
    expect((await contentDigest(ctx.engines.store, 'loyalty_v2')).digest).not.toBe(before.digest);
  }, 300000);

  it('given lookups running through the active pointer, when promote and rollback switch versions, then no lookup fails and both versions serve', async () => {
    // A separate connection, as the query app would have.
    const runtime = app.ctx.config.get(RuntimeConfig);
    const reader = new MongoReadModelStore(realEngines().mongoUrl, runtime.MONGO_DB, 10000);
    await reader.connect();
    const readers = new ModelCatalog(reader);
    try {
      const keys = (await reader.page('loyalty_v1', { limit: 40 })).map((r) => r.id);
      expect(keys.length).toBeGreaterThan(10);
      let running = true;
      const served = new Map<string, number>();
      const failures: string[] = [];
      let lookups = 0;
      const worker = async (w: number) => {
        for (let i = w; running; i++) {
          const key = keys[i % keys.length]!;
          try {
            const { version, collection } = await readers.activeCollection('loyalty');
            const doc = await reader.get(collection, key);
            if (!doc) failures.push(`${key} missing from ${collection}`);
            served.set(version, (served.get(version) ?? 0) + 1);
          } catch (e) {
            failures.push(String(e));
          }
          lookups++;
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 250));
        if (i % 2 === 0) await catalog.promote('loyalty', 'v2');
        else await catalog.rollback('loyalty');
      }
      await new Promise((r) => setTimeout(r, 250));
      running = false;
      await Promise.all(workers);
      process.stderr.write(
        `[promote] ${lookups} lookups, served ${JSON.stringify(Object.fromEntries(served))}\n`,
      );
      expect(failures).toEqual([]);
      expect(served.get('v1')).toBeGreaterThan(0);
      expect(served.get('v2')).toBeGreaterThan(0);
      expect(await readers.activeVersion('loyalty')).toBe('v1');
    } finally {
      await reader.close();
    }
  }, 120000);
});

describe.each(['kafka+ferretdb', 'embedded'] as const)('as-of rebuilds (%s)', (mode) => {
  it('given late arrivals, when rebuilt as of an instant by event time and by ingest time, then each equals an oracle fold of exactly the events before it on that axis', async () => {
    const env =
      mode === 'embedded'
        ? {
            DATA_DIR: tempDir(),
            TOPIC_PREFIX: 'asof',
            KAFKA_TOPIC_PARTITIONS: '3',
            LOG_LEVEL: 'error',
          }
        : isolatedEnv();
    const ctx = await appContextFor(env);
    try {
      const rand = prng(5);
      // A third of the events arrive 5 to 90 days after they happened.
      const events = workload({ seed: 63, events: 700, customers: 50, until, days: 400 }).map(
        (e) =>
          rand() < 0.33
            ? {
                ...e,
                receivedAt: new Date(
                  Date.parse(e.occurredAt) + (5 + Math.floor(rand() * 85)) * 86400_000,
                ).toISOString(),
              }
            : e,
      );
      await appendEvents(ctx, withRetries(events, 2));
      const instant = new Date('2026-06-01T00:00:00Z');
      const before = {
        event: events.filter((e) => Date.parse(e.occurredAt) < instant.getTime()),
        ingest: events.filter((e) => Date.parse(e.receivedAt) < instant.getTime()),
      };
      // The axes must disagree, or the test would not tell them apart.
      expect(before.event.length).toBeGreaterThan(before.ingest.length);
      expect(before.ingest.length).toBeGreaterThan(100);
      const catalog = new ModelCatalog(ctx.engines.store, (m) => modelKind(m).liveByDefault);
      for (const model of ['loyalty', 'contactpreference', 'customer360']) {
        const kind = modelKind(model);
        for (const time of ['event', 'ingest'] as const) {
          const version = `asof-${time}`;
          const result = await buildVersion(
            ctx,
            catalog,
            { kind, version, policy: kind.projection.defaultPolicy, until: { at: instant, time } },
            { now: new Date() },
          );
          expect(result.state).toBe('built');
          expect(result.entry.status).toBe('frozen');
          const expected = oracleFoldModel(
            instantiate(kind, version, kind.projection.defaultPolicy),
            before[time],
          );
          const { stored, differing } = await differencesFromOracle(
            ctx.engines.store,
            `${model}_${version}`,
            expected,
          );
          expect({ model, time, differing: differing.slice(0, 5) }).toEqual({
            model,
            time,
            differing: [],
          });
          expect(stored).toBe(expected.size);
          expect(stored).toBeGreaterThan(5);
        }
      }
    } finally {
      await closeEngines(ctx.engines);
    }
  }, 300000);
});
