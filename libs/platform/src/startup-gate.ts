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
 * was when the gate first looked (nothing appends to the events topic before the port opens),
 * and until every other registered task (the ingest duplicate registry) is done; then it logs one
 * line with the totals.
 *
 * Progress: the groups start folding during Nest's bootstrap hooks, before `pass` is called, and
 * an embedded refold runs on promises that are already resolved, so timers may not fire until it
 * is over. Consumers therefore report each handled batch (`advanced`), and the gate logs a
 * progress line from there at most every `progressEveryMs` (a timer covers the quiet moments).
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
  private nextProgressAt: number;
  private ticker?: NodeJS.Timeout;
  /** Each topic's end, read once: nothing appends to it before the port opens. */
  private readonly ends = new Map<string, Promise<PartitionOffsets[]>>();
  private readonly knownEnds = new Map<string, PartitionOffsets[]>();
  /** group → `topic/partition` → next offset handled (for progress; completion asks the log). */
  private readonly handled = new Map<string, Map<string, bigint>>();

  constructor(
    private readonly log: EventLog,
    private readonly logger: Logger,
    options: StartupGateOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.progressEveryMs = options.progressEveryMs ?? 2000;
    this.nextProgressAt = this.created + this.progressEveryMs;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** A consumer group that rebuilds memory from the beginning of `topics`. */
  follow(groupId: string, topics: readonly string[]): void {
    if (this.opened) return;
    this.groups.set(groupId, topics);
    for (const topic of topics) {
      void this.endOf(topic).then(
        (end) => this.knownEnds.set(topic, end),
        () => undefined, // pass() reads it again and reports the failure
      );
    }
    this.watch();
  }

  /** A followed group handled a batch: `next` is the partition's next offset to handle. */
  advanced(groupId: string, topic: string, partition: number, next: string): void {
    if (this.opened || !this.groups.has(groupId)) return;
    let positions = this.handled.get(groupId);
    if (!positions) {
      positions = new Map();
      this.handled.set(groupId, positions);
    }
    positions.set(`${topic}/${partition}`, BigInt(next));
    this.progress();
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

  /** Resolves once every followed group committed the log's end and every task is done. */
  async pass(): Promise<void> {
    let last: Snapshot;
    try {
      for (;;) {
        last = await this.committedSnapshot();
        const failed = this.tasks.find((t) => t.failure !== undefined);
        if (failed) {
          throw new AppError(
            'startup_rebuild_failed',
            'internal',
            `${failed.name} could not be rebuilt from the log: ${errorMessage(failed.failure)}`,
          );
        }
        if (last.done) break;
        this.progress();
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
    this.ticker = setInterval(() => this.progress(), Math.max(1, this.progressEveryMs / 2));
    this.ticker.unref();
  }

  /** A progress line when one is due; cheap enough to call after every batch. */
  private progress(): void {
    if (this.opened) return;
    const now = Date.now();
    if (now < this.nextProgressAt) return;
    this.nextProgressAt = now + this.progressEveryMs;
    const snapshot = this.snapshot((group, topic) => {
      const end = this.knownEnds.get(topic);
      if (!end) return undefined;
      const positions = this.handled.get(group);
      return end.map((p) => ({ ...p, next: positions?.get(`${topic}/${p.partition}`) }));
    });
    this.logger.info('rebuilding from the log', {
      percent: percent(snapshot),
      elapsedMs: now - this.created,
      groups: snapshot.groups,
      tasks: snapshot.tasks,
    });
  }

  private endOf(topic: string): Promise<PartitionOffsets[]> {
    let end = this.ends.get(topic);
    if (!end) {
      end = this.log.offsets(topic);
      this.ends.set(topic, end);
    }
    return end;
  }

  /** Where each group stands by its committed positions: what opening the gate relies on. */
  private async committedSnapshot(): Promise<Snapshot> {
    const positions = new Map<string, PartitionPosition[]>();
    for (const [group, topics] of [...this.groups]) {
      for (const topic of topics) {
        const end = await this.endOf(topic);
        const committed = new Map(
          (await this.log.committedOffsets(group, topic)).map((c) => [
            c.partition,
            BigInt(c.offset),
          ]),
        );
        positions.set(
          `${group}\u0000${topic}`,
          end.map((p) => ({ ...p, next: committed.get(p.partition) })),
        );
      }
    }
    return this.snapshot((group, topic) => positions.get(`${group}\u0000${topic}`));
  }

  private snapshot(
    positionsOf: (group: string, topic: string) => PartitionPosition[] | undefined,
  ): Snapshot {
    const groups: Snapshot['groups'] = [];
    let done = true;
    for (const [group, topics] of this.groups) {
      let position = 0;
      let total = 0;
      let known = true;
      for (const topic of topics) {
        const partitions = positionsOf(group, topic);
        if (!partitions) {
          known = false;
          continue;
        }
        for (const p of partitions) {
          const low = BigInt(p.low);
          const high = BigInt(p.high);
          const next = p.next ?? low;
          position += Number((next < high ? next : high) - low);
          total += Number(high - low);
        }
      }
      // A group that stopped meanwhile is no longer waited for (and not in this.groups).
      groups.push({ group, done: position, of: total });
      if (!known || position < total) done = false;
    }
    const tasks = this.tasks.map((t) => {
      const p = t.progress?.();
      return { task: t.name, settled: t.settled, ...(p ? { done: p.done, of: p.total } : {}) };
    });
    if (this.tasks.some((t) => !t.settled)) done = false;
    return { groups, tasks, done };
  }
}

interface PartitionPosition extends PartitionOffsets {
  /** Next offset the group will handle; absent: nothing yet (the partition's low). */
  readonly next?: bigint;
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
