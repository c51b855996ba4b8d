import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
  readonly loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.versions.node,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** Where deploy/local/infra.sh caches the Kafka jars (its TOUCHPOINT_CACHE), newest version first. */
export function kafkaHome(): { home: string; version: string } | undefined {
  const cache = process.env.TOUCHPOINT_CACHE || join(homedir(), '.cache', 'touchpoint');
  if (!existsSync(cache)) return undefined;
  const homes = readdirSync(cache)
    .filter((d) => /^kafka-\d/.test(d) && existsSync(join(cache, d, 'libs')))
    .sort()
    .reverse();
  const name = homes[0];
  return name ? { home: join(cache, name), version: name.slice('kafka-'.length) } : undefined;
}

/** Peak resident memory of a running process (Linux), in bytes. */
export function peakRss(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) so far of every process whose command line matches, by label. */
export function cpuSecondsByProcess(
  matchers: Readonly<Record<string, (cmdline: string) => boolean>>,
): Map<string, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const sums = new Map<string, number>(Object.keys(matchers).map((k) => [k, 0]));
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return sums;
  }
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const label = Object.keys(matchers).find((k) => matchers[k]!(cmdline));
      if (label === undefined) continue;
      // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(rest[11]) + Number(rest[12]);
      sums.set(label, (sums.get(label) ?? 0) + ticks / ticksPerSecond);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sums;
}

/** Who used the CPU between two readings, as "% of one core" each. */
export function cpuShares(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  seconds: number,
): string {
  return [...after.entries()]
    .map(
      ([label, s]) => `${label} ${Math.round((100 * (s - (before.get(label) ?? 0))) / seconds)} %`,
    )
    .join(', ');
}
