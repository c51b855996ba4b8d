import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '@touchpoint/testing';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs deploy/local/infra.sh against a directory of this test's own, so the engine it starts has
 * its own port, data and pid file: stopping or killing it disturbs no other test and none of the
 * shared engines (the ones `infra.sh up` started for everybody).
 */
export function privateInfra(dir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      [join(ROOT, 'deploy', 'local', 'infra.sh'), ...command.split(' ')],
      {
        env: { ...process.env, TOUCHPOINT_INFRA_DIR: dir, TOUCHPOINT_KAFKA_HEAP: '512m' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`infra.sh ${command} failed:\n${err}`)),
    );
  });
}

/** A FerretDB of one scenario: stopped, killed and started again on the same port and data. */
export class PrivateStore {
  private constructor(
    readonly dir: string,
    readonly url: string,
  ) {}

  static async start(): Promise<PrivateStore> {
    const dir = tempDir('touchpoint-fault-store-');
    const out = await privateInfra(dir, 'start-ferretdb');
    const url = /export MONGO_URL=(\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`infra.sh start-ferretdb printed no MONGO_URL:\n${out}`);
    return new PrivateStore(dir, url);
  }

  /** A graceful stop (SIGTERM), as an operator or an orchestrator stops it. */
  async stop(): Promise<void> {
    await privateInfra(this.dir, 'stop-ferretdb');
  }

  /** A crash: SIGKILL, whatever it was writing. */
  async kill(): Promise<void> {
    await privateInfra(this.dir, 'kill-ferretdb');
  }

  async restart(): Promise<void> {
    const out = await privateInfra(this.dir, 'start-ferretdb');
    if (!out.includes(this.url))
      throw new Error(`FerretDB came back elsewhere than ${this.url}:\n${out}`);
  }

  async down(): Promise<void> {
    await privateInfra(this.dir, 'stop-ferretdb');
  }
}
