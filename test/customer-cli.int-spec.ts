import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import {
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
} from '@touchpoint/contracts';
import { silentLogger } from '@touchpoint/core';
import { platformTopics } from '@touchpoint/platform';
import {
  type Customer360State,
  DEFAULT_CUSTOMER360_POLICY,
  customer360Projection,
} from '@touchpoint/projections';
import { LIVE_MODELS } from '@touchpoint/projector';
import { type StoredProjectionDoc } from '@touchpoint/read-models';
import { RuntimeConfig, loadConfig } from '@touchpoint/config';
import { isolatedEnv, recordedExample, tempDir, uniqueName } from '@touchpoint/testing';
import { runCli } from '../apps/cli/src/cli';

/**
 * export-customer and rebuild-customer on real Kafka and MongoDB with the embedded event store,
 * which the CLI rebuilds from the log (no EventStoreDB can run here).
 */
describe('touchpoint export-customer / rebuild-customer (real Kafka + MongoDB, embedded event store)', () => {
  const env = isolatedEnv();
  const runtime = loadConfig([RuntimeConfig], env).get(RuntimeConfig);
  const topic = topicNames(runtime.TOPIC_PREFIX).events;
  const log = new KafkaEventLog(
    { brokers: env.KAFKA_BROKERS!.split(','), clientId: 'cli-test', connectTimeoutMs: 10000 },
    silentLogger,
  );
  const store = new MongoReadModelStore(env.MONGO_URL!, env.MONGO_DB!, 10000, silentLogger);
  const customer = uniqueName('c');
  const merged = uniqueName('c');
  const visitor = uniqueName('v');
  const other = uniqueName('c');
  let events: RecordedEvent[];

  const cli = async (args: string[]) => {
    const out: string[] = [];
    const code = await runCli(args, env, (l) => out.push(l));
    return { code, out };
  };

  beforeAll(async () => {
    await log.connect();
    await store.connect();
    await log.ensureTopics(platformTopics(runtime));
    events = [
      recordedExample('customer.registered', { customerId: customer }),
      recordedExample('web.visited', { anonymousId: visitor }),
      recordedExample('purchase.completed', { customerId: merged }),
      recordedExample('customer.identified', { customerId: customer, anonymousId: visitor }),
      recordedExample('call.logged', { customerId: customer }),
      recordedExample('customer.merged', { customerId: customer }, { mergedCustomerId: merged }),
      recordedExample('purchase.completed', { customerId: customer }),
      recordedExample('call.logged', { customerId: other }),
    ];
    const positions = await log.append(
      topic,
      events.map((e) => ({
        key: partitionKey(e),
        value: encodeRecordedEvent(e),
        headers: eventHeaders(e),
      })),
    );
    // The live documents, as the projector writes them.
    for (const model of LIVE_MODELS) {
      await model.runner(store).apply(
        events.map((event, i) => ({
          event,
          position: { partition: positions[i]!.partition, offset: positions[i]!.offset },
        })),
      );
    }
  });

  afterAll(async () => {
    await Promise.allSettled([log.close(), store.close()]);
  });

  it('given a customer with a linked visitor and a merged customer, when exported, then every one of their events is one JSON line, and nobody else’s', async () => {
    const file = join(tempDir(), 'export.jsonl');
    const { code, out } = await cli(['export-customer', customer, '--out', file]);
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const exported = lines.map((l) => JSON.parse(l) as RecordedEvent);
    const mine = events.filter((e) => e.customerId !== other);
    expect(exported.map((e) => e.eventId).sort()).toEqual(mine.map((e) => e.eventId).sort());
    expect(
      exported.find((e) => e.type === 'purchase.completed' && e.customerId === customer),
    ).toEqual(events[6]);
    expect(out.join('\n')).toContain(`exported ${mine.length} events of customer ${customer}`);
  });

  it('given live documents written by the projector, when rebuilt from the event store, then every document is the same; after tampering, the difference is reported with exit 1', async () => {
    const same = await cli(['rebuild-customer', customer]);
    expect(same.out.join('\n')).not.toMatch(/different|missing_live|not_in_stream/);
    // The customer, its visitor and the merged customer, in every model that keys them.
    for (const key of [`customer:${customer}`, `visitor:${visitor}`, `customer:${merged}`]) {
      expect(same.out).toContainEqual(
        expect.stringMatching(new RegExp(`customer360_v1\\s+${key}\\s+same`)),
      );
    }
    expect(same.out).toContainEqual(
      expect.stringMatching(new RegExp(`loyalty_v1\\s+customer:${customer}\\s+same`)),
    );
    expect(same.out).toContainEqual(
      expect.stringMatching(new RegExp(`crosssell_v1\\s+customer:${customer}\\s+same`)),
    );
    expect(same.code).toBe(0);

    const model = LIVE_MODELS.find((m) => m.model === 'customer360')!;
    const key = `customer:${customer}`;
    const doc = (await store.get<StoredProjectionDoc>(model.collection, key))!;
    const state = JSON.parse(doc.state) as Record<string, unknown>;
    await store.writeVersioned(model.collection, [
      {
        id: key,
        doc: {
          ...doc,
          state: JSON.stringify({ ...state, tampered: true }),
          revision: doc.revision + 1,
        },
        version: doc.revision + 1,
      },
    ]);
    const differs = await cli(['rebuild-customer', customer]);
    expect(differs.code).toBe(1);
    expect(differs.out.join('\n')).toMatch(
      new RegExp(`customer:${customer}\\s+different\\s+at \\$\\.tampered`),
    );
  });
  it('given a document that differs from the streams, when rebuilt with --repair, then it is rewritten from the streams, the check passes, and the live fold goes on from it counting nothing twice', async () => {
    const model = LIVE_MODELS.find((m) => m.model === 'customer360')!;
    const key = `customer:${customer}`;
    const before = (await store.get<StoredProjectionDoc>(model.collection, key))!;
    const state = JSON.parse(before.state) as Record<string, unknown>;
    await store.writeVersioned(model.collection, [
      {
        id: key,
        doc: {
          ...before,
          state: JSON.stringify({ ...state, tampered: 2 }),
          revision: before.revision + 1,
        },
        version: before.revision + 1,
      },
    ]);
    const repaired = await cli(['rebuild-customer', customer, '--repair']);
    expect(repaired.out).toContainEqual(
      expect.stringMatching(new RegExp(`customer360_v1\\s+${key}\\s+repaired`)),
    );
    const after = repaired.out.slice(repaired.out.indexOf('after the repair:'));
    expect(after.join('\n')).not.toMatch(/different|missing_live|not_in_stream/);
    expect(repaired.code).toBe(0);
    const doc = (await store.get<StoredProjectionDoc>(model.collection, key))!;
    expect(JSON.parse(doc.state)).not.toHaveProperty('tampered');
    expect(doc.watermarks).toEqual(before.watermarks);

    // The projector's next batch redelivers what the document already holds, plus one new call.
    const call = recordedExample('call.logged', { customerId: customer });
    const [position] = await log.append(topic, [
      { key: partitionKey(call), value: encodeRecordedEvent(call), headers: eventHeaders(call) },
    ]);
    const redelivered = events
      .map((event, i) => ({ event, i }))
      .filter(({ event }) => event.customerId === customer);
    const outcome = await model.runner(store).apply([
      ...redelivered.map(({ event }) => ({
        event,
        position: { partition: position!.partition, offset: '0' },
      })),
      { event: call, position: { partition: position!.partition, offset: position!.offset } },
    ]);
    expect(outcome.documentsWritten).toBeGreaterThan(0);
    const contacts = (d: StoredProjectionDoc) =>
      customer360Projection.view(
        JSON.parse(d.state) as Customer360State,
        new Date('2100-01-01T00:00:00Z'),
        DEFAULT_CUSTOMER360_POLICY,
      ).totalContacts;
    const folded = (await store.get<StoredProjectionDoc>(model.collection, key))!;
    expect(contacts(folded)).toBe(contacts(doc) + 1);
  });
});
