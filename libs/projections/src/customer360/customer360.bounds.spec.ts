import { type RecordedEvent, validateRecordedEvent } from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY } from './customer360.policy';
import { purchase } from './customer360.fixtures';
import { HISTORY_CATEGORIES } from './customer360.history';
import { type Customer360State } from './customer360.state';
import { customerWorkload, prng } from './customer360.workload.fixtures';
import { customer360Projection as referenceProjection } from './reference/customer360.projection.reference';

/**
 * DESIGN §4 "Bounded": a document's size does not grow with the customer's history. Folded
 * the way the runner folds (evolveBatch per chunk of the log), measured as the stored JSON.
 */

const KB = 1024;
const YEAR_MS = 365 * 86_400_000;
const END_MS = Date.UTC(2026, 10, 1);
const policy = DEFAULT_CUSTOMER360_POLICY;

const positioned = (events: readonly RecordedEvent[], from: number) =>
  events.map((event, i) => ({ event, position: { partition: 0, offset: String(from + i) } }));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Folds a stream in chunks of `batch`, calling `after` with each stored size. */
function foldStream(
  key: string,
  events: Iterable<RecordedEvent>,
  batch: number,
  after: (bytes: number) => void,
  folding = { cpuMs: 0 },
): Customer360State {
  let state = customer360Projection.initial(key);
  let chunk: RecordedEvent[] = [];
  let offset = 0;
  const flush = () => {
    const started = cpuMs();
    state = customer360Projection.evolveBatch!(state, positioned(chunk, offset), key, policy);
    folding.cpuMs += cpuMs() - started;
    offset += chunk.length;
    chunk = [];
    after(JSON.stringify(state).length);
  };
  for (const e of events) {
    chunk.push(e);
    if (chunk.length === batch) flush();
  }
  if (chunk.length > 0) flush();
  return state;
}

describe('customer360 document size bounds', () => {
  it('Given the workload generator, When its events are validated, Then the contract accepts them', () => {
    for (const e of customerWorkload({
      seed: 7,
      customerId: 'c-check',
      events: 3000,
      startMs: END_MS - YEAR_MS,
      endMs: END_MS,
    })) {
      const result = validateRecordedEvent(e);
      if (!result.ok) throw new Error(`${e.type}: ${JSON.stringify(result.violations)}`);
    }
  });

  it('Given one customer with 1 000 000 events over ten years, When folded in batches of 1 000, Then no stored document ever exceeds 64 KB', () => {
    const key = customerKey('c-hot');
    let largest = 0;
    let batches = 0;
    const folding = { cpuMs: 0 };
    const started = process.hrtime.bigint();
    const state = foldStream(
      key,
      customerWorkload({
        seed: 1,
        customerId: 'c-hot',
        events: 1_000_000,
        startMs: END_MS - 10 * YEAR_MS,
        endMs: END_MS,
      }),
      1000,
      (bytes) => {
        batches += 1;
        largest = Math.max(largest, bytes);
        if (bytes > 64 * KB) throw new Error(`batch ${batches}: ${bytes} bytes`);
      },
      folding,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const view = customer360Projection.view(state, new Date(END_MS + 86_400_000), policy);
    // The figures still count the whole history.
    expect(view.totalContacts).toBeGreaterThan(900_000);
    expect(view.purchases.orders).toBeGreaterThan(100_000);
    expect(batches).toBe(1000);
    expect(largest).toBeLessThanOrEqual(64 * KB);
    process.stdout.write(
      `customer360 hot key: largest document ${(largest / KB).toFixed(1)} KB; evolveBatch ` +
        `${Math.round(1_000_000 / (folding.cpuMs / 1000))} events per CPU second; whole test ` +
        `${seconds.toFixed(1)} s wall (generation and a JSON.stringify per batch included)\n`,
    );
  });

  it('Given a customer buying in 20 000 categories never seen before over ten years (a B2B buyer of a long catalogue), When folded, Then the document stays under 64 KB and the category that is in every order keeps its exact count', () => {
    const key = customerKey('c-b2b');
    let largest = 0;
    const events = function* () {
      for (let i = 0; i < 20_000; i++) {
        const at = new Date(END_MS - 10 * YEAR_MS + Math.floor((i * 10 * YEAR_MS) / 20_000));
        yield purchase(i + 1, 'c-b2b', at.toISOString().replace('.000Z', 'Z'), {
          orderId: `O-${i}`,
          total: 300,
          items: [
            { sku: 'PAPER', name: 'Paper', category: 'office/paper', quantity: 2, unitPrice: 100 },
            {
              sku: `PART-${i}`,
              name: 'Part',
              category: `parts/p-${i}`,
              quantity: 1,
              unitPrice: 100,
            },
          ],
        });
      }
    };
    const state = foldStream(key, events(), 500, (bytes) => {
      largest = Math.max(largest, bytes);
    });
    const view = customer360Projection.view(state, new Date(END_MS + 86_400_000), policy);
    expect(largest).toBeLessThanOrEqual(64 * KB);
    expect(Object.keys(state.history.categories).length).toBeLessThanOrEqual(HISTORY_CATEGORIES);
    // Orders and spend stay exact; the category in every order is never the one evicted.
    expect(view.purchases.orders).toBe(20_000);
    expect(view.purchases.categories[0]).toEqual({
      category: 'office/paper',
      orders: 20_000,
      quantity: 40_000,
    });
  });

  it('Given the same customer in the unbounded model it replaces, When folded, Then its document passes 64 KB within a few thousand events (the bound above can fail)', () => {
    const key = customerKey('c-hot');
    let state = referenceProjection.initial(key);
    let events = 0;
    for (const e of customerWorkload({
      seed: 1,
      customerId: 'c-hot',
      events: 5000,
      startMs: END_MS - 10 * YEAR_MS,
      endMs: END_MS,
    })) {
      state = referenceProjection.evolve(
        state,
        { event: e, position: { partition: 0, offset: '0' } },
        key,
        referenceProjection.defaultPolicy,
      );
      events += 1;
      if (JSON.stringify(state).length > 64 * KB) break;
    }
    expect(events).toBeLessThan(5000);
  });

  it('Given a seeded population with heavy-tailed history lengths, When each customer is folded, Then the 99th percentile document is at most 16 KB', () => {
    const rand = prng(2026);
    const sizes: number[] = [];
    let events = 0;
    for (let c = 0; c < 1500; c++) {
      // Pareto (alpha 1.1, from 5 events): most customers have a few dozen events, one in a
      // hundred has hundreds to thousands.
      const length = Math.min(50_000, Math.floor(5 / Math.pow(1 - rand(), 1 / 1.1)));
      events += length;
      const years = 0.5 + rand() * 4.5;
      const id = `p-${c}`;
      let last = 0;
      foldStream(
        customerKey(id),
        customerWorkload({
          seed: c,
          customerId: id,
          events: length,
          startMs: END_MS - years * YEAR_MS,
          endMs: END_MS,
        }),
        50,
        (bytes) => (last = bytes),
      );
      sizes.push(last);
    }
    sizes.sort((a, b) => a - b);
    const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] ?? 0;
    process.stdout.write(
      `customer360 population: ${sizes.length} customers, ${events} events; document p50 ` +
        `${(at(0.5) / KB).toFixed(1)} KB, p99 ${(at(0.99) / KB).toFixed(1)} KB, max ` +
        `${((sizes[sizes.length - 1] ?? 0) / KB).toFixed(1)} KB\n`,
    );
    expect(at(0.99)).toBeLessThanOrEqual(16 * KB);
  });
});
