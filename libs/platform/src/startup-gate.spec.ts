import type { LogFields, Logger } from '@touchpoint/core';
import type { EventLog, PartitionOffsets } from '@touchpoint/ports';
import { StartupGate } from './startup-gate';

/** The two questions the gate asks a log: where it ends, and where each group has got to. */
class FakeLog {
  readonly committed = new Map<string, Map<number, number>>();
  constructor(private readonly ends: number[]) {}

  offsets(): Promise<PartitionOffsets[]> {
    return Promise.resolve(
      this.ends.map((high, partition) => ({ partition, low: '0', high: String(high) })),
    );
  }

  committedOffsets(groupId: string): Promise<{ partition: number; offset: string }[]> {
    return Promise.resolve(
      [...(this.committed.get(groupId) ?? [])].map(([partition, next]) => ({
        partition,
        offset: String(next),
      })),
    );
  }

  commit(groupId: string, partition: number, next: number): void {
    const group = this.committed.get(groupId) ?? new Map<number, number>();
    group.set(partition, next);
    this.committed.set(groupId, group);
  }
}

function recordingLogger(): Logger & { lines: { msg: string; fields: LogFields }[] } {
  const lines: { msg: string; fields: LogFields }[] = [];
  const logger = {
    lines,
    debug: () => undefined,
    info: (msg: string, fields: LogFields = {}) => void lines.push({ msg, fields }),
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** What startEventConsumer does after each batch: the gate hears of it, the log commits it. */
function handled(gate: StartupGate, log: FakeLog, group: string, partition: number, next: number) {
  gate.advanced(group, 'events', partition, String(next));
  log.commit(group, partition, next);
}

describe('StartupGate', () => {
  it('given an empty log, when nothing is followed, then it opens at once with one line', async () => {
    const logger = recordingLogger();
    const gate = new StartupGate(new FakeLog([0, 0]) as unknown as EventLog, logger);
    await gate.pass();
    expect(gate.isOpen).toBe(true);
    expect(logger.lines).toEqual([
      { msg: 'rebuilt from the log', fields: expect.objectContaining({ records: 0, groups: 0 }) },
    ]);
  });

  it('given followed groups, when they fold slowly, then it opens only once each reached the end, with progress lines meanwhile', async () => {
    const log = new FakeLog([3, 5]);
    const logger = recordingLogger();
    const gate = new StartupGate(log as unknown as EventLog, logger, {
      pollMs: 2,
      progressEveryMs: 10,
    });
    gate.follow('model-a', ['events']);
    gate.follow('archiver', ['events']);
    let open = false;
    const passing = gate.pass().then(() => (open = true));
    handled(gate, log, 'model-a', 0, 3);
    handled(gate, log, 'model-a', 1, 5);
    handled(gate, log, 'archiver', 0, 3);
    await tick(40);
    expect(open).toBe(false);
    const progress = logger.lines.filter((l) => l.msg === 'rebuilding from the log');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.fields).toMatchObject({
      percent: 68, // 11 of 16 records
      groups: [
        { group: 'model-a', done: 8, of: 8 },
        { group: 'archiver', done: 3, of: 8 },
      ],
    });
    handled(gate, log, 'archiver', 1, 5);
    await passing;
    expect(logger.lines.at(-1)).toEqual({
      msg: 'rebuilt from the log',
      fields: expect.objectContaining({ records: 8, groups: 2 }),
    });
  });

  it('given groups folding before pass() is called (during the bootstrap hooks), then progress lines already come', async () => {
    const log = new FakeLog([10]);
    const logger = recordingLogger();
    const gate = new StartupGate(log as unknown as EventLog, logger, { progressEveryMs: 5 });
    gate.follow('model-a', ['events']);
    handled(gate, log, 'model-a', 0, 4);
    await tick(30);
    expect(
      logger.lines.filter((l) => l.msg === 'rebuilding from the log').at(-1)?.fields,
    ).toMatchObject({
      percent: 40,
    });
    handled(gate, log, 'model-a', 0, 10);
    await gate.pass();
    const count = logger.lines.length;
    await tick(30);
    expect(logger.lines).toHaveLength(count); // no progress line after the gate opened
  });

  it('given a refold that never lets a timer fire, then the handled batches themselves bring the progress lines, at most one per period', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const log = new FakeLog([100]);
      const logger = recordingLogger();
      const gate = new StartupGate(log as unknown as EventLog, logger);
      gate.follow('model-a', ['events']);
      await Promise.resolve(); // the log's end is known
      const lines = () => logger.lines.filter((l) => l.msg === 'rebuilding from the log');
      handled(gate, log, 'model-a', 0, 10);
      expect(lines()).toHaveLength(0);
      jest.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 2));
      handled(gate, log, 'model-a', 0, 20);
      handled(gate, log, 'model-a', 0, 30);
      expect(lines()).toHaveLength(1);
      expect(lines()[0]!.fields).toMatchObject({
        percent: 20,
        elapsedMs: 2000,
        groups: [{ group: 'model-a', done: 20, of: 100 }],
      });
      jest.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 4));
      handled(gate, log, 'model-a', 0, 60);
      expect(lines()).toHaveLength(2);
      expect(lines()[1]!.fields).toMatchObject({ percent: 60 });
      gate.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('given a group that stops before the end (a bounded replay), then it is no longer waited for', async () => {
    const log = new FakeLog([4]);
    const gate = new StartupGate(log as unknown as EventLog, recordingLogger(), { pollMs: 2 });
    gate.follow('replay', ['events']);
    handled(gate, log, 'replay', 0, 1);
    const passing = gate.pass();
    await tick();
    expect(gate.isOpen).toBe(false);
    gate.unfollow('replay');
    await passing;
    expect(gate.isOpen).toBe(true);
  });

  it('given a task, then it waits for it and reports its own progress; a failed task fails start-up with a code', async () => {
    const logger = recordingLogger();
    const gate = new StartupGate(new FakeLog([0]) as unknown as EventLog, logger, {
      pollMs: 2,
      progressEveryMs: 5,
    });
    let finish!: () => void;
    gate.task('registry', new Promise<void>((resolve) => (finish = resolve)), () => ({
      done: 1,
      total: 4,
    }));
    const passing = gate.pass();
    await tick(20);
    expect(gate.isOpen).toBe(false);
    expect(logger.lines.find((l) => l.msg === 'rebuilding from the log')?.fields).toMatchObject({
      percent: 25,
      tasks: [{ task: 'registry', settled: false, done: 1, of: 4 }],
    });
    finish();
    await passing;

    const failing = new StartupGate(new FakeLog([0]) as unknown as EventLog, recordingLogger(), {
      pollMs: 2,
    });
    failing.task('registry', Promise.reject(new Error('disk gone')));
    await expect(failing.pass()).rejects.toMatchObject({
      code: 'startup_rebuild_failed',
      category: 'internal',
      message: 'registry could not be rebuilt from the log: disk gone',
    });
    expect(failing.isOpen).toBe(false);
  });

  it('given an open gate, then groups and tasks registered later are not waited for', async () => {
    const gate = new StartupGate(new FakeLog([2]) as unknown as EventLog, recordingLogger());
    await gate.pass();
    gate.follow('late', ['events']);
    gate.task('late task', new Promise(() => undefined));
    await gate.pass();
    expect(gate.isOpen).toBe(true);
  });
});
