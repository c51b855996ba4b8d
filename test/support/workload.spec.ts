import { workload } from './workload';

describe('workload', () => {
  it('given a seed, then it makes the same valid events every time, with unique ids and a customer mix', () => {
    const options = {
      seed: 7,
      events: 500,
      customers: 40,
      until: new Date('2026-11-01T00:00:00Z'),
      days: 730,
    };
    const a = workload(options);
    const b = workload(options);
    expect(a).toEqual(b);
    expect(a).toHaveLength(500);
    expect(new Set(a.map((e) => e.eventId)).size).toBe(500);
    expect(new Set(a.map((e) => e.type)).size).toBeGreaterThan(8);
    expect(new Set(a.map((e) => e.customerId)).size).toBeGreaterThan(30);
    expect(a.every((e) => Date.parse(e.occurredAt) <= Date.parse('2026-11-01T00:00:00Z'))).toBe(
      true,
    );
  });
});
