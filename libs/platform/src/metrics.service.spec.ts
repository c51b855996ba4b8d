import { MetricsService } from '@touchpoint/platform';

describe('MetricsService', () => {
  it('given a series asked for twice (two consumers in one process), then both get the same one', async () => {
    const metrics = new MetricsService('test');
    const a = metrics.counter('touchpoint_test_total', 'help', ['group']);
    const b = metrics.counter('touchpoint_test_total', 'help', ['group']);
    a.inc({ group: 'x' });
    b.inc({ group: 'x' }, 2);
    expect(a).toBe(b);
    expect(await metrics.registry.metrics()).toContain(
      'touchpoint_test_total{group="x",app="test"} 3',
    );
  });
});
