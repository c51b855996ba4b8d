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
