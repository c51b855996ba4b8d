import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

export interface RealEngines {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  /** Stops the engines when the bench started them. */
  stop(): void;
}

/**
 * The engines named by KAFKA_BROKERS and MONGO_URL, or — when unset — the project's own local
 * engines, started with deploy/local/infra.sh and stopped again after the run.
 */
export function realEngines(log: (line: string) => void): RealEngines {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const mongoUrl = process.env.MONGO_URL;
  if (kafkaBrokers && mongoUrl) return { kafkaBrokers, mongoUrl, stop: () => undefined };
  log('KAFKA_BROKERS/MONGO_URL unset: starting Kafka and FerretDB with deploy/local/infra.sh up');
  const up = spawnSync('bash', ['deploy/local/infra.sh', 'up'], { encoding: 'utf8' });
  process.stderr.write(up.stderr);
  if (up.status !== 0) throw new Error(`deploy/local/infra.sh up failed (exit ${up.status})`);
  const exports = up.stdout;
  // Engines someone else started (another run, the developer) are theirs to stop.
  const ours = !/already running/.test(up.stderr);
  const vars: Record<string, string> = {};
  for (const m of exports.matchAll(/(KAFKA_BROKERS|MONGO_URL)=['"]?([^'"\s]+)/g))
    vars[m[1]!] = m[2]!;
  if (!vars.KAFKA_BROKERS || !vars.MONGO_URL)
    throw new Error(`infra.sh up printed no KAFKA_BROKERS/MONGO_URL: ${exports}`);
  return {
    kafkaBrokers: vars.KAFKA_BROKERS,
    mongoUrl: vars.MONGO_URL,
    stop: () => {
      if (!ours) return;
      log('stopping the engines the bench started (deploy/local/infra.sh down)');
      execFileSync('bash', ['deploy/local/infra.sh', 'down'], { stdio: 'inherit' });
    },
  };
}

/** Names no other run or test uses: each benchmark gets its own topics and database. */
export function runId(): string {
  return `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export function kafkaClient(brokers: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** The store's name and version as it reports itself (FerretDB says so in buildInfo). */
export async function storeVersion(mongoUrl: string): Promise<string> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = (info as { ferretdbVersion?: string }).ferretdbVersion;
    return ferret
      ? `FerretDB ${ferret} (MongoDB wire ${String(info.version)})`
      : `MongoDB ${String(info.version)}`;
  } finally {
    await client.close();
  }
}
