import { randomUUID } from 'node:crypto';
import { KafkaEventLog, MongoReadModelStore } from '@touchpoint/adapters';
import {
  EXAMPLE_EVENTS,
  HEADERS,
  type RecordedEvent,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
  validateRecordedEvent,
} from '@touchpoint/contracts';
import type { LogMessage } from '@touchpoint/ports';
import { LIVE_MODELS } from '@touchpoint/projector';
import { type StoredProjectionDoc, projectorGroupId } from '@touchpoint/read-models';
import { eventually, isolatedEnv, prng, readTopic, workload } from '@touchpoint/testing';
import { AppProcess } from './support/app-process';
import { faultMode } from './support/fault-mode';
import { compareWithOracle, oracleOf } from './support/fault-oracle';
import { type FaultRow, reportFault } from './support/fault-report';

/** MongoDB's (and FerretDB's) largest document. */
const STORE_DOCUMENT_LIMIT = 16 * 1024 * 1024;
const GIANT_CUSTOMER = 'c-giant';
/** The projector's PROJECTOR_MAX_DOCUMENT_KB here: below what the giant purchases make. */
const MAX_DOCUMENT_KB = 256;

/**
 * A purchase as large as the contract allows (500 lines of the longest names), each with
 * products and categories the customer never bought before: what makes a document grow most.
 */
function giantPurchase(n: number, until: Date): RecordedEvent {
  const example = JSON.parse(JSON.stringify(EXAMPLE_EVENTS['purchase.completed'])) as {
    payload: { items: Record<string, unknown>[] };
  } & Record<string, unknown>;
  const items = Array.from({ length: 500 }, (_, i) => ({
    sku: `SKU-${n}-${i}-`.padEnd(120, 'x'),
    name: `Product ${n}-${i} `.padEnd(200, 'n'),
    category: `giant/${n}-${i}`,
    quantity: 1,
    unitPrice: 100,
  }));
  const candidate = {
    ...example,
    eventId: randomUUID(),
    customerId: GIANT_CUSTOMER,
    occurredAt: new Date(until.getTime() - (40 - n) * 3_600_000).toISOString(),
    payload: {
      ...example.payload,
      orderId: `O-giant-${n}`,
      items,
      total: 500 * 100,
      discount: 0,
      pointsEarned: 500,
    },
    receivedAt: until.toISOString(),
    source: 'fault-suite',
    correlationId: `giant-${n}`,
  };
  const verdict = validateRecordedEvent(candidate);
  if (!verdict.ok) throw new Error(`giant purchase invalid: ${JSON.stringify(verdict.violations)}`);
  return verdict.event;
}

/**
 * Poison the test/e2e/dead-letter.e2e-spec.ts does not send (it covers a non-JSON value and an
 * unknown type through the in-process app, and redrive): each kind here, many times, interleaved
 * with valid events of the same partitions, through the built projector process.
 */
function poison(valid: RecordedEvent, i: number): { message: LogMessage; expectCode: string } {
  const key = partitionKey(valid);
  const kinds: (() => { message: LogMessage; expectCode: string })[] = [
    () => ({ message: { key, value: Buffer.from('[1,2,3]') }, expectCode: 'not_object' }),
    () => ({ message: { key, value: Buffer.from('null') }, expectCode: 'not_object' }),
    () => ({ message: { key, value: Buffer.alloc(0) }, expectCode: 'not_json' }),
    () => ({
      message: { key, value: Buffer.from([0xc3, 0x28, 0xff, 0xfe]) },
      expectCode: 'not_json',
    }),
    // A known type whose payload breaks the schema (an order without lines).
    () => {
      const broken = JSON.parse(encodeRecordedEvent(valid).toString()) as Record<string, unknown>;
      broken.type = 'purchase.completed';
      broken.payload = { orderId: `O-broken-${i}`, currency: 'CNY', items: [], total: 0 };
      return { message: { key, value: Buffer.from(JSON.stringify(broken)) }, expectCode: '' };
    },
    // A giant that is not an event at all: 900 KB of garbage, just under Kafka's 1 MiB.
    () => ({
      message: { key, value: Buffer.alloc(900 * 1024, 0x7b) },
      expectCode: 'not_json',
    }),
  ];
  return kinds[i % kinds.length]!();
}

describe('fault 7: poison and giants on the log', () => {
  it('given records that are not JSON, not objects, schema-invalid, or as large as Kafka takes, interleaved with valid events and maximum-size purchases that take a document past PROJECTOR_MAX_DOCUMENT_KB, then each bad one and each event past the limit is dead-lettered with a code and reason, the partitions keep flowing, and the models equal the oracle of the valid events under the limit', async () => {
    const mode = faultMode();
    const env = isolatedEnv({
      LOG_LEVEL: 'warn',
      PROJECTOR_MAX_DOCUMENT_KB: String(MAX_DOCUMENT_KB),
    });
    const topics = topicNames(env.TOPIC_PREFIX);
    const until = new Date(Date.now() - 60_000);
    const valid = workload({ seed: 1607, events: 600, customers: 100, until, days: 360 });
    const giants = Array.from({ length: mode.name === 'full' ? 40 : 6 }, (_, n) =>
      giantPurchase(n, until),
    );
    const rand = prng(7);
    const messages: { message: LogMessage; expectCode?: string }[] = [];
    const toMessage = (e: RecordedEvent): LogMessage => ({
      key: partitionKey(e),
      value: encodeRecordedEvent(e),
      headers: eventHeaders(e),
    });
    let poisoned = 0;
    const stream = [...valid];
    giants.forEach((g, n) =>
      stream.splice(Math.floor(((n + 1) * stream.length) / (giants.length + 1)), 0, g),
    );
    for (const e of stream) {
      messages.push({ message: toMessage(e) });
      if (rand() < 0.06) messages.push(poison(e, poisoned++));
    }

    const projector = new AppProcess('projector', env);
    const log = new KafkaEventLog({
      brokers: env.KAFKA_BROKERS!.split(','),
      clientId: 'fault-poison',
      connectTimeoutMs: 10000,
    });
    const store = new MongoReadModelStore(env.MONGO_URL!, env.MONGO_DB!, 10000);
    try {
      await projector.start();
      await log.connect();
      // Small appends: a 900 KB record goes alone, within Kafka's request limit.
      for (let i = 0; i < messages.length;) {
        const chunk: LogMessage[] = [];
        let bytes = 0;
        while (i < messages.length && chunk.length < 50) {
          const m = messages[i]!.message;
          if (chunk.length > 0 && bytes + m.value.length > 700 * 1024) break;
          chunk.push(m);
          bytes += m.value.length;
          i++;
        }
        await log.append(topics.events, chunk);
      }
      const appendedAt = Date.now();
      // The projector's document limit, stated again in the oracle: the giant purchases take
      // the giant customer's documents past it, so those events are dead-lettered instead.
      let refusedByOracle = 0;
      const expected = oracleOf(stream, {
        maxStateBytes: MAX_DOCUMENT_KB * 1024,
        refused: () => refusedByOracle++,
      });
      await store.connect();
      const comparison = await eventually(
        async () => {
          const c = await compareWithOracle(store, expected);
          return c.differingDocuments === 0 ? c : undefined;
        },
        {
          what: 'the models to equal the oracle',
          timeoutMs: mode.recoverTimeoutMs,
          intervalMs: 1000,
        },
      ).catch(() => compareWithOracle(store, expected));
      const recovered = comparison.differingDocuments === 0 ? Date.now() - appendedAt : null;
      const dead = await eventually(
        async () => {
          const records = await readTopic(env.KAFKA_BROKERS!, topics.dlq);
          return records.length >= poisoned + refusedByOracle ? records : undefined;
        },
        {
          what: `${poisoned + refusedByOracle} dead letters`,
          timeoutMs: 30_000,
          intervalMs: 1000,
        },
      ).catch(() => readTopic(env.KAFKA_BROKERS!, topics.dlq));
      const expectedCodes = messages.filter((m) => m.expectCode !== undefined);
      const codes = dead.map((d) => d.record.headers[HEADERS.dlqErrorCode] ?? '');
      const largest = await largestDocument(store, [...expected.keys()]);
      // Flowing: every group committed the log's end, past every bad record.
      const end = await log.offsets(topics.events);
      const behind = await Promise.all(
        LIVE_MODELS.map(async (m) => {
          const committed = await log.committedOffsets(
            projectorGroupId(env.TOPIC_PREFIX!, m.model, m.version),
            topics.events,
          );
          return end.reduce(
            (n, o) =>
              n +
              Number(o.high) -
              Number(committed.find((c) => c.partition === o.partition)?.offset ?? 0),
            0,
          );
        }),
      );
      const row: FaultRow = {
        scenario: '7 poison and giants',
        guarantee: 'dead-lettered with a reason; the partition keeps flowing; valid events folded',
        mode: mode.name,
        acknowledged: stream.length,
        folded: comparison.folded,
        lost: comparison.lost,
        doubleCounted: comparison.doubleCounted,
        recoverMs: recovered,
        checks: {
          'models equal the oracle of the valid events': comparison.differingDocuments === 0,
          'every bad record dead-lettered once': dead.length === poisoned + refusedByOracle,
          'events past the document limit dead-lettered as document_too_large':
            refusedByOracle > 0 &&
            codes.filter((c) => c === 'document_too_large').length === refusedByOracle,
          'each dead letter has a code and a reason': dead.every(
            (d) =>
              Boolean(d.record.headers[HEADERS.dlqErrorCode]) &&
              Boolean(d.record.headers[HEADERS.dlqReason]),
          ),
          'the expected codes': expectedCodes
            .filter((m) => m.expectCode)
            .every((m) => codes.includes(m.expectCode!)),
          'the projector kept running': projector.running,
          'every group committed past the bad records (lag 0)': behind.every((n) => n === 0),
          'the largest document stays under the store limit': largest.bytes < STORE_DOCUMENT_LIMIT,
          'the largest state stays within PROJECTOR_MAX_DOCUMENT_KB':
            largest.stateBytes <= MAX_DOCUMENT_KB * 1024,
        },
        details: {
          poisonRecords: poisoned,
          refusedAsTooLarge: refusedByOracle,
          giantPurchases: giants.length,
          giantEventBytes: encodeRecordedEvent(giants[0]!).length,
          deadLetterCodes: countBy(codes),
          largestDocument: largest,
          projectorPeakRssMiB: projector.peakRssMiB,
          lagPerGroup: behind,
          ...(comparison.firstDifference ? { firstDifference: comparison.firstDifference } : {}),
        },
      };
      const written = reportFault(row);
      if (written.verdict === 'fail')
        process.stderr.write(`[fault] projector log:\n${projector.tail()}\n`);
      expect(row.checks).toEqual(Object.fromEntries(Object.keys(row.checks).map((k) => [k, true])));
      expect(poisoned).toBeGreaterThan(10);
    } finally {
      await projector.stop();
      await log.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    }
  }, 600_000);
});

async function largestDocument(
  store: MongoReadModelStore,
  collections: readonly string[],
): Promise<{ collection: string; id: string; bytes: number; stateBytes: number }> {
  let largest = { collection: '', id: '', bytes: 0, stateBytes: 0 };
  for (const collection of collections) {
    for await (const { id, doc } of store.scan<StoredProjectionDoc>(collection)) {
      const bytes = Buffer.byteLength(JSON.stringify(doc));
      if (bytes > largest.bytes)
        largest = { collection, id, bytes, stateBytes: Buffer.byteLength(doc.state) };
    }
  }
  return largest;
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
