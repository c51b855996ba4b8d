import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { recordEvent } from '@touchpoint/contracts';
import type { PositionedEvent } from '@touchpoint/projections';
import { instantiate } from '@touchpoint/projector';
import { MODEL_KINDS, copurchaseCollectionName } from '@touchpoint/read-models';

const kind = MODEL_KINDS.find((k) => k.model === 'crosssell')!;
const model = instantiate(kind, 'v1', kind.projection.defaultPolicy);

const purchase = (n: number, customerId: string, skus: string[]): PositionedEvent => ({
  event: recordEvent(
    {
      eventId: `0190c2a4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
      type: 'purchase.completed',
      schemaVersion: 2,
      customerId,
      channel: 'store',
      occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
      payload: {
        orderId: `O-${n}`,
        currency: 'CNY',
        total: 100 * skus.length,
        items: skus.map((sku) => ({
          sku,
          name: `product ${sku} with a long descriptive name`,
          category: `cat-${sku.slice(0, 3)}`,
          quantity: 1,
          unitPrice: 100,
        })),
      },
    },
    { receivedAt: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000), source: 'test' },
  ),
  position: { partition: 0, offset: String(n) },
});

/** The aggregate documents as their counts, without the bookkeeping a different write history changes. */
async function aggregates(store: EmbeddedReadModelStore) {
  const out: Record<string, unknown> = {};
  for await (const { id, doc } of store.scan<Record<string, unknown>>(
    copurchaseCollectionName(model.collection),
  )) {
    const { revision: _r, ...rest } = doc;
    out[id] = rest;
  }
  return out;
}

describe('a crosssell document at its limit', () => {
  it('Given purchases that take one customer past the limit, When folded, Then the refused baskets count nowhere: the co-purchase aggregates equal an unlimited fold of the accepted events alone', async () => {
    // Given: one customer buying ever new products (her document grows), others buying pairs.
    const stream: PositionedEvent[] = [];
    for (let n = 1; n <= 60; n++) {
      stream.push(
        n % 3 === 0
          ? purchase(n, `c-${n % 7}`, ['AAA-1', 'BBB-2'])
          : purchase(n, 'c-big', [`SKU-${n}-a`, `SKU-${n}-b`, 'AAA-1']),
      );
    }
    const store = new EmbeddedReadModelStore();
    const limited = model.runner(store, { maxDocumentBytes: 3000 });

    // When
    const outcome = await limited.apply(stream);

    // Then
    const refused = new Set(outcome.refused.map((r) => r.position.offset));
    expect(refused.size).toBeGreaterThan(0);
    expect(outcome.refused.every((r) => r.key.endsWith('c-big'))).toBe(true);
    const reference = new EmbeddedReadModelStore();
    await model.runner(reference).apply(stream.filter((e) => !refused.has(e.position.offset)));
    expect(await aggregates(store)).toEqual(await aggregates(reference));
    const big = await store.get<{ state: string }>(model.collection, 'customer:c-big');
    expect(Buffer.byteLength(big!.state)).toBeLessThanOrEqual(3000);
  });
});
