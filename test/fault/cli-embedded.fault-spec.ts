import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, post, purchase, tempDir } from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { builtCli } from './support/built-cli';
import { type FaultRow, reportFault } from './support/fault-report';
import { faultMode } from './support/fault-mode';

const CUSTOMERS = 20;
const ORDERS_EACH = 3;

/**
 * Scenario 8 of issue 16: the CLI beside an embedded server. Tried as a new user would, a refused
 * command deleted the running server's log lock, after which `promote` reported a success the
 * server never applied.
 */
describe('fault 8: the CLI on an embedded DATA_DIR', () => {
  it('given a running embedded server, when CLI commands are refused, then its lock stays; frozen promotes need --force; changes say they apply at start; a second rollback is refused naming the active version', async () => {
    const mode = faultMode();
    const env = { PORT: '0', DATA_DIR: tempDir('touchpoint-fault-cli-'), LOG_LEVEL: 'warn' };
    const lock = join(env.DATA_DIR, 'log', 'LOCK');
    const key = (await builtCli(env, 'keys', 'create', '--channel', 'store', '--types', '*')).stdout
      .split('\n')[0]!
      .trim();
    const token = (await builtCli(env, 'tokens', 'create', '--role', 'agent')).stdout.trim();
    const checks: Record<string, boolean> = {};
    const details: Record<string, unknown> = {};
    let acknowledged = 0;
    let folded = 0;

    const server = new AppProcess('touchpoint', env);
    await server.start();
    try {
      const orders = Array.from({ length: CUSTOMERS * ORDERS_EACH }, (_, i) =>
        purchase(`c-cli-${i % CUSTOMERS}`, Math.floor(i / CUSTOMERS)),
      );
      const res = await post(`${server.url}/v1/events/batch`, key, orders);
      const body = (await res.json()) as { accepted?: number };
      acknowledged = res.status === 202 ? (body.accepted ?? 0) : 0;

      // 1. Refused while the server holds the log; the lock stays the server's, twice over.
      const refused = await builtCli(env, 'promote', 'loyalty', 'v1');
      const refusedAgain = await builtCli(env, 'models', 'list');
      checks['a refused command exits non-zero naming the holder'] =
        refused.code === 1 && refused.stderr.includes(`in use by process ${server.pid}`);
      checks['the server still holds its lock after a refused command'] =
        readFileSync(lock, 'utf8').trim() === String(server.pid);
      checks['the next command is refused too'] =
        refusedAgain.code === 1 && refusedAgain.stderr.includes('in use by process');
      details.refused = refused.stderr.trim();
    } finally {
      checks['the server stopped cleanly'] = (await server.stop()) === 0;
    }

    // 2. Server stopped: a frozen as-of version, promoted only with --force.
    const replay = await builtCli(env, 'replay', 'loyalty', '--as', 'q1', '--until', '2026-01-01');
    const promote = await builtCli(env, 'promote', 'loyalty', 'q1');
    const forced = await builtCli(env, 'promote', 'loyalty', 'q1', '--force');
    checks['replay --until builds a frozen version'] = replay.code === 0;
    checks['promote of a frozen version is refused without --force'] =
      promote.code === 1 && /frozen as of .*--force/.test(promote.stderr);
    checks['promote --force says the version is frozen'] =
      forced.code === 0 && forced.stdout.includes('q1 is FROZEN as of');
    checks['promote says it takes effect when the server starts'] = forced.stdout.includes(
      'takes effect when the server starts',
    );
    details.promoteRefused = promote.stderr.trim();
    details.promoteForced = forced.stdout.trim();

    // 3. Rollback once, then a second one refused, naming the active version.
    const rollback = await builtCli(env, 'rollback', 'loyalty');
    const again = await builtCli(env, 'rollback', 'loyalty');
    checks['rollback names the active version'] =
      rollback.code === 0 && rollback.stdout.includes('v1 is active');
    checks['a second rollback is refused, naming the active version'] =
      again.code === 1 && again.stderr.includes('v1 is active, rolled back from q1 already');
    details.rollback = rollback.stdout.trim();
    details.secondRollback = again.stderr.trim();

    // 4. What the CLI said would happen at start happens: the server serves q1 after a promote.
    await builtCli(env, 'promote', 'loyalty', 'q1', '--force');
    const restarted = new AppProcess('touchpoint', env);
    await restarted.start();
    try {
      const agent = { authorization: `Bearer ${token}` };
      const loyalty = (await (
        await fetch(`${restarted.url}/v1/customers/c-cli-0/loyalty`, { headers: agent })
      ).json()) as { freshness?: { version?: string } };
      checks['the restarted server serves the version promoted while it was stopped'] =
        loyalty.freshness?.version === 'q1';
      for (let c = 0; c < CUSTOMERS; c++) {
        const view = await eventually(
          async () => {
            const r = await fetch(`${restarted.url}/v1/customers/c-cli-${c}`, { headers: agent });
            return r.status === 200
              ? ((await r.json()) as { data: { purchases: { orders: number } } })
              : undefined;
          },
          { what: `c-cli-${c} served`, timeoutMs: 30000 },
        );
        folded += view.data.purchases.orders;
      }
    } finally {
      await restarted.stop();
    }

    const row: FaultRow = {
      scenario: '8 CLI beside an embedded server',
      guarantee:
        'refused command keeps the lock; frozen promote needs --force; after-restart effect said; no silent second rollback',
      mode: mode.name,
      acknowledged,
      folded,
      lost: Math.max(0, acknowledged - folded),
      doubleCounted: Math.max(0, folded - acknowledged),
      checks: { ...checks, 'every acknowledged purchase counted once': folded === acknowledged },
      details,
    };
    reportFault(row);
    expect(acknowledged).toBe(CUSTOMERS * ORDERS_EACH);
    expect(row.checks).toEqual(Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])));
  }, 300_000);
});
