import fc from 'fast-check';
import { isOffsetTimestamp, parseOffsetTimestamp } from '@touchpoint/contracts';
import { parseOffsetTimestamp as referenceParse } from './reference/timestamp.reference';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Timestamps near the grammar's edges: every part may be in range, out of range or malformed. */
const part = (width: number, max: number): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max }).map((n) => pad(n, width)), weight: 40 },
    {
      arbitrary: fc.integer({ min: 0, max: 10 ** width - 1 }).map((n) => pad(n, width)),
      weight: 1,
    },
    {
      arbitrary: fc.string({ maxLength: width + 1, unit: fc.constantFrom(...'0129 -+:.TZa٣') }),
      weight: 1,
    },
  );

const nearTimestamp = fc
  .record({
    year: part(4, 9999),
    month: part(2, 12),
    day: part(2, 31),
    hour: part(2, 23),
    minute: part(2, 59),
    second: part(2, 59),
    fraction: fc.oneof(
      { arbitrary: fc.constant(''), weight: 4 },
      {
        arbitrary: fc.string({ maxLength: 11, unit: fc.constantFrom(...'0123456789') }),
        weight: 4,
      },
    ),
    zone: fc.oneof(
      {
        arbitrary: fc.constantFrom(
          'Z',
          'z',
          '',
          '+00:00',
          '-00:00',
          '+14:59',
          '-15:00',
          '+08',
          '+0800',
        ),
        weight: 1,
      },
      {
        arbitrary: fc
          .tuple(fc.constantFrom('+', '-'), part(2, 14), part(2, 59))
          .map(([sign, h, m]) => `${sign}${h}:${m}`),
        weight: 2,
      },
    ),
    separators: fc.oneof(
      { arbitrary: fc.constant('--T::'), weight: 20 },
      { arbitrary: fc.constantFrom('/-T::', '--t::', '-- ::', '--T:.'), weight: 1 },
    ),
    tail: fc.oneof(
      { arbitrary: fc.constant(''), weight: 20 },
      { arbitrary: fc.constantFrom(' ', '\n', 'Z', '0'), weight: 1 },
    ),
  })
  .map(
    ({ year, month, day, hour, minute, second, fraction, zone, separators: s, tail }) =>
      `${year}${s[0]}${month}${s[1]}${day}${s[2]}${hour}${s[3]}${minute}${s[4]}${second}` +
      `${fraction === '' ? '' : `.${fraction}`}${zone}${tail}`,
  );

function sameAsReference(text: unknown): void {
  const actual = parseOffsetTimestamp(text);
  const expected = referenceParse(text);
  // Object.is: the same instant, and the same "undefined" for every rejection.
  if (!Object.is(actual, expected)) {
    throw new Error(`${JSON.stringify(text)}: got ${actual}, reference ${expected}`);
  }
}

describe('parseOffsetTimestamp (equivalence with the regular-expression parser)', () => {
  it('Given strings near the timestamp grammar, When parsed, Then the instant (or rejection) is the reference one', () => {
    fc.assert(
      fc.property(nearTimestamp, (text) => sameAsReference(text)),
      { numRuns: 20_000 },
    );
  });

  it('Given arbitrary strings and JSON values, When parsed, Then the verdict is the reference one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()), (v) =>
        sameAsReference(v),
      ),
      { numRuns: 5_000 },
    );
  });

  it('Given every day of the years around each calendar edge, When parsed with offsets, Then the instant is the reference one', () => {
    const years = [0, 1, 3, 4, 99, 100, 399, 400, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2100];
    for (const year of [...years, 9999]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          sameAsReference(`${date}T00:00:00Z`);
          sameAsReference(`${date}T23:59:59.999-14:59`);
          sameAsReference(`${date}T12:30:45.5+14:59`);
        }
      }
    }
  });

  it('Given a valid timestamp, When checked with isOffsetTimestamp, Then it agrees with the parser', () => {
    fc.assert(
      fc.property(nearTimestamp, (text) => {
        expect(isOffsetTimestamp(text)).toBe(referenceParse(text) !== undefined);
      }),
      { numRuns: 2_000 },
    );
  });

  it('Given the generator, When sampled, Then it yields accepted and rejected timestamps, so the property is not vacuous', () => {
    const verdicts = fc
      .sample(nearTimestamp, { numRuns: 2_000, seed: 7 })
      .map((text) => referenceParse(text) !== undefined);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(50);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(50);
  });
});
