import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Admin } from 'kafkajs';
import { encodeRecordedEvent, eventHeaders, type RecordedEvent } from '@touchpoint/contracts';
import type { EventLog } from '@touchpoint/ports';
import { BROKER_RETRY, COORDINATOR_WAIT, type RetryPolicy, withRetry } from './retry';

export const ROOT = resolve(__dirname, '..', '..');
export const PROFILE_DIR = join(ROOT, 'bench', 'profiles');
export const LOG_DIR = join(ROOT, 'bench', 'logs');

export interface Child {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs one built app (`dist/…`) as its own process, as it is deployed, so the bench's own work
 * does not share its event loop. With `profile`, Node writes a CPU profile when it exits.
 */
export function spawnApp(
  script: string,
  env: Record<string, string>,
  options: { profile: boolean; name: string },
): Child {
  const args: string[] = [];
  if (options.profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    args.push(
      '--cpu-prof',
      `--cpu-prof-dir=${PROFILE_DIR}`,
      `--cpu-prof-name=${options.name}.cpuprofile`,
    );
  }
  const child = spawn(process.execPath, [...args, resolve(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave an app behind when the bench itself stops early.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  // The app's own log (warnings and errors at LOG_LEVEL=warn) is kept for diagnosis.
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = createWriteStream(join(LOG_DIR, `${options.name}.log`));
  child.stdout.on('data', (d: Buffer) => logFile.write(d));
  child.once('close', () => logFile.end());
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    logFile.write(d);
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null)
      process.stderr.write(`${options.name} exited with ${code}: ${stderr}\n`);
    if (!stopping)
      appDied ??= new Error(
        `${options.name} exited while under test (${signal ?? `code ${code}`}); its log is bench/logs/${options.name}.log${stderr ? `: ${stderr.slice(-500)}` : ''}`,
      );
  });
  return {
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 20000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Waits until the app answers /health, or fails after the timeout. */
export async function waitHealthy(url: string, child: Child, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null)
      throw new Error(`the app at ${url} exited during start-up`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the app at ${url} did not answer /health within ${timeoutMs} ms`);
}

/**
 * Appends events in batches through the port (Kafka: acks=all), keyed and with the headers ingest
 * gives them (consumers that filter by type read the header instead of decoding the value).
 */
export async function appendEvents(
  log: EventLog,
  topic: string,
  events: Iterable<RecordedEvent>,
  batchSize = 1000,
): Promise<{ count: number; bytes: number }> {
  let batch: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
  let count = 0;
  let bytes = 0;
  for (const event of events) {
    const value = encodeRecordedEvent(event);
    bytes += value.length;
    batch.push({
      key: event.customerId ?? event.anonymousId ?? '',
      value,
      headers: eventHeaders(event),
    });
    if (batch.length >= batchSize) {
      await log.append(topic, batch);
      count += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await log.append(topic, batch);
    count += batch.length;
  }
  return { count, bytes };
}

/** Records the groups have committed, summed over partitions (the slowest group counts). */
export async function committed(
  admin: Admin,
  topic: string,
  groups: readonly string[],
  policy: RetryPolicy = BROKER_RETRY,
): Promise<number> {
  const per = await Promise.all(
    groups.map(async (groupId) => {
      const [offsets] = await withRetry(
        `fetching the offsets of ${groupId}`,
        () => admin.fetchOffsets({ groupId, topics: [topic] }),
        policy,
        sleep,
      );
      return (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    }),
  );
  return Math.min(...per);
}

/**
 * Waits until the broker serves the groups' offsets: on a broker that has just started, their
 * coordinator is still loading (or moving) for a while, and the first fetch would fail a run.
 */
export async function waitForCoordinators(
  admin: Admin,
  topic: string,
  groups: readonly string[],
): Promise<void> {
  await committed(admin, topic, groups, COORDINATOR_WAIT);
}

export async function topicEnd(admin: Admin, topic: string): Promise<number> {
  const offsets = await withRetry(
    `fetching the end offsets of ${topic}`,
    () => admin.fetchTopicOffsets(topic),
    BROKER_RETRY,
    sleep,
  );
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

export interface Sample {
  readonly at: number;
  readonly done: number;
}

/** Polls until `probe` reaches `target` or the time runs out; returns what it saw. */
export async function watch(
  probe: () => Promise<number>,
  target: number,
  { timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await probe();
    samples.push({ at: Date.now(), done });
    if (done >= target || Date.now() > deadline) return samples;
    await sleep(intervalMs);
  }
}

/** Events per second from the first sample that shows progress to the last one. */
export function rateOf(samples: readonly Sample[]): {
  rate: number;
  seconds: number;
  done: number;
} {
  const first = samples.find((s) => s.done > 0);
  const last = samples[samples.length - 1];
  if (!first || !last) return { rate: 0, seconds: 0, done: last?.done ?? 0 };
  // The first progress already covers one poll interval of work; start the clock one sample
  // earlier. A small backlog can be folded whole between two polls: then that interval is all.
  const before = samples[samples.indexOf(first) - 1] ?? first;
  if (last.at === before.at) return { rate: 0, seconds: 0, done: last.done };
  const seconds = (last.at - before.at) / 1000;
  return { rate: last.done / seconds, seconds, done: last.done };
}

/** Set when an app under test exits without being stopped; the next wait in the bench throws it. */
let appDied: Error | undefined;

/**
 * Every wait of the bench goes through here, so a crashed or killed app fails the benchmark
 * that waits for it at once instead of leaving the run polling a process that is gone.
 */
export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  const died = appDied;
  if (died) {
    appDied = undefined;
    throw died;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
