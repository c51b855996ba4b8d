import fc from 'fast-check';
import { sortedReferenceStringify, stableStringify } from './stable-json';

describe('stableStringify', () => {
  it('given any JSON value, then it writes the bytes of JSON.stringify with every object sorted', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stableStringify(value)).toBe(sortedReferenceStringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('given objects with index-like keys, undefined, dates, non-finite numbers and class instances, then it still matches', () => {
    class Point {
      constructor(
        readonly y: number,
        readonly x: { b: number; a: number },
      ) {}
    }
    const odd = {
      b: 1,
      10: 'ten',
      9: 'nine',
      '01': 'zero-one',
      a: undefined,
      z: [undefined, () => 1, Number.NaN, -0, Infinity],
      at: new Date('2026-01-01T00:00:00Z'),
      custom: { toJSON: () => ({ y: 1, x: { toJSON: () => 'kept' } }) },
      point: new Point(1, { b: 2, a: 1 }),
      nested: { '4294967295': 1, '4294967294': 2, ä: 3, A: 4 },
      proto: JSON.parse('{"__proto__": {"b": 1, "a": 2}}') as unknown,
    };
    expect(stableStringify(odd)).toBe(sortedReferenceStringify(odd));
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(stableStringify(undefined)).toBe(undefined);
  });
});
