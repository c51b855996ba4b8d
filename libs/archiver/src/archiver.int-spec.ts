import {
  EmbeddedEventStore,
  EventStoreDbEventStore,
  type KafkaEventLog,
} from '@touchpoint/adapters';
import { ArchiverConfig, RuntimeConfig, loadConfig } from '@touchpoint/config';
import {
  HEADERS,
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
} from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { EventStore } from '@touchpoint/ports';
import {
  type AppContext,
  JsonLogger,
  MetricsService,
  createEngines,
  platformTopics,
} from '@touchpoint/platform';
import {
  NO_EVENTSTORE,
  eventually,
  isolatedEnv,
  legDidNotRun,
  realEngines,
  recordedExample,
  uniqueName,
} from '@touchpoint/testing';
import { ArchiverService } from './archiver.service';
import { readCustomerHistory } from './customer-history';
import { customerStream, visitorStream } from './stream-names';
import { readCustomerTimeline } from './timeline';

/** Archiver against real Kafka, with the embedded event store and (when reachable) EventStoreDB. */

interface Harness {
  log: KafkaEventLog;
  topics: ReturnType<typeof topicNames>;
  produce(events: readonly RecordedEvent[]): Promise<void>;
  start(eventStore: EventStore): Promise<MetricsService>;
  close(): Promise<void>;
}

async function harness(overrides: Record<string, string> = {}): Promise<Harness> {
  const env = isolatedEnv({ KAFKA_SESSION_TIMEOUT_MS: '6000', ...overrides });
  const config = loadConfig([RuntimeConfig, ArchiverConfig], env);
  const runtime = config.get(RuntimeConfig);
  const logger = new JsonLogger('error', { app: 'archiver-test' });
  const engines = createEngines(runtime, logger);
  const log = engines.log as KafkaEventLog;
  await log.connect();
  await log.ensureTopics(platformTopics(runtime));
  const topics = topicNames(runtime.TOPIC_PREFIX);
  const services: ArchiverService[] = [];
  return {
    log,
    topics,
    produce: async (events) => {
      await log.append(
        topics.events,
        events.map((e) => ({
          key: partitionKey(e),
          value: encodeRecordedEvent(e),
          headers: eventHeaders(e),
        })),
      );
    },
    start: async (eventStore) => {
      const ctx: AppContext = {
        name: 'archiver-test',
        config,
        engines: { ...engines, eventStore },
        logger,
        metrics: new MetricsService('archiver-test'),
      };
      const service = new ArchiverService(ctx);
      await service.onApplicationBootstrap();
      services.push(service);
      return ctx.metrics;
    },
    close: async () => {
      await Promise.all(services.map((s) => s.onApplicationShutdown()));
      await log.close();
    },
  };
}

async function streamIds(store: EventStore, stream: string): Promise<string[]> {
  return (await store.read(stream, { direction: 'forwards', maxCount: 10000 })).map((e) => e.id);
}

const stores: [string, () => Promise<EventStore>][] = [
  ['embedded', () => Promise.resolve(new EmbeddedEventStore())],
];
const esdbUrl = realEngines().eventStoreUrl;
if (esdbUrl) {
  stores.push([
    `EventStoreDB at ${esdbUrl}`,
    async () => {
      const s = new EventStoreDbEventStore(esdbUrl, 15000);
      await s.connect();
      return s;
    },
  ]);
} else {
  legDidNotRun('archiver on real Kafka + EventStoreDB', NO_EVENTSTORE);
}

describe.each(stores)('archiver on real Kafka + %s event store', (_name, makeStore) => {
  it('given customer, visitor and duplicate events on the log, when archived twice over, then each stream holds each event once with its Kafka position', async () => {
    const h = await harness();
    const store = await makeStore();
    try {
      const customer = uniqueName('c');
      const visitor = uniqueName('v');
      const calls = Array.from({ length: 6 }, () =>
        recordedExample('call.logged', { customerId: customer }),
      );
      const visit = recordedExample('web.visited', { anonymousId: visitor });
      const identified = recordedExample('customer.identified', {
        customerId: customer,
        anonymousId: visitor,
      });
      // A client retry of calls[0] lands at a new offset with the same eventId.
      const events = [...calls.slice(0, 3), visit, identified, ...calls.slice(3), calls[0]!];
      await h.produce(events);

      await h.start(store);
      const expected = [...calls.slice(0, 3), identified, ...calls.slice(3)].map((e) => e.eventId);
      await eventually(
        async () => (await streamIds(store, customerStream(customer))).length >= expected.length,
        { what: 'the customer stream' },
      );
      // A second archiver (a fresh group: everything is redelivered) must add nothing.
      await h.start(store);
      await h.produce([calls[1]!]);
      await new Promise((r) => setTimeout(r, 4000));

      expect(await streamIds(store, customerStream(customer))).toEqual(expected);
      // The visit and the identification come from different partitions: no order between them.
      expect((await streamIds(store, visitorStream(visitor))).sort()).toEqual(
        [visit.eventId, identified.eventId].sort(),
      );
      const [first] = await store.read(customerStream(customer), {
        direction: 'forwards',
        maxCount: 1,
      });
      expect(first?.metadata).toEqual({
        kafka: { topic: h.topics.events, partition: expect.any(Number), offset: '0' },
        correlationId: calls[0]!.correlationId,
        schemaVersion: 1,
      });
      expect(first?.data).toEqual(calls[0]);

      const history = await readCustomerHistory(store, customer);
      expect(history.streams).toEqual([customerStream(customer), visitorStream(visitor)]);
      expect(history.events.map((e) => e.event.eventId).sort()).toEqual(
        [...expected, visit.eventId].sort(),
      );
      const page1 = await readCustomerTimeline(store, customer, { limit: 4 });
      const page2 = await readCustomerTimeline(store, customer, { limit: 4, before: page1.next! });
      expect([...page1.items, ...page2.items].map((i) => i.event.eventId)).toEqual(
        [...expected].reverse(),
      );
      expect(page2.next).toBeNull();
    } finally {
      await h.close();
      await store.close();
    }
  });
});

/** The EventStore port during an outage: every call fails as the real adapter's would. */
class FlakyEventStore implements EventStore {
  readonly kind = 'embedded' as const;
  down = false;
  /** While set, the next append is written and its answer lost. */
  loseNextAnswer = false;
  appendsWhileDown = 0;
  constructor(private readonly inner: EventStore) {}
  private check(): void {
    if (this.down)
      throw AppError.unavailable('event_store_unavailable', 'EventStoreDB: unavailable');
  }
  connect = () => this.inner.connect();
  async append(...args: Parameters<EventStore['append']>) {
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      await this.inner.append(...args);
      throw AppError.unavailable('event_store_unavailable', 'EventStoreDB: deadline exceeded');
    }
    if (this.down) this.appendsWhileDown++;
    this.check();
    return this.inner.append(...args);
  }
  async read(...args: Parameters<EventStore['read']>) {
    this.check();
    return this.inner.read(...args);
  }
  async readAll(...args: Parameters<EventStore['readAll']>) {
    this.check();
    return this.inner.readAll(...args);
  }
  subscribeToAll = (o: Parameters<EventStore['subscribeToAll']>[0]) => this.inner.subscribeToAll(o);
  async ping() {
    this.check();
    return this.inner.ping();
  }
  close = () => this.inner.close();
}

describe('archiver while the event store is unavailable (real Kafka)', () => {
  it('given an outage mid-stream and a lost append answer, when the store returns, then every event is archived exactly once', async () => {
    const h = await harness();
    const inner = new EmbeddedEventStore();
    const store = new FlakyEventStore(inner);
    try {
      const customers = Array.from({ length: 4 }, () => uniqueName('c'));
      const make = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          recordedExample('call.logged', { customerId: customers[i % 4]! }),
        );
      const before = make(12);
      const during = make(20);
      const after = make(8);
      const metrics = await h.start(store);
      await h.produce(before);
      const total = async () => {
        let n = 0;
        for (const c of customers) n += (await streamIds(inner, customerStream(c))).length;
        return n;
      };
      await eventually(async () => (await total()) >= 12, { what: 'the first events' });

      store.down = true;
      await h.produce(during);
      await eventually(() => store.appendsWhileDown > 0 || undefined, {
        what: 'an append during the outage',
      });
      // Paused: the outage holds everything back, and the archiver says so.
      await new Promise((r) => setTimeout(r, 5000));
      expect(
        await metrics.registry.getSingleMetricAsString('touchpoint_archiver_event_store_up'),
      ).toMatch(/touchpoint_archiver_event_store_up\{[^}]*\} 0/);
      expect(await total()).toBe(12);
      const lagSum = async () => {
        const text = await metrics.registry.getSingleMetricAsString('touchpoint_archiver_lag');
        return [...text.matchAll(/^touchpoint_archiver_lag\{[^}]*\} (\d+)$/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
      };
      // The lag grows while paused (refreshed every few seconds from the log's end offsets).
      await eventually(async () => ((await lagSum()) >= 20 ? true : undefined), {
        what: 'the lag to show the held-back events',
      });
      store.loseNextAnswer = true;
      store.down = false;
      await h.produce(after);

      const all = [...before, ...during, ...after];
      await eventually(async () => (await total()) >= all.length, {
        timeoutMs: 60000,
        what: 'catching up after the outage',
      });
      await eventually(async () => ((await lagSum()) === 0 ? true : undefined), {
        what: 'the lag back to 0',
      });
      const archived: string[] = [];
      for (const c of customers) archived.push(...(await streamIds(inner, customerStream(c))));
      expect(archived).toHaveLength(all.length);
      expect(new Set(archived)).toEqual(new Set(all.map((e) => e.eventId)));
    } finally {
      await h.close();
    }
  }, 120000);
});

describe('archiver and the append size limit (real Kafka)', () => {
  it('given an event too large to archive, then it is dead-lettered with a clear reason and the others are archived', async () => {
    const h = await harness({ ARCHIVER_MAX_APPEND_BYTES: '1536' });
    const store = new EmbeddedEventStore();
    try {
      const customer = uniqueName('c');
      const small = [
        recordedExample('call.logged', { customerId: customer }),
        recordedExample('call.logged', { customerId: customer }),
      ];
      const big = recordedExample(
        'call.logged',
        { customerId: customer },
        { summary: 'x'.repeat(1900) },
      );
      await h.produce([small[0]!, big, small[1]!]);
      await h.start(store);
      await eventually(async () => (await streamIds(store, customerStream(customer))).length >= 2, {
        what: 'the small events',
      });
      const offsets = await h.log.offsets(h.topics.dlq);
      const letters = await eventually(
        async () => {
          const read = await h.log.read(
            h.topics.dlq,
            offsets.map((o) => ({ partition: o.partition, fromOffset: o.low, maxRecords: 10 })),
          );
          return read.length > 0 ? read : undefined;
        },
        { what: 'the dead letter' },
      );
      expect(letters).toHaveLength(1);
      expect(letters[0]!.headers[HEADERS.dlqErrorCode]).toBe('archive_too_large');
      expect(letters[0]!.headers[HEADERS.dlqReason]).toMatch(/too large to archive: \d+ bytes/);
      expect(letters[0]!.headers[HEADERS.eventId]).toBe(big.eventId);
      expect(await streamIds(store, customerStream(customer))).toEqual(small.map((e) => e.eventId));
    } finally {
      await h.close();
    }
  });
});
