import {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  LEGACY_EXAMPLES,
  PAYLOAD_DTO_CLASSES,
  UPCASTERS,
  decimalToMinorUnits,
  upcastPayload,
  validateIncomingEvent,
  validateRecordedEvent,
} from '@touchpoint/contracts';

const OPTS = { now: new Date('2025-06-01T00:00:00Z'), maxFutureSkewMs: 60_000 };

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('upcasting', () => {
  describe('Given the version registry', () => {
    it('When inspected, Then every type has an upcaster for every step below its current version', () => {
      for (const type of EVENT_TYPES) {
        expect(CURRENT_SCHEMA_VERSION[type]).toBe(PAYLOAD_DTO_CLASSES[type].length);
        for (let from = 1; from < CURRENT_SCHEMA_VERSION[type]; from++) {
          expect(UPCASTERS.some((u) => u.type === type && u.from === from)).toBe(true);
        }
      }
    });

    it('When inspected, Then web.visited and purchase.completed are at v2', () => {
      expect(CURRENT_SCHEMA_VERSION['web.visited']).toBe(2);
      expect(CURRENT_SCHEMA_VERSION['purchase.completed']).toBe(2);
    });
  });

  describe.each(['web.visited', 'purchase.completed'] as const)('Given a %s v1 record', (type) => {
    const legacy = LEGACY_EXAMPLES[type];

    it('When validated as incoming, Then it is accepted at the current version with the upcast payload', () => {
      const result = validateIncomingEvent(legacy.v1, OPTS);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.event.schemaVersion).toBe(2);
      expect(result.event.payload).toEqual(legacy.upcastPayload);
      expect(result.event.eventId).toBe(legacy.v1.eventId);
    });

    it('When read from the log as a recorded event, Then it is upcast the same way', () => {
      const record = {
        ...legacy.v1,
        receivedAt: '2025-01-01T00:00:00Z',
        source: 'legacy',
        correlationId: 'c-1',
      };
      const result = validateRecordedEvent(record);
      expect(result.ok && result.event.payload).toEqual(legacy.upcastPayload);
    });

    it('When upcast twice, Then the result is the same (pure)', () => {
      expect(upcastPayload(type, 1, clone(legacy.v1.payload))).toEqual(
        upcastPayload(type, 1, clone(legacy.v1.payload)),
      );
    });

    it('When it uses a v2 field name, Then the error names the v1 schema (unknown_field)', () => {
      const v1 = clone(legacy.v1) as Json;
      (v1.payload as Json).cartAdds = [];
      (v1.payload as Json).unitPrice = 1;
      const result = validateIncomingEvent(v1, OPTS);
      expect(result.ok ? [] : result.violations.map((v) => v.code)).toContain('unknown_field');
    });
  });

  describe('Given a purchase.completed v1 with amounts its currency cannot express', () => {
    it('When a CNY price has three decimals, Then too_precise at the v1 path, never rounded', () => {
      const v1 = clone(LEGACY_EXAMPLES['purchase.completed'].v1) as Json;
      ((v1.payload as Json).items as Json[])[1]!.price = 149.999;
      const result = validateIncomingEvent(v1, OPTS);
      expect(result.ok ? [] : result.violations.map((v) => [v.path, v.code])).toEqual([
        ['payload.items[1].price', 'too_precise'],
      ]);
    });

    it('When a v1 price is negative, Then negative is reported before any upcasting', () => {
      const v1 = clone(LEGACY_EXAMPLES['purchase.completed'].v1) as Json;
      ((v1.payload as Json).items as Json[])[0]!.price = -1;
      const result = validateIncomingEvent(v1, OPTS);
      expect(result.ok ? [] : result.violations.map((v) => [v.path, v.code])).toEqual([
        ['payload.items[0].price', 'negative'],
      ]);
    });
  });

  describe('Given decimal amounts', () => {
    it.each([
      [12999, 'CNY', 1299900],
      [149.9, 'CNY', 14990],
      [0.29, 'USD', 29],
      [0.1, 'EUR', 10],
      [1234, 'JPY', 1234],
      [1.234, 'KWD', 1234],
      [0, 'CNY', 0],
    ])('When %p %s is converted, Then it is %p minor units exactly', (amount, currency, minor) => {
      expect(decimalToMinorUnits(amount, currency)).toEqual({ ok: true, minor });
    });

    it.each([
      [1.5, 'JPY', 'too_precise'],
      [0.001, 'USD', 'too_precise'],
      [1e-7, 'USD', 'too_precise'],
      [1e21, 'USD', 'out_of_range'],
      [1, 'XXX', 'invalid_currency'],
    ])('When %p %s is converted, Then %s', (amount, currency, code) => {
      expect(decimalToMinorUnits(amount, currency)).toEqual({ ok: false, code });
    });
  });
});
