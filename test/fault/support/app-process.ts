import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@touchpoint/testing';

const ROOT = join(__dirname, '..', '..', '..');

export type BuiltApp = 'ingest' | 'projector' | 'query' | 'archiver' | 'touchpoint';

/** The heap ceiling and memory limit an app is deployed with (deploy/k8s/<app>.yaml). */
export interface DeployedMemory {
  /** Node options of the manifest's NODE_OPTIONS (the V8 heap ceiling). */
  readonly nodeOptions: readonly string[];
  /** The container's memory limit: the resident set the process must stay under. */
  readonly limitMiB: number;
}

/**
 * Read from the Kubernetes manifest, so the scenarios run each app with the memory it is
 * deployed with and hold it to that limit; an app without a manifest (the embedded all-in-one)
 * runs with Node's defaults.
 */
export function deployedMemory(app: BuiltApp): DeployedMemory | undefined {
  const manifest = join(ROOT, 'deploy', 'k8s', `${app}.yaml`);
  if (!existsSync(manifest)) return undefined;
  const text = readFileSync(manifest, 'utf8');
  const options = /name: NODE_OPTIONS, value: ([^}]+?)\s*}/.exec(text)?.[1];
  const limit = /limits: {[^}]*memory: (\d+)Mi/.exec(text)?.[1];
  if (options === undefined || limit === undefined)
    throw new Error(
      `${manifest}: no NODE_OPTIONS or memory limit where the fault suite reads them`,
    );
  return { nodeOptions: options.split(/\s+/), limitMiB: Number(limit) };
}

/** What a process's log said, kept bounded: a long scenario must not grow the test's memory. */
const KEPT_LINES = 400;

/**
 * One built app (dist/apps/<name>) as its own process, as it is deployed: it is the built code
 * that has to survive the fault, with its own memory and its own view of the engines.
 */
export class AppProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private lines: string[] = [];
  private partial = '';
  private rssTimer: NodeJS.Timeout | undefined;
  url = '';
  /** Largest resident set seen by the sampler, in MiB. */
  peakRssMiB = 0;
  readonly memory: DeployedMemory | undefined;

  constructor(
    readonly app: BuiltApp,
    private readonly env: Record<string, string>,
  ) {
    this.memory = deployedMemory(app);
  }

  /** Whether the process stayed under its deployed memory limit (always true without one). */
  get withinMemoryLimit(): boolean {
    return this.peakRssMiB > 0 && this.peakRssMiB < (this.memory?.limitMiB ?? Infinity);
  }

  static main(app: BuiltApp): string {
    const main = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
    if (!existsSync(main))
      throw new Error(`${main} is missing: run \`npm run build\` (npm test does it first)`);
    return main;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** False once the process exited, by itself or by a signal (exitCode stays null then). */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Starts the process and resolves once it logged `listening` (its port is open). */
  async start(timeoutMs = 90_000): Promise<this> {
    const main = AppProcess.main(this.app);
    this.lines = [];
    const child = spawn(process.execPath, [...(this.memory?.nodeOptions ?? []), main], {
      // info at least: the `listening` line is how the harness learns the port.
      env: { PATH: process.env.PATH ?? '', ...this.env, LOG_LEVEL: 'info' },
      stdio: 'pipe',
    });
    this.child = child;
    const collect = (d: Buffer) => {
      const text = this.partial + d.toString();
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const listening = await eventually(
      () => {
        if (child.exitCode !== null)
          throw new Error(`${this.app} exited ${child.exitCode}:\n${this.tail()}`);
        for (const line of this.lines) {
          if (!line.includes('"msg":"listening"')) continue;
          return (JSON.parse(line) as { url: string }).url;
        }
        return undefined;
      },
      { what: `${this.app} to listen`, timeoutMs, intervalMs: 100 },
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${this.tail()}`);
    });
    this.url = listening;
    this.rssTimer = setInterval(() => this.sampleRss(), 500);
    this.rssTimer.unref();
    return this;
  }

  /** The resident set now (MiB), from /proc; undefined when the process is gone. */
  rssMiB(): number | undefined {
    const pid = this.child?.pid;
    if (!pid || !this.running) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
      return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : undefined;
    } catch {
      return undefined;
    }
  }

  private sampleRss(): void {
    const rss = this.rssMiB();
    if (rss !== undefined && rss > this.peakRssMiB) this.peakRssMiB = rss;
  }

  /** The log lines kept (the newest KEPT_LINES), for failure messages. */
  tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }

  /** Log lines whose JSON `msg` is `msg`. */
  logged(msg: string): string[] {
    return this.lines.filter((l) => l.includes(`"msg":"${msg}"`));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<number | null> {
    clearInterval(this.rssTimer);
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }
}
