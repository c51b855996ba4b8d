import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS } from '@touchpoint/contracts';
import { type StoredProjectionDoc } from '@touchpoint/read-models';
import { type RunningApp, startApp } from '@touchpoint/platform';
import {
  createKey,
  eventually,
  isolatedEnv,
  post,
  purchase,
  readTopic,
  tempDir,
} from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

const modes: [string, () => Record<string, string>][] = [
  ['Kafka and the MongoDB-compatible server', () => isolatedEnv()],
  ['the embedded log and store', () => ({ PORT: '0', LOG_LEVEL: 'error', DATA_DIR: tempDir() })],
];

describe.each(modes)('HTTP in → log → projector → read models, on %s', (_name, makeEnv) => {
  let env: Record<string, string>;
  let app: RunningApp;

  beforeAll(async () => {
    env = makeEnv();
    app = await startApp(touchpointApp, env);
  });

  afterAll(async () => {
    await app.close();
  });

  it('given a registration and a purchase sent over HTTP, then every model has the customer and a change notice was published', async () => {
    const key = await createKey(env, 'store', '*');
    const customerId = `c-path-${randomUUID().slice(0, 8)}`;
    const registered = {
      ...EXAMPLE_EVENTS['customer.registered'],
      eventId: randomUUID(),
      customerId,
      channel: 'store',
    };
    const order = purchase(customerId, 1);
    const res = await post(`${app.url}/v1/events/batch`, key, [registered, order]);
    expect(res.status).toBe(202);

    const store = app.ctx.engines.store;
    const doc = await eventually(
      () => store.get<StoredProjectionDoc>('customer360_v1', `customer:${customerId}`),
      {
        what: 'the customer360 document',
      },
    );
    const state = JSON.parse(doc.state) as {
      purchases: Record<string, unknown>;
      searchKeys: { emails: string[] };
    };
    expect(Object.keys(state.purchases)).toEqual([
      String((order.payload as { orderId: string }).orderId),
    ]);
    expect(doc.search?.emails).toEqual(state.searchKeys.emails);
    expect(
      await store.findBy('customer360_v1', 'search.emails', state.searchKeys.emails[0]!),
    ).not.toHaveLength(0);
    await eventually(() => store.get('loyalty_v1', `customer:${customerId}`), {
      what: 'the loyalty document',
    });
    await eventually(() => store.get('crosssell_v1', `customer:${customerId}`), {
      what: 'the crosssell document',
    });

    if (env.KAFKA_BROKERS) {
      const notices = await eventually(
        async () => {
          const all = await readTopic(env.KAFKA_BROKERS!, `${env.TOPIC_PREFIX}.changes`);
          const mine = all.filter((r) => r.record.key === `customer:${customerId}`);
          return mine.length >= 3 ? mine : undefined;
        },
        { what: 'change notices' },
      );
      const models = notices
        .map((n) => (JSON.parse(n.record.value.toString()) as { model: string }).model)
        .sort();
      expect(new Set(models)).toEqual(new Set(['crosssell', 'customer360', 'loyalty']));
    }
  });
});
