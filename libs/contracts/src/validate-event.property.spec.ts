import fc from 'fast-check';
import { type FieldViolation } from '@touchpoint/core';
import {
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  VIOLATION_CODES,
  decodeRecordedEvent,
  validateIncomingEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';

const OPTS = { now: new Date('2025-06-01T00:00:00Z'), maxFutureSkewMs: 60_000 };
const KNOWN_CODES = new Set(Object.keys(VIOLATION_CODES));

type Result = { ok: true } | { ok: false; violations: FieldViolation[] };

/** The property every input must satisfy: a verdict, and a usable reason when it is "no". */
function wellFormed(result: Result): boolean {
  if (result.ok) return true;
  return (
    result.violations.length > 0 &&
    result.violations.every(
      (v) =>
        v.path.length > 0 &&
        KNOWN_CODES.has(v.code) &&
        typeof v.message === 'string' &&
        v.message.length > 0,
    )
  );
}

type Json = unknown;

/** Replace, delete or add one value somewhere inside a JSON document. */
function mutate(doc: Json, steps: readonly number[], replacement: Json, action: number): Json {
  if (typeof doc !== 'object' || doc === null) return replacement;
  const copy: Record<string, Json> | Json[] = Array.isArray(doc)
    ? [...(doc as Json[])]
    : { ...(doc as Record<string, Json>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return action % 2 === 0 ? replacement : copy;
  const [step = 0, ...rest] = steps;
  const key = keys[step % keys.length] as string;
  const target = copy as Record<string, Json>;
  if (rest.length === 0 || typeof target[key] !== 'object' || target[key] === null) {
    if (action % 3 === 0 && !Array.isArray(copy)) delete target[key];
    else if (action % 3 === 1 && !Array.isArray(copy)) target[`${key}_x`] = replacement;
    else target[key] = replacement;
    return copy;
  }
  target[key] = mutate(target[key], rest, replacement, action);
  return copy;
}

const examples = EVENT_TYPES.map((t) => EXAMPLE_EVENTS[t] as unknown);

const mutatedExample = fc
  .record({
    base: fc.constantFrom(...examples),
    steps: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    replacement: fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(-1, 0, 1.5, 2 ** 60, '', ' ', 'x'.repeat(5000), null, [], {}, '__proto__'),
    ),
    action: fc.nat(),
  })
  .map(({ base, steps, replacement, action }) => mutate(base, steps, replacement, action));

describe('validateIncomingEvent (properties)', () => {
  it('Given any JSON value, When validated, Then it never throws and yields a verdict with usable violations', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => wellFormed(validateIncomingEvent(raw, OPTS))),
      { numRuns: 3000 },
    );
  });

  it('Given arbitrary objects shaped like envelopes, When validated, Then it never throws', () => {
    const envelopeish = fc.record(
      {
        eventId: fc.oneof(fc.uuid(), fc.string()),
        type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.string()),
        schemaVersion: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double()),
        customerId: fc.string(),
        anonymousId: fc.string(),
        channel: fc.string(),
        occurredAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        payload: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(envelopeish, (raw) => wellFormed(validateIncomingEvent(raw, OPTS))),
      { numRuns: 3000 },
    );
  });

  it('Given mutated examples, When validated, Then each is accepted or rejected with usable violations', () => {
    fc.assert(
      fc.property(mutatedExample, (raw) => wellFormed(validateIncomingEvent(raw, OPTS))),
      { numRuns: 5000 },
    );
  });

  it('Given an accepted event, When validated again, Then it is accepted unchanged (idempotent)', () => {
    fc.assert(
      fc.property(mutatedExample, (raw) => {
        const first = validateIncomingEvent(raw, OPTS);
        if (!first.ok) return true;
        const second = validateIncomingEvent(first.event, OPTS);
        expect(second).toEqual(first);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('validateRecordedEvent / decodeRecordedEvent (properties)', () => {
  it('Given any JSON value, When validated as recorded, Then it never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) =>
        wellFormed(validateRecordedEvent(raw, { maxFutureSkewMs: 1000 })),
      ),
      { numRuns: 2000 },
    );
  });

  it('Given arbitrary bytes, When decoded, Then it never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) =>
        wellFormed(decodeRecordedEvent(bytes)),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('mutation generator (sanity)', () => {
  it('Given a sample of mutated examples, When validated, Then both verdicts occur, so the properties are not vacuous', () => {
    const verdicts = fc
      .sample(mutatedExample, { numRuns: 500, seed: 42 })
      .map((raw) => validateIncomingEvent(raw, OPTS).ok);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(10);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThan(10);
  });
});
