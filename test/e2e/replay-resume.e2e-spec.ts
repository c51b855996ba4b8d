import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeEngines } from '@touchpoint/platform';
import { contentDigest, liveModels } from '@touchpoint/projector';
import { ModelCatalog } from '@touchpoint/read-models';
import {
  appContextFor,
  appendEvents,
  differencesFromOracle,
  eventually,
  isolatedEnv,
  oracleFoldModel,
  workload,
} from '@touchpoint/testing';

const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

const children: ChildProcess[] = [];

function run(args: readonly string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  children.push(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('touchpoint replay, interrupted with Ctrl-C and run again', () => {
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('given a replay stopped by SIGINT midway, when the same command runs again, then it resumes and the result equals an uninterrupted replay', async () => {
    if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first');
    const env = isolatedEnv({ KAFKA_TOPIC_PARTITIONS: '6' });
    const ctx = await appContextFor(env);
    try {
      const events = workload({
        seed: 64,
        events: 3000,
        customers: 300,
        until: new Date('2026-11-01T00:00:00Z'),
        days: 700,
      });
      await appendEvents(ctx, events);
      const store = ctx.engines.store;

      const first = run(['replay', 'customer360', '--as', 'v2'], env);
      // Interrupt once some documents are written, well before the end.
      await eventually(async () => (await store.count('customer360_v2')) > 0, {
        what: 'the replay to write documents',
        timeoutMs: 120000,
        intervalMs: 50,
      });
      first.child.kill('SIGINT');
      const firstCode = await first.exited;
      const partial = await store.count('customer360_v2');
      process.stderr.write(
        `[resume] first run: exit ${firstCode}, ${partial} documents\n${first.output().stderr}${first.output().stdout}`,
      );
      expect(firstCode).toBe(130);
      expect(first.output().stdout).toMatch(
        /stopped at \d+\/\d+ events; run the same command to resume/,
      );
      const catalog = new ModelCatalog(store);
      expect((await catalog.entry('customer360', 'v2'))?.status).toBe('building');

      const second = run(['replay', 'customer360', '--as', 'v2'], env);
      const secondCode = await second.exited;
      process.stderr.write(`[resume] second run: exit ${secondCode}\n${second.output().stderr}`);
      expect(secondCode).toBe(0);
      expect(second.output().stdout).toMatch(/customer360 v2: built \(resumed\)/);

      const whole = run(['replay', 'customer360', '--as', 'v3'], env);
      expect(await whole.exited).toBe(0);
      expect(whole.output().stdout).toMatch(/customer360 v3: built —/);

      const resumed = await contentDigest(store, 'customer360_v2');
      const uninterrupted = await contentDigest(store, 'customer360_v3');
      expect(partial).toBeLessThan(resumed.documents);
      expect(resumed).toEqual(uninterrupted);
      // And both are what the pure functions say.
      const model = liveModels().find((m) => m.model === 'customer360')!;
      const { differing } = await differencesFromOracle(
        store,
        'customer360_v2',
        oracleFoldModel(model, events),
      );
      expect(differing.slice(0, 5)).toEqual([]);
    } finally {
      await closeEngines(ctx.engines);
    }
  }, 600000);
});
