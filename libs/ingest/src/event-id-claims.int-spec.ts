import { randomUUID } from 'node:crypto';
import { MongoReadModelStore } from '@touchpoint/adapters';
import { IngestConfig, RuntimeConfig } from '@touchpoint/config';
import { EXAMPLE_EVENTS, HEADERS } from '@touchpoint/contracts';
import { AppError, silentLogger } from '@touchpoint/core';
import { MetricsService } from '@touchpoint/platform';
import type { EventLog, LogMessage, LogPosition } from '@touchpoint/ports';
import { realEngines, uniqueName } from '@touchpoint/testing';
import type { Principal } from './api-key';
import {
  CLAIM_OUTCOME_COLLECTION,
  EventIdClaims,
  type EventIdClaimsOptions,
} from './event-id-claims';
import { EVENT_ID_COLLECTION } from './event-id-registry';
import { RecordEventsCommand, type ItemResult } from './record-events.command';
import { RecordEventsHandler } from './record-events.handler';

/** One Kafka shared by every ingest of a test: appends get increasing offsets, or fail on demand. */
class SharedLog {
  readonly appended: { eventId: string; partition: number; offset: string }[] = [];
  failNext = 0;
  /** Holds appends until released, so concurrent requests overlap in the registry. */
  delayMs = 0;

  append(_topic: string, messages: readonly LogMessage[]): Promise<LogPosition[]> {
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        if (this.failNext > 0) {
          this.failNext--;
          reject(AppError.unavailable('log_unavailable', 'the event log is unavailable: test', 5));
          return;
        }
        resolve(
          messages.map((m) => {
            const position = { partition: 0, offset: String(this.appended.length) };
            this.appended.push({ eventId: m.headers![HEADERS.eventId]!, ...position });
            return { topic: 'events', ...position };
          }),
        );
      }, this.delayMs),
    );
  }
}

const principal: Principal = { keyId: 'k', channel: 'web', types: ['*'], source: 'web-test' };
const OPTIONS: EventIdClaimsOptions = {
  knownIds: 1000,
  claimTimeoutMs: 60_000,
  waitForOtherMs: 12_000,
};

function event(eventId: string): Record<string, unknown> {
  return { ...EXAMPLE_EVENTS['web.visited'], eventId, occurredAt: '2025-04-14T19:48:30+08:00' };
}

describe('the duplicate registry claimed before the append, on the real store', () => {
  const db = uniqueName('claims').replace(/-/g, '_');
  const stores: MongoReadModelStore[] = [];
  const runtime = Object.assign(new RuntimeConfig(), { TOPIC_PREFIX: 'claims' });

  async function store(): Promise<MongoReadModelStore> {
    const s = new MongoReadModelStore(realEngines().mongoUrl, db, 10000);
    await s.connect();
    stores.push(s);
    return s;
  }

  /** One ingest process: its own store connection, claims and handler over the shared log. */
  async function ingest(log: SharedLog, options: Partial<EventIdClaimsOptions> = {}) {
    const claims = new EventIdClaims(await store(), silentLogger, { ...OPTIONS, ...options });
    const handler = new RecordEventsHandler(
      log as unknown as EventLog,
      claims,
      () => new Date('2025-04-15T00:00:00Z'),
      silentLogger,
      new IngestConfig(),
      runtime,
      new MetricsService('test'),
    );
    const send = async (ids: readonly string[]): Promise<ItemResult[]> =>
      (
        await handler.execute(new RecordEventsCommand(ids.map(event), principal, 'c'))
      ).results.slice();
    return { claims, handler, send };
  }

  afterAll(async () => {
    await stores[0]?.dropCollection(EVENT_ID_COLLECTION);
    await stores[0]?.dropCollection(CLAIM_OUTCOME_COLLECTION);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('given concurrent requests with overlapping ids at two ingests, then each id is appended and accepted exactly once, every other copy answered duplicate at its position', async () => {
    const log = new SharedLog();
    log.delayMs = 20;
    const [a, b] = [await ingest(log), await ingest(log)];
    const pool = Array.from({ length: 300 }, () => randomUUID());
    // Twelve requests of 100 ids each, drawn with overlaps from the pool, half at each ingest.
    const requests = Array.from({ length: 12 }, (_, r) =>
      Array.from({ length: 100 }, (_, i) => pool[(r * 37 + i * 7) % pool.length]!).filter(
        (id, i, all) => all.indexOf(id) === i,
      ),
    );
    const answers = await Promise.all(requests.map((ids, r) => (r % 2 ? b : a).send(ids)));

    const acceptedIds = answers
      .flat()
      .filter((x) => x.status === 'accepted')
      .map((x) => x.eventId);
    const sent = new Set(requests.flat());
    expect(acceptedIds.sort()).toEqual([...sent].sort());
    expect(log.appended.map((x) => x.eventId).sort()).toEqual([...sent].sort());
    const where = new Map(log.appended.map((x) => [x.eventId, x.offset]));
    for (const x of answers.flat()) {
      if (x.status === 'duplicate')
        expect(x.duplicateOf).toEqual({ partition: 0, offset: where.get(x.eventId) });
      else expect(x.status).toBe('accepted');
    }

    // A resend at either ingest, and at a third one started afresh (a restart), is a duplicate.
    await Promise.all([a.claims.flush(), b.claims.flush()]);
    const c = await ingest(log);
    for (const node of [a, b, c]) {
      const again = await node.send(requests[3]!);
      expect(again.every((x) => x.status === 'duplicate')).toBe(true);
    }
    expect(log.appended).toHaveLength(sent.size);
  });

  it('given an append that fails after the claim, then the ids are released: a retry at either ingest is appended, and waiters at the same ingest take it over', async () => {
    const log = new SharedLog();
    const [a, b] = [await ingest(log), await ingest(log)];
    const ids = [randomUUID(), randomUUID()];
    log.failNext = 1;
    log.delayMs = 50;
    // The second request waits in memory for the first one's claims, then claims them itself.
    const [first, second] = await Promise.allSettled([a.send(ids), a.send(ids)]);
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toMatchObject({ code: 'log_unavailable' });
    expect(second.status === 'fulfilled' && second.value.map((x) => x.status)).toEqual([
      'accepted',
      'accepted',
    ]);

    // Released at another ingest too: a failed append there, then a retry here is appended.
    const other = [randomUUID()];
    log.failNext = 1;
    await expect(b.send(other)).rejects.toMatchObject({ code: 'log_unavailable' });
    expect((await a.send(other)).map((x) => x.status)).toEqual(['accepted']);
    expect((await b.send(other)).map((x) => x.status)).toEqual(['duplicate']);
    expect(log.appended.map((x) => x.eventId).sort()).toEqual([...ids, ...other].sort());
  });

  it('given a claim whose ingest died before its outcome, then others wait for it, and after the claim timeout release it and append', async () => {
    const log = new SharedLog();
    let now = Date.parse('2025-04-15T00:00:00Z');
    const clock = { now: () => now, claimTimeoutMs: 30_000, waitForOtherMs: 100 };
    const dead = new EventIdClaims(await store(), silentLogger, { ...OPTIONS, ...clock });
    const id = randomUUID();
    await dead.claim(dead.newToken(), [id]); // then nothing: no append, no outcome

    const b = await ingest(log, clock);
    await expect(b.send([id])).rejects.toMatchObject({ code: 'event_in_flight' });
    now += 31_000;
    expect((await b.send([id])).map((x) => x.status)).toEqual(['accepted']);
    expect(log.appended.map((x) => x.eventId)).toEqual([id]);
  });

  it('given registry entries written by the log rebuild or before claims existed, then they answer duplicate at their position', async () => {
    const s = await store();
    const id = randomUUID();
    await s.writeVersioned(EVENT_ID_COLLECTION, [
      { id, doc: { partition: 3, offset: '41', at: '2025-04-01T00:00:00.000Z' }, version: 1 },
    ]);
    const a = await ingest(new SharedLog());
    expect(await a.send([id])).toEqual([
      expect.objectContaining({ status: 'duplicate', duplicateOf: { partition: 3, offset: '41' } }),
    ]);
  });
});
