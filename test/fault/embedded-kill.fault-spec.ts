import { eventually, post, purchase, tempDir } from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { BatchClient, type Order, ordersPerCustomer } from './support/batch-client';
import { builtCli } from './support/built-cli';
import { faultMode } from './support/fault-mode';
import { type FaultRow, reportFault } from './support/fault-report';

const CUSTOMERS = 40;
const BATCH = 10;

/**
 * Scenario 6 of issue 16 (its SIGKILL half): the all-in-one embedded process killed while ingest
 * appends, then started again on the same DATA_DIR. Every event answered 202 was fsynced before
 * the answer, so it is in the log and, after the refold, in the models once.
 */
describe('fault 6: the embedded all-in-one killed (SIGKILL) during ingest', () => {
  it('given batches being accepted, when the process is SIGKILLed and restarted on the same DATA_DIR, then every acknowledged event is counted once and a resend is a duplicate', async () => {
    const mode = faultMode();
    const env = { PORT: '0', DATA_DIR: tempDir('touchpoint-fault-embedded-'), LOG_LEVEL: 'warn' };
    const key = (await builtCli(env, 'keys', 'create', '--channel', 'store', '--types', '*')).stdout
      .split('\n')[0]!
      .trim();
    const token = (await builtCli(env, 'tokens', 'create', '--role', 'agent')).stdout.trim();
    const client = new BatchClient(key);
    const { acknowledged, unacknowledged: inDoubt } = client;
    let seq = 0;
    const next = (): Order[] =>
      Array.from({ length: BATCH }, () => {
        const n = seq++;
        return purchase(`c-emb-${n % CUSTOMERS}`, Math.floor(n / CUSTOMERS)) as Order;
      });
    const send = (url: string, batch: Order[]) => client.send(url, batch);

    const first = new AppProcess('touchpoint', env);
    await first.start();
    let running = true;
    const senders = Array.from({ length: 3 }, async () => {
      while (running) await send(first.url, next());
    });
    await eventually(() => acknowledged.size >= (mode.name === 'full' ? 4000 : 1000) || undefined, {
      what: 'events acknowledged before the kill',
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    await first.kill();
    running = false;
    await Promise.all(senders);
    const acknowledgedBeforeKill = acknowledged.size;
    const inDoubtAtKill = inDoubt.size;

    const restartedAt = Date.now();
    const second = new AppProcess('touchpoint', env);
    await second.start(180_000);
    const listeningMs = Date.now() - restartedAt;
    try {
      // A sample of acknowledged events sent again: duplicates, appended nothing.
      const sample = [...acknowledged.values()].slice(0, 50);
      const resend = await post(`${second.url}/v1/events/batch`, key, sample);
      const resent = (await resend.json()) as { duplicates?: number };
      // The client's retries of what it never heard back about.
      while (inDoubt.size > 0) await send(second.url, [...inDoubt.values()].slice(0, 100));

      const perCustomer = ordersPerCustomer(acknowledged.values());
      const agent = { authorization: `Bearer ${token}` };
      const stored = new Map<string, number>();
      const readAll = async () => {
        for (const customer of perCustomer.keys()) {
          const r = await fetch(`${second.url}/v1/customers/${customer}`, { headers: agent });
          const body = r.ok
            ? ((await r.json()) as { data: { purchases: { orders: number } } })
            : undefined;
          stored.set(customer, body?.data.purchases.orders ?? 0);
        }
        return [...perCustomer].every(([c, n]) => stored.get(c) === n) || undefined;
      };
      const equal = await eventually(readAll, {
        what: 'every customer to count its acknowledged orders',
        timeoutMs: mode.recoverTimeoutMs,
        intervalMs: 1000,
      }).catch(() => false);
      const recoverMs = equal ? Date.now() - restartedAt : null;
      let lost = 0;
      let double = 0;
      for (const [c, n] of perCustomer) {
        const s = stored.get(c) ?? 0;
        lost += Math.max(0, n - s);
        double += Math.max(0, s - n);
      }
      const row: FaultRow = {
        scenario: '6 embedded SIGKILL during ingest',
        guarantee:
          'every 202 fsynced: after the restart each acknowledged event counted once; a resend is a duplicate',
        mode: mode.name,
        acknowledged: acknowledged.size,
        folded: [...stored.values()].reduce((a, b) => a + b, 0),
        lost,
        doubleCounted: double,
        recoverMs,
        checks: {
          'the models count every acknowledged event once': lost === 0 && double === 0,
          'a resend of acknowledged events is all duplicates': resent.duplicates === sample.length,
          'the restart took over the dead process lock': second.running,
        },
        details: {
          acknowledgedBeforeKill,
          inDoubtAtKill,
          restartToListeningMs: listeningMs,
          orders: { expected: perCustomer.size, customers: stored.size },
        },
      };
      reportFault(row);
      expect(row.checks).toEqual(Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])));
    } finally {
      await second.stop();
    }
  }, 600_000);
});
