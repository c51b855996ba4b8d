import {
  HEADERS,
  encodeRecordedEvent,
  recordEvent,
  validateIncomingEvent,
} from '@touchpoint/contracts';
import { KafkaEventLog } from '@touchpoint/adapters';
import { startApp } from '@touchpoint/platform';
import { cli, eventually, isolatedEnv, purchase, readTopic } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

/** A producer that writes to Kafka directly, without the ingest API. */
function recorded(customerId: string, seq: number): Buffer {
  const verdict = validateIncomingEvent(purchase(customerId, seq), {
    now: new Date(),
    maxFutureSkewMs: 0,
  });
  if (!verdict.ok) throw new Error(JSON.stringify(verdict.violations));
  return encodeRecordedEvent(
    recordEvent(verdict.event, {
      receivedAt: new Date(),
      source: 'partner-feed',
      correlationId: 'corr-direct',
    }),
  );
}

describe('records written straight to Kafka', () => {
  it('given a record that is not JSON and one with a misspelled type, then both are dead-lettered with reasons, later records flow, and a fixed one is redriven once', async () => {
    const env = isolatedEnv();
    const app = await startApp(touchpointApp, env);
    const events = `${env.TOPIC_PREFIX}.events`;
    const dlq = `${env.TOPIC_PREFIX}.events.dlq`;
    const producer = new KafkaEventLog({
      brokers: env.KAFKA_BROKERS!.split(','),
      clientId: 'partner',
      connectTimeoutMs: 10000,
    });
    await producer.connect();
    try {
      const misspelled = JSON.parse(recorded('c-dlq', 2).toString()) as Record<string, unknown>;
      misspelled.type = 'purchase.complete';
      const goodAfter = recorded('c-dlq', 3);
      await producer.append(events, [
        { key: 'c-dlq', value: Buffer.from('this is not json {') },
        { key: 'c-dlq', value: Buffer.from(JSON.stringify(misspelled)) },
        { key: 'c-dlq', value: goodAfter },
      ]);

      const dead = await eventually(
        async () => {
          const records = await readTopic(env.KAFKA_BROKERS!, dlq);
          return records.length >= 2 ? records : undefined;
        },
        { what: 'two dead letters', timeoutMs: 40000, intervalMs: 1000 },
      );
      const codes = dead.map((d) => d.record.headers[HEADERS.dlqErrorCode]).sort();
      expect(codes).toEqual(['not_json', 'unknown_type']);
      for (const d of dead) {
        expect(d.record.headers[HEADERS.dlqOriginalTopic]).toBe(events);
        expect(d.record.headers[HEADERS.dlqOriginalOffset]).toMatch(/^\d+$/);
        expect(d.record.headers[HEADERS.dlqReason]).toBeTruthy();
      }
      expect(
        dead
          .find((d) => d.record.headers[HEADERS.dlqErrorCode] === 'not_json')!
          .record.value.toString(),
      ).toBe('this is not json {');

      // The record after the bad ones was processed: the partition kept flowing.
      await eventually(
        async () => {
          const metrics = await (await fetch(`${app.url}/metrics`)).text();
          return (
            /touchpoint_consumer_records_total\{[^}]*outcome="valid"[^}]*\} [1-9]/.test(metrics) ||
            undefined
          );
        },
        { what: 'the valid record to be consumed', timeoutMs: 20000 },
      );

      const listed = await cli(env, 'dlq', 'list');
      expect(listed.code).toBe(0);
      expect(listed.out).toContain('not_json');
      expect(listed.out).toContain('unknown_type');

      const typo = dead.find(
        (d) => d.record.headers[HEADERS.dlqErrorCode] === 'unknown_type',
      )!.record;
      const garbage = dead.find(
        (d) => d.record.headers[HEADERS.dlqErrorCode] === 'not_json',
      )!.record;
      const typoId = `${typo.partition}:${typo.offset}`;

      const stillWrong = await cli(env, 'dlq', 'redrive', '--id', typoId);
      expect(stillWrong.code).toBe(1);
      expect(stillWrong.out).toContain('still invalid');

      const fixed = await cli(
        env,
        'dlq',
        'redrive',
        '--id',
        typoId,
        '--set',
        'type=purchase.completed',
      );
      expect(fixed.code).toBe(0);
      expect(fixed.out).toContain(`redriven as purchase.completed ${String(misspelled.eventId)}`);
      const again = await cli(
        env,
        'dlq',
        'redrive',
        '--id',
        typoId,
        '--set',
        'type=purchase.completed',
      );
      expect(again.out).toContain('already redriven');
      const notJson = await cli(
        env,
        'dlq',
        'redrive',
        '--id',
        `${garbage.partition}:${garbage.offset}`,
      );
      expect(notJson.out).toContain('not JSON');

      const inTopic = await readTopic(env.KAFKA_BROKERS!, events);
      expect(inTopic.filter((r) => r.event?.eventId === misspelled.eventId)).toHaveLength(1);
      expect((await cli(env, 'dlq', 'list')).out).toMatch(new RegExp(`${typoId}\\s.*redriven`));
    } finally {
      await producer.close();
      await app.close();
    }
  });
});
