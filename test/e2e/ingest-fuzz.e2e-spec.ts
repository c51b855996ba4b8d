import fc from 'fast-check';
import { CHANNELS, EVENT_TYPES, EXAMPLE_EVENTS } from '@touchpoint/contracts';
import { startApp } from '@touchpoint/platform';
import { createKey, isolatedEnv, readTopic } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

/** Bodies that are wrong by construction: each one breaks at least one rule of the contract. */
const examples = Object.values(EXAMPLE_EVENTS) as unknown as Record<string, unknown>[];
const breakOne: fc.Arbitrary<(e: Record<string, unknown>) => Record<string, unknown>> = fc.oneof(
  fc.string().map((k) => (e: Record<string, unknown>) => ({ ...e, [`x_${k}`]: 1 })),
  fc
    .string()
    .filter((t) => !(EVENT_TYPES as readonly string[]).includes(t))
    .map((t) => (e: Record<string, unknown>) => ({ ...e, type: t })),
  fc
    .constantFrom('eventId', 'type', 'channel', 'occurredAt', 'payload', 'schemaVersion')
    .map((f) => (e: Record<string, unknown>) => {
      const copy = { ...e };
      delete copy[f];
      return copy;
    }),
  fc
    .oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean())
    .map((v) => (e: Record<string, unknown>) => ({
      ...e,
      eventId: v === null ? 42 : `not-a-uuid-${String(v)}`,
    })),
  fc
    .string()
    .filter((c) => !(CHANNELS as readonly string[]).includes(c))
    .map((c) => (e: Record<string, unknown>) => ({ ...e, channel: c })),
  fc.integer({ min: 2, max: 10_000 }).map((days) => (e: Record<string, unknown>) => ({
    ...e,
    occurredAt: new Date(Date.now() + days * 86400_000).toISOString(),
  })),
  fc.anything().map((p) => (e: Record<string, unknown>) => ({
    ...e,
    payload: Array.isArray(p) || typeof p !== 'object' ? p : 'not-an-object',
  })),
  fc.constant((e: Record<string, unknown>) => ({ ...e, receivedAt: '2020-01-01T00:00:00+00:00' })),
);
const malformedBody: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...examples), breakOne).map(([e, f]) => JSON.stringify(f(e))),
  fc.json().filter((j) => {
    const v: unknown = JSON.parse(j);
    return v === null || typeof v !== 'object' || Array.isArray(v) || !('eventId' in v);
  }),
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

describe('ingest under malformed input', () => {
  it('given thousands of malformed bodies, then every answer is a 4xx with a reason, the process stays healthy, and nothing reaches Kafka', async () => {
    const env = isolatedEnv({
      INGEST_RATE_LIMIT_PER_SECOND: '1000000',
      INGEST_RATE_LIMIT_BURST: '1000000',
    });
    const key = await createKey(env, 'web', '*');
    const app = await startApp(touchpointApp, env);
    let requests = 0;
    try {
      await fc.assert(
        fc.asyncProperty(malformedBody, async (body) => {
          requests++;
          const res = await fetch(`${app.url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key },
            body,
          });
          const answer = (await res.json()) as { error?: { code?: string; message?: string } };
          return (
            res.status >= 400 &&
            res.status < 500 &&
            typeof answer.error?.code === 'string' &&
            answer.error.code.length > 0
          );
        }),
        { numRuns: 2000 },
      );
      expect(requests).toBeGreaterThanOrEqual(2000);
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
    expect(await readTopic(env.KAFKA_BROKERS!, `${env.TOPIC_PREFIX}.events`)).toEqual([]);
  });
});
