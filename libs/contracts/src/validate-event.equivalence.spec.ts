import fc from 'fast-check';
import {
  CHANNELS,
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  LEGACY_EXAMPLES,
  decodeRecordedEvent,
  recordEvent,
  validateIncomingEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';
import * as reference from './reference/validate-event.reference';

/**
 * The fast path may only ever answer "valid" where the full check finds nothing; everything
 * else goes through the full check. So for any input the verdict, event and every violation
 * (path, code, message, order) must be those of the validator as of 81249f3.
 */

const NOW = new Date('2025-06-01T00:00:00Z');
const INCOMING = { now: NOW, maxFutureSkewMs: 60_000 };
const RECORDED_SKEW = { maxFutureSkewMs: 60_000 };

type Json = unknown;
type Doc = Record<string, Json>;

const copy = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

const recorded = (event: Json, correlationId?: string): Doc =>
  recordEvent(copy(event) as never, {
    receivedAt: new Date('2025-05-01T08:00:00.123Z'),
    source: 'pos-shanghai',
    ...(correlationId === undefined ? {} : { correlationId }),
  }) as unknown as Doc;

const incomingExamples = EVENT_TYPES.map((type) => copy(EXAMPLE_EVENTS[type]));
const legacyExamples = Object.values(LEGACY_EXAMPLES).map((legacy) => copy(legacy.v1));
/** Every type and every stored schema version, as sent and as recorded. */
const BASES: readonly Json[] = [
  ...incomingExamples,
  ...legacyExamples,
  ...[...incomingExamples, ...legacyExamples].map((event) => recorded(event, 'req-42')),
  ...[...incomingExamples, ...legacyExamples].map((event) => recorded(event)),
];

const sized = (n: number): string => 'x'.repeat(n);
/** Right at and just past each length limit of the contract. */
const LENGTHS = [64, 65, 100, 101, 128, 129, 200, 201, 256, 257, 300, 301, 500, 501, 2000, 2001];
const LONG_STRINGS = [...LENGTHS, 2048, 2049, 4000, 4001].map(sized);

const timestamp = fc.oneof(
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31') }).map((d) => {
    const iso = Number.isNaN(d.getTime()) ? '2025-01-01T00:00:00.000Z' : d.toISOString();
    return iso.replace(/\.\d{3}Z$/, '+08:00');
  }),
  fc.constantFrom(
    '2025-05-01T10:15:00+08:00',
    '2025-06-01T00:00:59Z',
    '2025-06-01T00:01:01Z',
    '2099-01-01T00:00:00Z',
    '2025-05-01T10:15:00',
    '2025-02-29T10:15:00Z',
    '2025-05-01T24:00:00Z',
    '2025-05-01T10:15:00.1234567890Z',
    '2025-05-01T10:15:00+15:00',
    '2025-05-01',
  ),
);

/** Values some field somewhere accepts, and near misses of them. */
const FIELD_VALUES = [
  ...CHANNELS,
  ...EVENT_TYPES,
  'fax',
  'purchase.complete',
  'registration',
  'customer_request',
  'inbound',
  'marketing',
  'mobile',
  'delivery',
  'high',
  'CNY',
  'USD',
  'XXX',
  'cny',
  'CN',
  'cn',
  'c-1001',
  'c-2031',
  '-c',
  'a b',
  'baby/feeding',
  'Baby',
  '0190c2a4-1f00-7000-8000-0000000000AA',
  '0190c2a4-1f00-7000-c000-000000000001',
  'mei.lin@example.cn',
  'not-an-email',
  '+86 138 0013 8000',
  '+86 13',
  'https://example.com/a?b=c',
  'ftp://example.com',
  '1990-05-14',
  '1990-02-30',
];

const replacement: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 3 },
  { arbitrary: fc.constantFrom(...FIELD_VALUES), weight: 4 },
  { arbitrary: fc.constantFrom(...LONG_STRINGS), weight: 2 },
  { arbitrary: timestamp, weight: 2 },
  {
    arbitrary: fc.constantFrom<Json>(
      -1,
      0,
      1,
      2,
      3,
      10,
      11,
      1.5,
      12.345,
      2 ** 53,
      2 ** 60,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      ' ',
      '1',
      true,
      false,
      null,
      undefined,
      [],
      {},
      [{}],
      [null],
      ['x'],
      new Date(0),
      JSON.parse('{"__proto__": {"x": 1}}') as Json,
    ),
    weight: 3,
  },
);

const EXTRA_KEYS = ['__proto__', 'constructor', 'toString', 'a b', '', 'receivedAt', 'source'];

interface Mutation {
  readonly steps: readonly number[];
  readonly action: number;
  readonly value: Json;
  readonly extraKey: number;
}

/** Clone along the path and apply one edit at its end; `action` picks the edit. */
function mutate(doc: Json, m: Mutation, depth = 0): Json {
  if (typeof doc !== 'object' || doc === null || doc instanceof Date) return m.value;
  const isArray = Array.isArray(doc);
  const out: Record<string, Json> | Json[] = isArray ? [...doc] : { ...(doc as Doc) };
  const target = out as Record<string, Json>;
  const keys = Object.keys(out);
  const step = m.steps[depth];
  const key = keys.length > 0 && step !== undefined ? keys[step % keys.length] : undefined;
  const child = key === undefined ? undefined : target[key];
  if (
    key !== undefined &&
    typeof child === 'object' &&
    child !== null &&
    depth + 1 < m.steps.length
  ) {
    target[key] = mutate(child, m, depth + 1);
    return out;
  }
  switch (m.action % 7) {
    case 0: // missing field
      if (key !== undefined && !isArray) delete target[key];
      return out;
    case 1: {
      // extra field, possibly a hostile or server-set one
      if (isArray) return [...(out as Json[]), m.value];
      const extra = EXTRA_KEYS[m.extraKey % (EXTRA_KEYS.length + 1)] ?? `${key ?? 'k'}_x`;
      Object.defineProperty(out, extra, { value: m.value, enumerable: true, writable: true });
      return out;
    }
    case 2: // duplicated element (nested line items, pages, ...) past their limits too
      if (isArray) {
        const times = m.extraKey % 3 === 0 ? 501 : 1;
        return [...(out as Json[]), ...Array<Json>(times).fill((out as Json[])[0] ?? m.value)];
      }
      if (key !== undefined) target[key] = m.value;
      return out;
    case 3: // the same members without Object.prototype
      return Object.assign(Object.create(null) as Doc, out);
    case 4: // explicit null: "absent" for optional fields, "clear it" in profile patches
      if (key !== undefined) target[key] = null;
      return out;
    default: // wrong-typed or out-of-range value
      if (key !== undefined) target[key] = m.value;
      return out;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  steps: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  action: fc.nat(),
  value: replacement,
  extraKey: fc.nat(),
});

const candidate: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 0, maxLength: 3 }))
  .map(([base, mutations]) => mutations.reduce<Json>((doc, m) => mutate(doc, m), base));

/** Deep-equal, and the same JSON text: same key order, same messages, byte for byte. */
function same(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

function bytesOf(doc: Json): Uint8Array {
  return Buffer.from(JSON.stringify(doc) ?? 'undefined', 'utf8');
}

describe('event validation (equivalence with the validator as of 81249f3)', () => {
  it('Given valid and mutated events of every type, When validated as incoming, Then the verdict is the reference one', () => {
    fc.assert(
      fc.property(candidate, (doc) => {
        same(validateIncomingEvent(doc, INCOMING), reference.validateIncomingEvent(doc, INCOMING));
      }),
      { numRuns: 5_000 },
    );
  });

  it('Given valid and mutated events of every type, When validated as recorded (with and without a skew), Then the verdict is the reference one', () => {
    fc.assert(
      fc.property(candidate, (doc) => {
        same(validateRecordedEvent(doc), reference.validateRecordedEvent(doc));
        same(
          validateRecordedEvent(doc, RECORDED_SKEW),
          reference.validateRecordedEvent(doc, RECORDED_SKEW),
        );
      }),
      { numRuns: 4_000 },
    );
  });

  it('Given the bytes of valid and mutated events, When decoded, Then the verdict is the reference one', () => {
    fc.assert(
      fc.property(candidate, fc.nat(), (doc, cut) => {
        const bytes = bytesOf(doc);
        same(decodeRecordedEvent(bytes), reference.decodeRecordedEvent(bytes));
        const truncated = bytes.subarray(0, cut % (bytes.length + 1));
        same(decodeRecordedEvent(truncated), reference.decodeRecordedEvent(truncated));
      }),
      { numRuns: 3_000 },
    );
  });

  it('Given the same input twice, When validated, Then the second verdict equals the first (no state carried between calls)', () => {
    fc.assert(
      fc.property(candidate, candidate, (first, second) => {
        const before = validateRecordedEvent(first);
        validateRecordedEvent(second);
        same(validateRecordedEvent(first), before);
      }),
      { numRuns: 1_000 },
    );
  });

  it('Given the generator, When sampled, Then it yields both verdicts for both modes and every type, so the properties are not vacuous', () => {
    const sample = fc.sample(candidate, { numRuns: 3_000, seed: 42 });
    const incoming = sample.map((doc) => validateIncomingEvent(doc, INCOMING));
    const asRecorded = sample.map((doc) => validateRecordedEvent(doc));
    for (const verdicts of [incoming, asRecorded]) {
      expect(verdicts.filter((v) => v.ok).length).toBeGreaterThan(300);
      expect(verdicts.filter((v) => !v.ok).length).toBeGreaterThan(300);
    }
    const acceptedTypes = new Set(asRecorded.flatMap((v) => (v.ok ? [v.event.type] : [])));
    expect([...acceptedTypes].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
