import { AppError } from '@touchpoint/core';
import {
  encodeCursor,
  parseAsOf,
  parseCursor,
  parseCustomerId,
  parseEnum,
  parseInteger,
  parseRatio,
  parseText,
} from './query-params';

const NOW = new Date('2026-11-25T06:00:00Z');

/** The violation path of the 400 a parse throws, or 'no error'. */
function violationPath(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).category).toBe('validation');
    return (e as AppError).violations[0]?.path ?? 'no path';
  }
}

describe('query parameters', () => {
  it('Given asOf instants with a zone, When parsed, Then they are that instant', () => {
    expect(parseAsOf({ asOf: '2026-05-01T09:00:00+08:00' }, NOW).toISOString()).toBe(
      '2026-05-01T01:00:00.000Z',
    );
    expect(parseAsOf({ asOf: '2026-05-01T01:00Z' }, NOW).toISOString()).toBe(
      '2026-05-01T01:00:00.000Z',
    );
    expect(parseAsOf({ asOf: '2026-11-25T06:00:00.000Z' }, NOW)).toEqual(NOW);
    expect(parseAsOf({}, NOW)).toBe(NOW);
  });

  it.each([
    ['yesterday'],
    ['2026-05-01'],
    ['2026-05-01T09:00:00'],
    ['2026-13-01T00:00:00Z'],
    ['2026-05-01T25:00:00Z'],
    ['2026-11-25T06:00:01Z'],
    ['2099-01-01T00:00:00Z'],
  ])(
    'Given asOf=%s (unparsable, zoneless, out of range or future), When parsed, Then 400 naming asOf',
    (asOf) => {
      expect(violationPath(() => parseAsOf({ asOf }, NOW))).toBe('asOf');
    },
  );

  it('Given a repeated parameter, When parsed, Then 400 naming it', () => {
    expect(violationPath(() => parseAsOf({ asOf: ['a', 'b'] }, NOW))).toBe('asOf');
  });

  it('Given limits, When parsed, Then integers in range pass and anything else names limit', () => {
    const range = { min: 1, max: 100, fallback: 20 };
    expect(parseInteger({ limit: '7' }, 'limit', range)).toBe(7);
    expect(parseInteger({}, 'limit', range)).toBe(20);
    for (const limit of ['0', '101', '-1', '2.5', 'abc', ''])
      expect(violationPath(() => parseInteger({ limit }, 'limit', range))).toBe('limit');
  });

  it('Given ratios, When parsed, Then numbers in [0, 1] pass and others name the parameter', () => {
    expect(parseRatio({ minSupport: '0.05' }, 'minSupport', 0.01)).toBe(0.05);
    expect(parseRatio({ minSupport: '.5' }, 'minSupport', 0.01)).toBe(0.5);
    expect(parseRatio({ minSupport: '1' }, 'minSupport', 0.01)).toBe(1);
    expect(parseRatio({}, 'minSupport', 0.01)).toBe(0.01);
    for (const v of ['2', '-0.1', 'NaN', '1e-3', 'x'])
      expect(violationPath(() => parseRatio({ minSupport: v }, 'minSupport', 0))).toBe(
        'minSupport',
      );
  });

  it('Given enums and texts, When parsed, Then allowed values pass and others name the parameter', () => {
    expect(parseEnum({ sort: 'support' }, 'sort', ['lift', 'support'], 'lift')).toBe('support');
    expect(violationPath(() => parseEnum({ sort: 'LIFT' }, 'sort', ['lift'], 'lift'))).toBe('sort');
    expect(parseText({ name: '  mei ' }, 'name')).toBe('mei');
    expect(violationPath(() => parseText({ name: '   ' }, 'name'))).toBe('name');
    expect(violationPath(() => parseText({ name: 'x'.repeat(201) }, 'name'))).toBe('name');
  });

  it('Given cursors, When round-tripped, Then the value returns; a tampered one names the parameter', () => {
    const isAfter = (v: unknown): v is { after: string } =>
      !!v && typeof (v as { after?: unknown }).after === 'string';
    const cursor = encodeCursor({ after: 'customer:c-1' });
    expect(parseCursor({ cursor }, 'cursor', isAfter)).toEqual({ after: 'customer:c-1' });
    expect(violationPath(() => parseCursor({ cursor: 'x' + cursor }, 'cursor', isAfter))).toBe(
      'cursor',
    );
    expect(
      violationPath(() => parseCursor({ cursor: encodeCursor({ a: 1 }) }, 'cursor', isAfter)),
    ).toBe('cursor');
  });

  it('Given customer ids, When parsed, Then the contract pattern decides', () => {
    expect(parseCustomerId('c-1088')).toBe('c-1088');
    expect(violationPath(() => parseCustomerId('bad id'))).toBe('id');
    expect(violationPath(() => parseCustomerId('-x'))).toBe('id');
  });
});
