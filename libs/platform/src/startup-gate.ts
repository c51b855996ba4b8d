import { AppError, type Logger, errorMessage } from '@touchpoint/core';
import type { EventLog, PartitionOffsets } from '@touchpoint/ports';

/** How far a piece of start-up work has come (records, events, ids: whatever it counts). */
export interface GateProgress {
  readonly done: number;
  readonly total: number;
}

export interface StartupGateOptions {
  /** How often the gate looks at the groups' positions. */
  readonly pollMs?: number;
  /** A progress line while the gate is still closed after this long, and again every so long. */
  readonly progressEveryMs?: number;
}

interface Task {
  readonly name: string;
  readonly progress?: () => GateProgress;
  settled: boolean;
  failure?: unknown;
}

/**
 * What a process whose memory is rebuilt from the log must finish before it opens its port.
 *
 * With the embedded log, consumer positions live in the process's memory, so every group that
 * reads from the beginning (each live model version's projector group, the archiver) refolds
 * the whole log on start: the gate waits until each of them has committed the log's end as it
 * was when the gate began to wait (nothing appends to the events topic before the port opens),
 * and until every other registered task (the ingest duplicate registry) is done. From the first
 * group or task registered (the groups start folding during Nest's bootstrap hooks, before
 * `pass` is called) it logs a progress line every `progressEveryMs` until it opens; then one
 * line with the totals.
 *
 * Groups that start after the gate opened, and groups that stop on their own before the end (a
 * bounded replay), are not waited for.
 */
export class StartupGate {
  private readonly groups = new Map<string, readonly string[]>();
  private readonly tasks: Task[] = [];
  private opened = false;
  private readonly pollMs: number;
  private readonly progressEveryMs: number;
  private readonly created = Date.now();
  private ticker?: NodeJS.Timeout;
  /** Each topic's end, read once: nothing appends to it before the port opens. */
  private readonly ends = new Map<string, Promise<PartitionOffsets[]>>();

  constructor(
    private readonly log: EventLog,
    private readonly logger: Logger,
    options: StartupGateOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.progressEveryMs = options.progressEveryMs ?? 2000;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** A consumer group that rebuilds memory from the beginning of `topics`. */
  follow(groupId: string, topics: readonly string[]): void {
    if (this.opened) return;
    this.groups.set(groupId, topics);
    this.watch();
  }

  /** A followed group that stopped (a bounded replay reached its bound, a shutdown). */
  unfollow(groupId: string): void {
    this.groups.delete(groupId);
  }

  /** Other work the port waits for; a failure keeps the port closed and fails start-up. */
  task(name: string, work: Promise<unknown>, progress?: () => GateProgress): void {
    if (this.opened) return;
    const task: Task = { name, progress, settled: false };
    this.tasks.push(task);
    this.watch();
    void work.then(
      () => {
        task.settled = true;
      },
      (e: unknown) => {
        task.settled = true;
        task.failure = e;
      },
    );
  }

  /** Resolves once every followed group reached the log's end and every task is done. */
  async pass(): Promise<void> {
    let last: Snapshot;
    try {
      for (;;) {
        last = await this.snapshot();
        const failed = this.tasks.find((t) => t.failure !== undefined);
        if (failed) {
          throw new AppError(
            'startup_rebuild_failed',
            'internal',
            `${failed.name} could not be rebuilt from the log: ${errorMessage(failed.failure)}`,
          );
        }
        if (last.done) break;
        await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      }
    } finally {
      this.stop();
    }
    this.opened = true;
    const records = (await Promise.all(this.ends.values()))
      .flat()
      .reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
    this.logger.info('rebuilt from the log', {
      records,
      groups: last.groups.length,
      tasks: last.tasks.map((t) => t.task),
      ms: Date.now() - this.created,
    });
  }

  /** No more progress lines (start-up failed before the gate opened). */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private watch(): void {
    if (this.ticker || this.opened) return;
    this.ticker = setInterval(() => void this.report(), this.progressEveryMs);
    this.ticker.unref();
  }

  private async report(): Promise<void> {
    try {
      const now = await this.snapshot();
      if (this.opened || now.done || !this.ticker) return;
      this.logger.info('rebuilding from the log', {
        percent: percent(now),
        elapsedMs: Date.now() - this.created,
        groups: now.groups,
        tasks: now.tasks,
      });
    } catch (e) {
      // pass() meets the same failure and reports it; a progress line is only a courtesy.
      this.logger.debug('startup progress unavailable', { error: errorMessage(e) });
    }
  }

  private endOf(topic: string): Promise<PartitionOffsets[]> {
    let end = this.ends.get(topic);
    if (!end) {
      end = this.log.offsets(topic);
      this.ends.set(topic, end);
    }
    return end;
  }

  private async snapshot(): Promise<Snapshot> {
    const groups: Snapshot['groups'] = [];
    let done = true;
    for (const [group, topics] of [...this.groups]) {
      let position = 0;
      let total = 0;
      for (const topic of topics) {
        const end = await this.endOf(topic);
        const committed = new Map(
          (await this.log.committedOffsets(group, topic)).map((c) => [
            c.partition,
            BigInt(c.offset),
          ]),
        );
        for (const p of end) {
          const low = BigInt(p.low);
          const high = BigInt(p.high);
          const next = committed.get(p.partition) ?? low;
          position += Number((next < high ? next : high) - low);
          total += Number(high - low);
        }
      }
      // A group that stopped meanwhile is no longer waited for.
      if (!this.groups.has(group)) continue;
      groups.push({ group, done: position, of: total });
      if (position < total) done = false;
    }
    const tasks = this.tasks.map((t) => {
      const p = t.progress?.();
      return { task: t.name, settled: t.settled, ...(p ? { done: p.done, of: p.total } : {}) };
    });
    if (this.tasks.some((t) => !t.settled)) done = false;
    return { groups, tasks, done };
  }
}

interface Snapshot {
  readonly groups: { group: string; done: number; of: number }[];
  readonly tasks: { task: string; settled: boolean; done?: number; of?: number }[];
  readonly done: boolean;
}

function percent(s: Snapshot): number {
  let done = 0;
  let total = 0;
  for (const g of s.groups) {
    done += g.done;
    total += g.of;
  }
  for (const t of s.tasks) {
    done += t.done ?? (t.settled ? 1 : 0);
    total += t.of ?? 1;
  }
  return total === 0 ? 100 : Math.floor((done / total) * 100);
}
