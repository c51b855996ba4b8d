import type { LogMessage } from '@touchpoint/ports';
import { deadLetterAppends } from './dead-letters';

const letter = (key: string, bytes: number): LogMessage => ({
  key,
  value: Buffer.alloc(bytes, 0x7b),
  headers: { 'x-dlq-error-code': 'not_json' },
});

describe('dead letters split into appends the broker takes', () => {
  it('given small letters, then they go in one append', () => {
    const letters = [letter('a', 10), letter('b', 10)];
    expect(deadLetterAppends(letters)).toEqual([letters]);
  });

  it('given a 900 KB letter among small ones, then it goes alone and the order is kept', () => {
    const letters = [letter('a', 300 * 1024), letter('b', 900 * 1024), letter('c', 300 * 1024)];
    const appends = deadLetterAppends(letters);
    expect(appends.map((a) => a.map((m) => m.key))).toEqual([['a'], ['b'], ['c']]);
    expect(appends.flat()).toEqual(letters);
  });

  it('given many letters, then no append passes the limit unless a letter alone does', () => {
    const letters = Array.from({ length: 50 }, (_, i) => letter(`k${i}`, 40 * 1024));
    const appends = deadLetterAppends(letters, 200 * 1024);
    expect(appends.flat()).toEqual(letters);
    for (const a of appends) {
      expect(a.reduce((n, m) => n + m.value.length, 0)).toBeLessThanOrEqual(200 * 1024);
    }
  });

  it('given no letters, then no append', () => {
    expect(deadLetterAppends([])).toEqual([]);
  });
});
