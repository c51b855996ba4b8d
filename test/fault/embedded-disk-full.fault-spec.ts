import {
  eventually,
  legDidNotRun,
  purchase,
  smallDisk,
  smallDiskUnavailable,
} from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { BatchClient, type Order, ordersPerCustomer } from './support/batch-client';
import { builtCli } from './support/built-cli';
import { faultMode } from './support/fault-mode';
import { type FaultRow, reportFault } from './support/fault-report';

const CUSTOMERS = 40;
const BATCH = 10;
const SUITE = 'fault 6: the embedded all-in-one on a data directory that fills up';

/**
 * Scenario 6 of issue 16 (its full-disk half): DATA_DIR on a small tmpfs that ingest fills. A
 * full disk is answered 503 `disk_full` with Retry-After and nothing of the refused requests is
 * written (the process is SIGKILLed while the disk is full and restarted once space returns: its
 * models count exactly what was acknowledged); then the refused events are sent again and are
 * all accepted.
 */
const noDisk = smallDiskUnavailable();
if (noDisk !== undefined && process.env.CI !== 'true') {
  legDidNotRun(SUITE, noDisk);
} else {
  describe(SUITE, () => {
    it('given ingest filling DATA_DIR, when the disk is full, then requests are refused 503 disk_full and nothing refused is written; after space returns the refused events are accepted and every event is counted once', async () => {
      const mode = faultMode();
      const disk = smallDisk(mode.name === 'full' ? 8 * 1024 : 1024);
      const env = { PORT: '0', DATA_DIR: disk.dir, LOG_LEVEL: 'warn' };
      let app: AppProcess | undefined;
      try {
        const key = (
          await builtCli(env, 'keys', 'create', '--channel', 'store', '--types', '*')
        ).stdout
          .split('\n')[0]!
          .trim();
        const token = (await builtCli(env, 'tokens', 'create', '--role', 'agent')).stdout.trim();
        const client = new BatchClient(key);
        const { acknowledged, unacknowledged: refused, answers } = client;
        let seq = 0;
        const next = (): Order[] =>
          Array.from({ length: BATCH }, () => {
            const n = seq++;
            return purchase(`c-full-${n % CUSTOMERS}`, Math.floor(n / CUSTOMERS)) as Order;
          });
        const send = (url: string, batch: Order[]) => client.send(url, batch);

        // Given: the all-in-one taking batches until the disk has been full for a while.
        app = await new AppProcess('touchpoint', env).start();
        const first = app;
        let fullAnswers = 0;
        const senders = Array.from({ length: 3 }, async () => {
          while (fullAnswers < 30 && seq < 100_000)
            if ((await send(first.url, next())) === 503) fullAnswers++;
        });
        await Promise.all(senders);
        const acknowledgedWhileFilling = acknowledged.size;
        const refusedWhileFull = refused.size;

        // When: the process dies while the disk is full, and comes back once space returns.
        await app.kill();
        disk.resize(64 * 1024);
        const restartedAt = Date.now();
        app = await new AppProcess('touchpoint', env).start(180_000);
        const second = app;
        const agent = { authorization: `Bearer ${token}` };
        const counts = async (customers: Iterable<string>) => {
          const stored = new Map<string, number>();
          for (const customer of customers) {
            const r = await fetch(`${second.url}/v1/customers/${customer}`, { headers: agent });
            const body = r.ok
              ? ((await r.json()) as { data: { purchases: { orders: number } } })
              : undefined;
            stored.set(customer, body?.data.purchases.orders ?? 0);
          }
          return stored;
        };
        const perCustomer = ordersPerCustomer;
        const customers = Array.from({ length: CUSTOMERS }, (_, i) => `c-full-${i}`);
        const equals = (expected: Map<string, number>) => async () => {
          const stored = await counts(customers);
          return customers.every((c) => (stored.get(c) ?? 0) === (expected.get(c) ?? 0))
            ? stored
            : undefined;
        };
        // Then: the models count exactly the acknowledged events, none of the refused ones.
        const afterRestart = await eventually(equals(perCustomer(acknowledged.values())), {
          what: 'the models to count exactly the acknowledged orders after the restart',
          timeoutMs: mode.recoverTimeoutMs,
          intervalMs: 500,
        }).catch(() => undefined);
        const recoverMs = afterRestart ? Date.now() - restartedAt : null;

        // And the refused events, sent again, are all accepted and counted once.
        let resends = 0;
        while (refused.size > 0 && resends < 200) {
          await send(second.url, [...refused.values()].slice(0, 100));
          resends++;
        }
        const all = perCustomer(acknowledged.values());
        const final =
          (await eventually(equals(all), {
            what: 'every order counted once after the resend',
            timeoutMs: mode.recoverTimeoutMs,
            intervalMs: 500,
          }).catch(() => undefined)) ?? (await counts(customers));
        let lost = 0;
        let double = 0;
        for (const c of customers) {
          const s = final.get(c) ?? 0;
          const n = all.get(c) ?? 0;
          lost += Math.max(0, n - s);
          double += Math.max(0, s - n);
        }
        const statuses = Object.keys(answers);
        const row: FaultRow = {
          scenario: '6 embedded full disk',
          guarantee:
            'a full DATA_DIR answers 503 disk_full with Retry-After and writes nothing refused; after space returns the refused events are accepted, each counted once',
          mode: mode.name,
          acknowledged: acknowledged.size,
          folded: [...final.values()].reduce((a, b) => a + b, 0),
          lost,
          doubleCounted: double,
          recoverMs,
          checks: {
            'the full disk was answered 503 disk_full with Retry-After': statuses.includes(
              '503 disk_full retry-after',
            ),
            'no other answer than 202 and 503 disk_full': statuses.every(
              (s) => s === '202' || s === '503 disk_full retry-after',
            ),
            'after the restart the models count exactly the acknowledged events':
              recoverMs !== null,
            'every refused event was accepted once space returned': refused.size === 0,
            'every event counted once': lost === 0 && double === 0,
          },
          details: {
            disk: `${mode.name === 'full' ? 8 : 1} MiB tmpfs, then 64 MiB`,
            acknowledgedWhileFilling,
            refusedWhileFull,
            answers,
            resendRequests: resends,
          },
        };
        reportFault(row);
        expect(row.checks).toEqual(
          Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])),
        );
      } finally {
        await app?.stop();
        disk.unmount();
      }
    }, 600_000);
  });
}
