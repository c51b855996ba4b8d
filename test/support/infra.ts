import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * Finds real engines for integration and end-to-end tests, in the order DESIGN §6 fixes:
 * explicit URLs → testcontainers when a container engine answers → the project's local scripts.
 * Under CI=true nothing is ever skipped: a missing engine fails the run.
 */
export interface Infra {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  readonly eventStoreUrl?: string;
  readonly source: 'explicit' | 'testcontainers' | 'local-scripts';
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');
const log = (line: string) => process.stderr.write(`[test-infra] ${line}\n`);

export async function provisionInfra(env: NodeJS.ProcessEnv): Promise<Infra> {
  if (env.KAFKA_BROKERS && env.MONGO_URL) {
    await assertReachable('KAFKA_BROKERS', env.KAFKA_BROKERS.split(',')[0]!);
    await assertReachable('MONGO_URL', hostPortOfMongo(env.MONGO_URL));
    log(`using explicit KAFKA_BROKERS=${env.KAFKA_BROKERS} MONGO_URL=${env.MONGO_URL}`);
    return {
      kafkaBrokers: env.KAFKA_BROKERS,
      mongoUrl: env.MONGO_URL,
      eventStoreUrl: env.EVENTSTORE_URL,
      source: 'explicit',
      stop: () => Promise.resolve(),
    };
  }
  if (await containerEngineAnswers()) {
    log('a container engine answers: starting Kafka, MongoDB and KurrentDB with testcontainers');
    return startContainers(env);
  }
  log('no container engine: starting Kafka and FerretDB with deploy/local/infra.sh');
  return startLocal(env);
}

async function containerEngineAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function startContainers(env: NodeJS.ProcessEnv): Promise<Infra> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo, kurrent] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new MongoDBContainer('mongo:7.0').start(),
    new GenericContainer('docker.kurrent.io/kurrent-latest/kurrentdb:25.0')
      .withEnvironment({
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'None',
        KURRENTDB_MEM_DB: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .start(),
  ]);
  return {
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    mongoUrl: `${mongo.getConnectionString()}?directConnection=true`,
    eventStoreUrl:
      env.EVENTSTORE_URL ?? `esdb://${kurrent.getHost()}:${kurrent.getMappedPort(2113)}?tls=false`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.allSettled([kafka.stop(), mongo.stop(), kurrent.stop()]);
    },
  };
}

async function startLocal(env: NodeJS.ProcessEnv): Promise<Infra> {
  const wasRunning = (await script(['status'])).stdout.includes('kafka: running');
  const up = await script(['up'], true);
  if (up.code !== 0) {
    throw new Error(
      `deploy/local/infra.sh up failed (exit ${up.code}). It needs Java 17, Maven and Go; ` +
        'or set KAFKA_BROKERS and MONGO_URL to engines you run yourself.',
    );
  }
  const vars = Object.fromEntries(
    [...up.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  if (!vars.KAFKA_BROKERS || !vars.MONGO_URL)
    throw new Error(`infra.sh up printed no URLs:\n${up.stdout}`);
  return {
    kafkaBrokers: vars.KAFKA_BROKERS,
    mongoUrl: vars.MONGO_URL,
    eventStoreUrl: env.EVENTSTORE_URL,
    source: 'local-scripts',
    // Engines a developer started by hand stay up; the ones we started go down with the run.
    stop: async () => {
      if (!wasRunning) await script(['down'], true);
    },
  };
}

function script(args: string[], showProgress = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(ROOT, 'deploy', 'local', 'infra.sh'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', showProgress ? 'inherit' : 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

function hostPortOfMongo(url: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]+@)?([^/?,]+)/.exec(url);
  return m?.[1] ?? url;
}

function assertReachable(variable: string, hostPort: string): Promise<void> {
  const idx = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, idx);
  const port = Number(hostPort.slice(idx + 1) || 27017);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`${variable}=${hostPort} is set but nothing answers there (${why})`));
    };
    socket.once('timeout', () => fail('timeout'));
    socket.once('error', (e) => fail(e.message));
  });
}
