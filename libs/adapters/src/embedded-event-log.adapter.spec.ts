import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventLog } from './embedded-event-log.adapter';

/** A live process other than this one, to hold the lock the way a running server does. */
function holder() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

describe('the embedded log lock', () => {
  it('given a DATA_DIR held by a live process, when a connect is refused and the log closed, then the holder still owns the lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-lock-'));
    mkdirSync(join(dir, 'log'));
    const server = holder();
    try {
      writeFileSync(join(dir, 'log', 'LOCK'), String(server.pid));
      const refused = new EmbeddedEventLog(dir);
      await expect(refused.connect()).rejects.toMatchObject({ code: 'data_dir_locked' });
      await refused.close();
      expect(readFileSync(join(dir, 'log', 'LOCK'), 'utf8')).toBe(String(server.pid));
      // And the next command is refused too, rather than writing beside the server.
      await expect(new EmbeddedEventLog(dir).connect()).rejects.toMatchObject({
        code: 'data_dir_locked',
      });
    } finally {
      server.stop();
    }
  });

  it('given the lock was taken over after a crash of its holder, then close leaves the new holder its lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-lock-'));
    const log = new EmbeddedEventLog(dir);
    await log.connect();
    const other = holder();
    try {
      writeFileSync(join(dir, 'log', 'LOCK'), String(other.pid));
      await log.close();
      expect(readFileSync(join(dir, 'log', 'LOCK'), 'utf8')).toBe(String(other.pid));
    } finally {
      other.stop();
    }
  });
});
