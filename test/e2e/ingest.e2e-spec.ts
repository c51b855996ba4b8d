import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS } from '@touchpoint/contracts';
import { startApp, type RunningApp } from '@touchpoint/platform';
import { createKey, cli, isolatedEnv, post, purchase, readTopic } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

describe('ingest API on the real broker', () => {
  let env: Record<string, string>;
  let app: RunningApp;
  let storeKey: string;
  let url: string;

  beforeAll(async () => {
    env = isolatedEnv({ INGEST_MAX_BATCH_EVENTS: '50', INGEST_MAX_BODY_BYTES: '65536' });
    storeKey = await createKey(env, 'store', 'purchase.completed,purchase.refunded');
    app = await startApp(touchpointApp, env);
    url = app.url;
  });

  afterAll(async () => {
    await app.close();
  });

  it('given a batch for several customers, when accepted, then the topic holds them exactly as accepted, keyed and in per-customer order', async () => {
    const customers = ['c-order-1', 'c-order-2', 'c-order-3'];
    const sent = Array.from({ length: 30 }, (_, i) => purchase(customers[i % 3]!, i));
    const res = await post(`${url}/v1/events/batch`, storeKey, sent, {
      'x-correlation-id': 'corr-batch-1',
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      results: { status: string; eventId: string }[];
    };
    expect(body.accepted).toBe(30);
    expect(body.results.map((r) => r.eventId)).toEqual(sent.map((e) => e.eventId));

    const inTopic = (await readTopic(env.KAFKA_BROKERS!, `${env.TOPIC_PREFIX}.events`)).filter(
      (r) => customers.includes(r.record.key ?? ''),
    );
    expect(inTopic).toHaveLength(30);
    for (const customer of customers) {
      const mine = inTopic.filter((r) => r.record.key === customer);
      const expected = sent.filter((e) => e.customerId === customer);
      expect(mine.map((r) => r.event?.eventId)).toEqual(expected.map((e) => e.eventId));
      for (const [i, r] of mine.entries()) {
        const { receivedAt, source, correlationId, ...asSent } = r.event!;
        expect(asSent).toEqual(expected[i]);
        expect(source).toMatch(/^store-/);
        expect(correlationId).toBe('corr-batch-1');
        expect(Date.parse(receivedAt)).toBeGreaterThan(Date.now() - 120000);
        expect(r.record.headers['x-correlation-id']).toBe('corr-batch-1');
        expect(r.record.headers['x-event-id']).toBe(expected[i]!.eventId);
      }
    }
  });

  it('given duplicates in one batch and across batches, then each is reported as duplicate and appended once', async () => {
    const a = purchase('c-dup', 1);
    const b = purchase('c-dup', 2);
    const first = await post(`${url}/v1/events/batch`, storeKey, [a, b, a]);
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as {
      accepted: number;
      duplicates: number;
      results: { status: string }[];
    };
    expect(firstBody.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'duplicate']);
    const second = await post(`${url}/v1/events/batch`, storeKey, [b, purchase('c-dup', 3)]);
    const secondBody = (await second.json()) as {
      results: { status: string; duplicateOf?: unknown }[];
    };
    expect(secondBody.results.map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    expect(secondBody.results[0]!.duplicateOf).toMatchObject({
      partition: expect.any(Number),
      offset: expect.any(String),
    });
    const single = await post(`${url}/v1/events`, storeKey, a);
    expect(single.status).toBe(200);
    expect(await single.json()).toMatchObject({ status: 'duplicate', eventId: a.eventId });

    const inTopic = (await readTopic(env.KAFKA_BROKERS!, `${env.TOPIC_PREFIX}.events`)).filter(
      (r) => r.record.key === 'c-dup',
    );
    expect(inTopic).toHaveLength(3);
  });

  it('given a single valid event, then 202 names its position and correlation id', async () => {
    const res = await post(`${url}/v1/events`, storeKey, purchase('c-single'), {
      'x-correlation-id': 'corr-single',
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      status: 'accepted',
      partition: expect.any(Number),
      offset: expect.any(String),
      correlationId: 'corr-single',
    });
  });

  it('given a mixed batch, then 207 answers per item with reasons', async () => {
    const bad = { ...purchase('c-mixed'), channel: 'tv' };
    const res = await post(`${url}/v1/events/batch`, storeKey, [purchase('c-mixed', 1), bad]);
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      results: { status: string; code?: string; violations?: { path: string; code: string }[] }[];
    };
    expect(body.results[0]!.status).toBe('accepted');
    expect(body.results[1]).toMatchObject({ status: 'rejected', code: 'invalid_event' });
    expect(body.results[1]!.violations).toContainEqual(
      expect.objectContaining({ path: 'channel', code: 'invalid_channel' }),
    );
  });

  it.each([
    ['no key', undefined, 401, 'missing_api_key'],
    ['an unknown key', 'tpk_0000000000000000_' + 'x'.repeat(43), 401, 'unknown_api_key'],
    ['garbage', 'let-me-in', 401, 'unknown_api_key'],
  ])('given %s, then 401 %s', async (_what, key, status, code) => {
    const res = await post(`${url}/v1/events`, key, purchase('c-auth'));
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
  });

  it('given a key outside its scope, then 403 names the reason', async () => {
    const wrongChannel = await post(`${url}/v1/events`, storeKey, {
      ...purchase('c-scope'),
      channel: 'web',
    });
    expect(wrongChannel.status).toBe(403);
    expect(await wrongChannel.json()).toMatchObject({ error: { code: 'channel_not_allowed' } });
    const adjustment = {
      ...EXAMPLE_EVENTS['loyalty.points_adjusted'],
      eventId: randomUUID(),
      channel: 'store',
    };
    const wrongType = await post(`${url}/v1/events`, storeKey, adjustment);
    expect(wrongType.status).toBe(403);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'type_not_allowed' } });
  });

  it('given a revoked key, then 401 revoked_api_key', async () => {
    const key = await createKey(env, 'store', '*');
    const keyId = key.split('_')[1]!;
    expect((await cli(env, 'keys', 'revoke', keyId)).code).toBe(0);
    const res = await post(`${url}/v1/events`, key, purchase('c-revoked'));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'revoked_api_key' } });
    expect((await cli(env, 'keys', 'list')).out).toMatch(
      new RegExp(`${keyId}\\s+store\\s+\\S+\\s+revoked`),
    );
  });

  it('given bad bodies, then 400, 413 and 415 carry machine-readable codes', async () => {
    const malformed = await post(`${url}/v1/events`, storeKey, '{"eventId": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } });

    const text = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-api-key': storeKey },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });

    const huge = await post(`${url}/v1/events`, storeKey, {
      ...purchase('c-big'),
      padding: 'x'.repeat(70000),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const tooMany = await post(
      `${url}/v1/events/batch`,
      storeKey,
      Array.from({ length: 51 }, (_, i) => purchase('c-many', i)),
    );
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: { code: 'batch_too_large' } });

    const future = {
      ...purchase('c-future'),
      occurredAt: new Date(Date.now() + 3600_000).toISOString(),
    };
    const early = await post(`${url}/v1/events`, storeKey, future);
    expect(early.status).toBe(400);
    expect(JSON.stringify(await early.json())).toContain('too_far_in_future');

    const negative = purchase('c-neg');
    (negative.payload as { items: { unitPrice: number }[] }).items[0]!.unitPrice = -5;
    const neg = await post(`${url}/v1/events`, storeKey, negative);
    expect(neg.status).toBe(400);
    expect(await neg.json()).toMatchObject({
      error: {
        violations: expect.arrayContaining([
          expect.objectContaining({ path: 'payload.items[0].unitPrice' }),
        ]),
      },
    });
  });

  it('serves the OpenAPI document with every event schema', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events/batch']),
    );
    expect(doc.components.schemas).toHaveProperty('Event_purchase_completed');
    expect(doc.components.schemas).toHaveProperty('Event_customer_identified');
    expect((await fetch(`${url}/docs`)).status).toBe(200);
  });
});

describe('rate limit per key', () => {
  it('given a key over its rate, then 429 with Retry-After', async () => {
    const env = isolatedEnv({ INGEST_RATE_LIMIT_PER_SECOND: '1', INGEST_RATE_LIMIT_BURST: '2' });
    const key = await createKey(env, 'store', '*');
    const app = await startApp(touchpointApp, env);
    try {
      expect(
        (await post(`${app.url}/v1/events/batch`, key, [purchase('c-rl', 1), purchase('c-rl', 2)]))
          .status,
      ).toBe(202);
      const limited = await post(`${app.url}/v1/events`, key, purchase('c-rl', 3));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    } finally {
      await app.close();
    }
  });
});
