import fc from 'fast-check';
import type { LogRecord } from '@touchpoint/ports';
import { VerdictCache } from './verdict-cache';

function record(offset: number, bytes = 100, partition = 0): LogRecord {
  return {
    topic: 't',
    partition,
    offset: String(offset),
    key: null,
    value: Buffer.alloc(bytes, offset % 256),
    headers: {},
    timestamp: 0,
  };
}

/** A cache whose decoder counts its calls and answers a fresh object per call. */
function counting(budgetBytes: number) {
  const decoded: string[] = [];
  const cache = new VerdictCache((value: Buffer) => {
    decoded.push(value.toString('hex', 0, 1));
    return { first: value[0] };
  }, budgetBytes);
  return { cache, decoded };
}

describe('VerdictCache', () => {
  it('given three groups, when each takes the same records, then each record is decoded once and nothing is held after the slowest took it', () => {
    // Given
    const { cache, decoded } = counting(1_000_000);
    cache.groups = 3;
    const records = Array.from({ length: 50 }, (_, i) => record(i));
    // When
    const first = records.map((r) => cache.decode(r));
    const second = records.map((r) => cache.decode(r));
    expect(cache.size).toBe(50);
    const third = records.map((r) => cache.decode(r));
    // Then
    expect(decoded).toHaveLength(50);
    expect(second).toEqual(first);
    second.forEach((v, i) => expect(v).toBe(first[i]));
    third.forEach((v, i) => expect(v).toBe(first[i]));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('given a slow group far behind, when the fast one runs ahead past the budget, then the held bytes stay within it and the slow group decodes the evicted records itself', () => {
    // Given
    const { cache, decoded } = counting(1_000);
    cache.groups = 2;
    // When: the fast group reads 100 records of 100 bytes; the budget holds 10 of them
    for (let i = 0; i < 100; i++) {
      cache.decode(record(i));
      expect(cache.bytes).toBeLessThanOrEqual(1_000);
    }
    const slow = Array.from({ length: 100 }, (_, i) => cache.decode(record(i)));
    // Then: the 90 oldest were evicted and decoded again, the newest 10 were shared
    expect(cache.evictions).toBe(90);
    expect(decoded).toHaveLength(190);
    expect(slow.map((v) => v.first)).toEqual(Array.from({ length: 100 }, (_, i) => i % 256));
    expect(cache.size).toBe(0);
  });

  it('given one group, when it decodes, then nothing is held', () => {
    const { cache } = counting(1_000_000);
    cache.groups = 1;
    for (let i = 0; i < 10; i++) cache.decode(record(i));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('given a record larger than the budget, when decoded, then it is not held', () => {
    const { cache } = counting(1_000);
    cache.groups = 2;
    cache.decode(record(1, 2_000));
    expect(cache.size).toBe(0);
  });

  it('given any interleaving of groups reading the same partitions, then every verdict equals a fresh decode, the bytes stay within the budget and the bookkeeping stays proportional to what is held', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 300, max: 5_000 }),
        (groups, steps, budget) => {
          const { cache } = counting(budget);
          cache.groups = groups;
          const next = new Array<number>(groups).fill(0);
          for (const step of steps) {
            const g = step % groups;
            const offset = next[g]!++;
            const verdict = cache.decode(record(offset, 50 + (offset % 7) * 40, offset % 3));
            expect(verdict.first).toBe(offset % 256);
            expect(cache.bytes).toBeLessThanOrEqual(budget);
            expect(cache.tracked).toBeLessThanOrEqual(3 * cache.size + 1025);
          }
        },
      ),
    );
  });
});
