import { EmbeddedReadModelStore } from '@touchpoint/adapters';
import { MeteredReadModelStore } from './metered-store';
import { MetricsService } from './metrics.service';

describe('MeteredReadModelStore', () => {
  it('given reads and writes through it, when /metrics is rendered, then each round trip is timed by operation and collection and the documents counted', async () => {
    // Given
    const metrics = new MetricsService('test');
    const store = new MeteredReadModelStore(new EmbeddedReadModelStore(), metrics);
    // When
    await store.writeVersioned('customer360_v1', [
      { id: 'c-1', doc: { a: 1 }, version: 1 },
      { id: 'c-2', doc: { a: 2 }, version: 1 },
    ]);
    const found = await store.getMany('customer360_v1', ['c-1', 'c-2', 'c-3']);
    await store.getMany('crosssell_v1_copurchase', ['x']);
    const text = await metrics.registry.metrics();
    // Then the calls still do what the store does
    expect([...found.keys()].sort()).toEqual(['c-1', 'c-2']);
    expect(text).toMatch(
      /touchpoint_store_call_seconds_count\{app="test",op="writeVersioned",collection="customer360_v1"\} 1/,
    );
    expect(text).toMatch(
      /touchpoint_store_call_seconds_count\{app="test",op="getMany",collection="crosssell_v1_copurchase"\} 1/,
    );
    expect(text).toMatch(
      /touchpoint_store_documents_total\{op="getMany",collection="customer360_v1",app="test"\} 3/,
    );
    expect(text).toMatch(
      /touchpoint_store_documents_total\{op="writeVersioned",collection="customer360_v1",app="test"\} 2/,
    );
    expect(store.kind).toBe('embedded');
  });

  it('given a failing call, when it is timed, then the error reaches the caller unchanged', async () => {
    const metrics = new MetricsService('test');
    const inner = new EmbeddedReadModelStore();
    const store = new MeteredReadModelStore(
      Object.assign(Object.create(inner) as EmbeddedReadModelStore, {
        get: () => Promise.reject(new Error('store down')),
      }),
      metrics,
    );
    await expect(store.get('customer360_v1', 'c-1')).rejects.toThrow('store down');
    expect(await metrics.registry.metrics()).toMatch(
      /touchpoint_store_call_seconds_count\{app="test",op="get",collection="customer360_v1"\} 1/,
    );
  });
});
