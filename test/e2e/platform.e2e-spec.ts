import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@touchpoint/config';
import { KafkaEventLog } from '@touchpoint/adapters';
import { StartupError, startApp } from '@touchpoint/platform';
import { isolatedEnv, tempDir } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

const ROOT = join(__dirname, '..', '..');

describe('the all-in-one app on the real engines', () => {
  it('given Kafka and a MongoDB-compatible server, when it starts, then topics exist and /health and /metrics answer', async () => {
    const env = isolatedEnv();
    const running = await startApp(touchpointApp, env);
    try {
      const health = await fetch(`${running.url}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as {
        status: string;
        checks: Record<string, { kind: string; status: string }>;
      };
      expect(body.status).toBe('ok');
      expect(body.checks.log).toMatchObject({ kind: 'kafka', status: 'up' });
      expect(body.checks.store).toMatchObject({ kind: 'mongodb', status: 'up' });

      const metrics = await fetch(`${running.url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('touchpoint_http_request_duration_seconds');
      expect(text).toContain('touchpoint_process_cpu_seconds_total');

      const log = new KafkaEventLog({
        brokers: env.KAFKA_BROKERS!.split(','),
        clientId: 'e2e',
        connectTimeoutMs: 10000,
      });
      await log.connect();
      const offsets = await log.offsets(`${env.TOPIC_PREFIX}.events`);
      await log.close();
      expect(offsets).toHaveLength(3);

      const missing = await fetch(`${running.url}/nope`, {
        headers: { 'x-correlation-id': 'corr-e2e-1' },
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-correlation-id')).toBe('corr-e2e-1');
      expect(await missing.json()).toMatchObject({
        error: { code: 'route_not_found' },
        correlationId: 'corr-e2e-1',
      });
    } finally {
      await running.close();
    }
  });

  it('given a malformed setting, when starting, then a ConfigError names the variable', async () => {
    await expect(
      startApp(touchpointApp, isolatedEnv({ KAFKA_TOPIC_PARTITIONS: 'many' })),
    ).rejects.toThrow(ConfigError);
    await expect(
      startApp(touchpointApp, isolatedEnv({ KAFKA_TOPIC_PARTITIONS: 'many' })),
    ).rejects.toThrow(/KAFKA_TOPIC_PARTITIONS/);
  });

  it('given an unreachable broker, when starting, then it fails fast naming KAFKA_BROKERS', async () => {
    const started = Date.now();
    const error = await startApp(
      touchpointApp,
      isolatedEnv({ KAFKA_BROKERS: '127.0.0.1:1', ENGINE_CONNECT_TIMEOUT_MS: '2000' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).variable).toBe('KAFKA_BROKERS');
    expect((error as StartupError).message).toMatch(/cannot use Kafka at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15000);
  });

  it('given existing topics, when the configuration asks for other partitions, then start-up refuses and names the setting', async () => {
    const env = isolatedEnv();
    const first = await startApp(touchpointApp, env);
    await first.close();
    const error = await startApp(touchpointApp, { ...env, KAFKA_TOPIC_PARTITIONS: '4' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).message).toMatch(
      /has 3 partitions, KAFKA_TOPIC_PARTITIONS says 4/,
    );
  });

  it('given a port in use, when a second instance starts on it, then it fails naming PORT', async () => {
    const first = await startApp(touchpointApp, isolatedEnv());
    try {
      const port = new URL(first.url).port;
      const error = await startApp(touchpointApp, isolatedEnv({ PORT: port })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StartupError);
      expect((error as StartupError).variable).toBe('PORT');
    } finally {
      await first.close();
    }
  });
});

/** The built programs, as a user runs them (`npm start` runs the first one). */
describe('the built processes', () => {
  const main = (app: string) => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');

  beforeAll(() => {
    if (!existsSync(main('touchpoint')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  });

  it('given no engines configured, when the README quick start is followed, then the embedded mode records an event, answers /health, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const env = { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, [main('touchpoint')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no "listening" line in:\n${stdout}`));
      }, 30000);
      child.stdout.on('data', () => {
        const m = /"msg":"listening".*?"url":"(http:\/\/localhost:\d+)"/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    try {
      const health = (await (await fetch(`${url}/health`)).json()) as {
        checks: Record<string, { kind: string }>;
      };
      expect(health.checks.log!.kind).toBe('embedded');
      expect(health.checks.store!.kind).toBe('embedded');

      // The CLI creates a key while the server runs, as the README shows.
      const keys = spawnSync(
        process.execPath,
        [main('cli'), 'keys', 'create', '--channel', 'web', '--types', '*'],
        {
          env,
          encoding: 'utf8',
        },
      );
      expect(keys.status).toBe(0);
      const key = keys.stdout.trim();
      const event = {
        eventId: randomUUID(),
        type: 'web.visited',
        schemaVersion: 2,
        anonymousId: 'v-77f',
        channel: 'web',
        occurredAt: '2026-11-20T10:00:00+08:00',
        payload: {
          sessionId: 's-1',
          pages: [{ path: '/strollers' }],
          productsViewed: [],
          cartAdds: [],
          checkoutStarted: false,
          converted: false,
        },
      };
      const send = () =>
        fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
      expect((await send()).status).toBe(202);
      expect((await send()).status).toBe(200);
    } finally {
      const exit = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
    // Accepted means durable: the record is in the embedded log's files after the process is gone.
    const files = readdirSync(join(dataDir, 'log', 'touchpoint.events')).filter((f) =>
      f.endsWith('.jsonl'),
    );
    const lines = files.flatMap((f) =>
      readFileSync(join(dataDir, 'log', 'touchpoint.events', f), 'utf8')
        .split('\n')
        .filter(Boolean),
    );
    expect(lines).toHaveLength(1);
  });

  it.each([
    [
      'touchpoint',
      { PORT: 'x' },
      2,
      /^touchpoint: configuration error: PORT: expected an integer TCP port/,
    ],
    [
      'ingest',
      {},
      2,
      /KAFKA_BROKERS is not set: a standalone app needs the real engines; run `npm start`/,
    ],
    [
      'touchpoint',
      { KAFKA_BROKERS: '127.0.0.1:1', ENGINE_CONNECT_TIMEOUT_MS: '1500' },
      1,
      /^touchpoint: cannot use Kafka at 127\.0\.0\.1:1: .*\(check KAFKA_BROKERS\)$/m,
    ],
  ])(
    'given %s with bad settings %j, then it exits %d with one clear line and no stack trace',
    async (app, env, code, pattern) => {
      const child = spawn(process.execPath, [main(app)], {
        env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: tempDir(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(exitCode).toBe(code);
      expect(stderr).toMatch(pattern);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('given the CLI, when asked for help, then it lists its commands', async () => {
    const child = spawn(process.execPath, [main('cli'), '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(stdout).toMatch(/^touchpoint <command>/);
    expect(stdout).toContain('init');
  });
});
