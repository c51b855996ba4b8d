/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any --
   response bodies are untyped JSON; the assertions are what check their shape */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cli, createKey, eventually, post, purchase, tempDir } from '@touchpoint/testing';

type Json = Record<string, any>;

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'touchpoint', 'src', 'main.js');
/** Enough history that refolding it takes a visible while: the gate has something to wait for. */
const CUSTOMERS = 300;
const ORDERS_EACH = 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** `npm start` as a user runs it: the built all-in-one, its JSON lines collected. */
class Server {
  private readonly child: ChildProcessWithoutNullStreams;
  stdout = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [MAIN], { env, stdio: 'pipe' });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stdout += d.toString()));
  }

  lines(msg: string): Json[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Json)
      .filter((l) => l.msg === msg);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exit = new Promise<number | null>((resolve) => this.child.on('exit', resolve));
    this.child.kill('SIGTERM');
    return exit;
  }
}

/** Records in the embedded log's events files (what the log holds, whatever the models say). */
function eventsInLog(dataDir: string): number {
  const dir = join(dataDir, 'log', 'touchpoint.events');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).length, 0);
}

describe('embedded mode across a restart (npm start, stop, npm start on the same DATA_DIR)', () => {
  let env: Record<string, string>;
  let url: string;
  let key: string;
  let token: string;
  const single = purchase('c-restart', 0);
  const history = Array.from({ length: CUSTOMERS * ORDERS_EACH }, (_, i) =>
    purchase(`c-r-${i % CUSTOMERS}`, 1 + Math.floor(i / CUSTOMERS)),
  );

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first');
    const port = await freePort();
    url = `http://localhost:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'info',
    };
    key = await createKey(env, 'store', '*');
    token = /^(eyJ[\w.-]+)$/m.exec(
      (await cli(env, 'tokens', 'create', '--role', 'agent')).out,
    )![1]!;
  });

  async function view(customerId: string): Promise<Json | undefined> {
    const res = await fetch(`${url}/v1/customers/${customerId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return res.status === 200 ? ((await res.json()) as { data: Json }).data : undefined;
  }

  async function listening(server: Server): Promise<void> {
    await eventually(() => server.lines('listening').length > 0 || undefined, {
      what: `the "listening" line in:\n${server.stdout}`,
      timeoutMs: 60000,
    });
  }

  it('given an accepted event, when the process is stopped and started again, then its resend is 200 duplicate, the demo is all duplicates, the models count it once, and /health answers only once the models are rebuilt', async () => {
    // First life: an event, a history of 3 000 purchases, the demo.
    const first = new Server(env);
    try {
      await listening(first);
      const accepted = await post(`${url}/v1/events`, key, single);
      expect(accepted.status).toBe(202);
      for (let i = 0; i < history.length; i += 500) {
        const res = await post(`${url}/v1/events/batch`, key, history.slice(i, i + 500));
        expect(res.status).toBe(202);
      }
      const demo = await cli(env, 'demo', '--url', url);
      expect(demo.code).toBe(0);
      expect(demo.out).toMatch(/Story 1: .*: [1-9]\d* accepted/);
      await eventually(async () => (await view('c-restart'))?.purchases.orders === 1 || undefined, {
        what: 'the event in the read model',
      });
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const acceptedInFirstLife = eventsInLog(env.DATA_DIR!);
    expect(acceptedInFirstLife).toBeGreaterThan(history.length + 1);

    // Second life, same DATA_DIR: poll /health from the first instant.
    const second = new Server(env);
    try {
      let ready: Response | undefined;
      const deadline = Date.now() + 60000;
      while (!ready && Date.now() < deadline) {
        const res = await fetch(`${url}/health`).catch(() => undefined);
        if (res?.status === 200) ready = res;
        else await new Promise((r) => setTimeout(r, 20));
      }
      expect(ready?.status).toBe(200);
      // The first "ready" already serves the whole history: nothing is read from half-folded models.
      const [restarted, last] = await Promise.all([
        view('c-restart'),
        view(`c-r-${CUSTOMERS - 1}`),
      ]);
      expect(restarted?.purchases.orders).toBe(1);
      expect(last?.purchases.orders).toBe(ORDERS_EACH);
      // The README's promise: send it again, 200 duplicate, with where it landed the first time.
      const again = await post(`${url}/v1/events`, key, single);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({
        status: 'duplicate',
        eventId: single.eventId,
        duplicateOf: { partition: expect.any(Number), offset: expect.any(String) },
      });
      const batch = await post(`${url}/v1/events/batch`, key, history.slice(0, 500));
      expect(((await batch.json()) as Json).duplicates).toBe(500);
      // The demo's promise: a second run is all duplicates.
      const demo = await cli(env, 'demo', '--url', url);
      expect(demo.code).toBe(0);
      const tallies = demo.out.match(/: \d+ accepted, \d+ duplicates/g) ?? [];
      expect(tallies.length).toBeGreaterThan(0);
      for (const t of tallies) expect(t).toMatch(/: 0 accepted, [1-9]\d* duplicates/);

      // The port opened after the refold and the registry, each said in a JSON line.
      const rebuilt = second.lines('rebuilt from the log');
      expect(rebuilt).toHaveLength(1);
      // Three model versions and the archiver refold the log; the port opened after all of them.
      expect(rebuilt[0]).toMatchObject({ records: acceptedInFirstLife });
      expect(rebuilt[0]!.groups).toBeGreaterThanOrEqual(4);
      expect(second.stdout.indexOf('"msg":"rebuilt from the log"')).toBeLessThan(
        second.stdout.indexOf('"msg":"listening"'),
      );
      expect(second.lines('duplicate registry rebuilt from the log')[0]).toMatchObject({
        eventIds: acceptedInFirstLife,
      });

      // Nothing was appended again, and the models count the event once.
      expect(eventsInLog(env.DATA_DIR!)).toBe(acceptedInFirstLife);
      expect((await view('c-restart'))?.purchases.orders).toBe(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 180000);
});
