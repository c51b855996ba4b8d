import { type FieldViolation } from '@touchpoint/core';
import {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  decodeRecordedEvent,
  encodeRecordedEvent,
  invalidEventError,
  recordEvent,
  validateIncomingEvent,
  validateRecordedEvent,
  type RecordedEvent,
} from '@touchpoint/contracts';

const NOW = new Date('2025-06-01T00:00:00Z');
const OPTS = { now: NOW, maxFutureSkewMs: 5 * 60_000 };

type Json = Record<string, unknown>;

/** A deep, mutable copy of an example, so a test can break exactly one thing. */
function example(type: keyof typeof EXAMPLE_EVENTS): Json {
  return JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Json;
}

function payloadOf(event: Json): Json {
  return event.payload as Json;
}

function violationsOf(raw: unknown): FieldViolation[] {
  const result = validateIncomingEvent(raw, OPTS);
  if (result.ok) throw new Error(`expected rejection, got ${JSON.stringify(result.event)}`);
  return result.violations;
}

function pairs(violations: FieldViolation[]): [string, string][] {
  return violations.map((v) => [v.path, v.code]);
}

function recorded(type: keyof typeof EXAMPLE_EVENTS): RecordedEvent {
  return recordEvent(EXAMPLE_EVENTS[type], {
    receivedAt: new Date('2025-05-01T08:00:00.000Z'),
    source: 'pos-shanghai',
    correlationId: 'req-42',
  });
}

describe('validateIncomingEvent', () => {
  describe('Given the example of every event type', () => {
    it.each(EVENT_TYPES)('When %s is validated, Then it is accepted unchanged', (type) => {
      const result = validateIncomingEvent(EXAMPLE_EVENTS[type], OPTS);
      expect(result).toEqual({ ok: true, event: EXAMPLE_EVENTS[type] });
    });

    it('When examples are checked, Then each is at the current schema version', () => {
      for (const type of EVENT_TYPES) {
        expect(EXAMPLE_EVENTS[type].schemaVersion).toBe(CURRENT_SCHEMA_VERSION[type]);
      }
    });
  });

  describe('Given a body that is not an object', () => {
    it.each([null, 42, 'event', true, [], [EXAMPLE_EVENTS['email.sent']], undefined])(
      'When %p is validated, Then it is rejected as not_object at $',
      (raw) => {
        expect(pairs(violationsOf(raw))).toEqual([['$', 'not_object']]);
      },
    );
  });

  describe('Given an envelope with one broken field', () => {
    it('When the type is misspelt, Then unknown_type is reported and the payload is not judged', () => {
      const event = { ...example('purchase.completed'), type: 'purchase.complete' };
      expect(pairs(violationsOf(event))).toEqual([['type', 'unknown_type']]);
    });

    it('When the channel is not in the closed list, Then invalid_channel', () => {
      const event = { ...example('call.logged'), channel: 'fax' };
      expect(pairs(violationsOf(event))).toEqual([['channel', 'invalid_channel']]);
    });

    it('When eventId is not a UUID, Then invalid_uuid', () => {
      const event = { ...example('email.sent'), eventId: 'evt-1' };
      expect(pairs(violationsOf(event))).toEqual([['eventId', 'invalid_uuid']]);
    });

    it('When eventId is missing, Then required', () => {
      const { eventId: _omit, ...event } = example('email.sent');
      expect(pairs(violationsOf(event))).toEqual([['eventId', 'required']]);
    });

    it('When eventId is upper-case, Then it is accepted and stored lower-case', () => {
      const event = { ...example('email.sent'), eventId: '0190C2A4-1F00-7000-8000-00000000000A' };
      const result = validateIncomingEvent(event, OPTS);
      expect(result.ok && result.event.eventId).toBe('0190c2a4-1f00-7000-8000-00000000000a');
    });

    it('When neither customerId nor anonymousId is given, Then customerId is required', () => {
      const { anonymousId: _omit, ...event } = example('web.visited');
      const violations = violationsOf(event);
      expect(pairs(violations)).toEqual([['customerId', 'required']]);
      expect(violations[0]?.message).toContain('anonymousId');
    });

    it('When a customer-only type carries only an anonymousId, Then customerId is required', () => {
      const { customerId: _omit, ...event } = example('purchase.refunded');
      expect(pairs(violationsOf({ ...event, anonymousId: 'v-77f' }))).toEqual([
        ['customerId', 'required'],
      ]);
    });

    it('When customer.identified lacks the anonymousId, Then anonymousId is required', () => {
      const { anonymousId: _omit, ...event } = example('customer.identified');
      expect(pairs(violationsOf(event))).toEqual([['anonymousId', 'required']]);
    });

    it('When customerId has characters outside the id pattern, Then invalid_id', () => {
      const event = { ...example('email.sent'), customerId: 'c 1001/x' };
      expect(pairs(violationsOf(event))).toEqual([['customerId', 'invalid_id']]);
    });

    it('When occurredAt has no offset, Then invalid_timestamp', () => {
      const event = { ...example('email.sent'), occurredAt: '2025-04-28T08:00:00' };
      expect(pairs(violationsOf(event))).toEqual([['occurredAt', 'invalid_timestamp']]);
    });

    it.each([
      '2025-02-30T08:00:00Z',
      '2025-04-28 08:00:00Z',
      '2025-04-28T24:00:00+08:00',
      'yesterday',
    ])('When occurredAt is %p, Then invalid_timestamp', (occurredAt) => {
      expect(pairs(violationsOf({ ...example('email.sent'), occurredAt }))).toEqual([
        ['occurredAt', 'invalid_timestamp'],
      ]);
    });

    it('When occurredAt lies beyond the allowed skew, Then too_far_in_future', () => {
      const event = { ...example('email.sent'), occurredAt: '2025-06-01T08:06:00+08:00' };
      expect(pairs(violationsOf(event))).toEqual([['occurredAt', 'too_far_in_future']]);
    });

    it('When occurredAt lies ahead but within the skew, Then it is accepted', () => {
      const event = { ...example('email.sent'), occurredAt: '2025-06-01T08:04:59+08:00' };
      expect(validateIncomingEvent(event, OPTS).ok).toBe(true);
    });

    it('When schemaVersion is newer than the platform knows, Then unsupported_schema_version', () => {
      const event = { ...example('email.sent'), schemaVersion: 2 };
      expect(pairs(violationsOf(event))).toEqual([['schemaVersion', 'unsupported_schema_version']]);
    });

    it.each([
      [0, 'not_positive'],
      [1.5, 'not_integer'],
      ['1', 'not_integer'],
    ])('When schemaVersion is %p, Then %s', (schemaVersion, code) => {
      expect(pairs(violationsOf({ ...example('email.sent'), schemaVersion }))).toEqual([
        ['schemaVersion', code],
      ]);
    });

    it('When the payload is an array, Then not_object at payload', () => {
      expect(pairs(violationsOf({ ...example('email.sent'), payload: [] }))).toEqual([
        ['payload', 'not_object'],
      ]);
    });

    it('When an unknown envelope field is sent, Then unknown_field at its path', () => {
      expect(pairs(violationsOf({ ...example('email.sent'), cusomerId: 'c-1' }))).toEqual([
        ['cusomerId', 'unknown_field'],
      ]);
    });

    it('When the correlation id contains a newline, Then invalid_correlation_id', () => {
      const event = { ...example('email.sent'), correlationId: 'abc\ninjected' };
      expect(pairs(violationsOf(event))).toEqual([['correlationId', 'invalid_correlation_id']]);
    });
  });

  describe('Given a client that sends server-set fields', () => {
    it('When receivedAt and source are sent, Then each is rejected as server_field', () => {
      const event = { ...example('email.sent'), receivedAt: '2025-04-28T00:00:00Z', source: 'me' };
      expect(pairs(violationsOf(event))).toEqual([
        ['receivedAt', 'server_field'],
        ['source', 'server_field'],
      ]);
    });
  });

  describe('Given a purchase with broken money and line items', () => {
    it('When unit price is negative, fractional or a string, Then each is reported at its own path', () => {
      const event = example('purchase.completed');
      const payload = payloadOf(event);
      const items = payload.items as Json[];
      items[0] = { ...items[0], unitPrice: -1 };
      items[1] = { ...items[1], unitPrice: 15.5 };
      items.push({ sku: 'X', name: 'x', category: 'baby', quantity: 1, unitPrice: '100' });
      payload.total = -5;
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.total', 'negative'],
        ['payload.items[0].unitPrice', 'negative'],
        ['payload.items[1].unitPrice', 'not_integer'],
        ['payload.items[2].unitPrice', 'not_integer'],
      ]);
    });

    it('When the currency is not ISO 4217, Then invalid_currency', () => {
      const event = example('purchase.completed');
      payloadOf(event).currency = 'RMB';
      expect(pairs(violationsOf(event))).toEqual([['payload.currency', 'invalid_currency']]);
    });

    it('When an item is not an object and another misses fields, Then every problem is reported', () => {
      const event = example('purchase.completed');
      payloadOf(event).items = [7, { sku: 'BB-260', quantity: 0, unitPrice: 100, colour: 'blue' }];
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.items[0]', 'not_object'],
        ['payload.items[1].colour', 'unknown_field'],
        ['payload.items[1].name', 'required'],
        ['payload.items[1].category', 'required'],
        ['payload.items[1].quantity', 'not_positive'],
      ]);
    });

    it('When items is empty, Then empty', () => {
      const event = example('purchase.completed');
      payloadOf(event).items = [];
      expect(pairs(violationsOf(event))).toEqual([['payload.items', 'empty']]);
    });

    it('When a category is not a slug, Then invalid_category', () => {
      const event = example('purchase.completed');
      (payloadOf(event).items as Json[])[0]!.category = 'Baby Feeding';
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.items[0].category', 'invalid_category'],
      ]);
    });
  });

  describe('Given violations in envelope and payload together', () => {
    it('When validated, Then all of them are reported at once', () => {
      const event = { ...example('complaint.opened'), channel: 'pigeon', eventId: 'x' };
      const payload = payloadOf(event);
      payload.severity = 'apocalyptic';
      delete payload.description;
      expect(pairs(violationsOf(event))).toEqual([
        ['eventId', 'invalid_uuid'],
        ['channel', 'invalid_channel'],
        ['payload.severity', 'invalid_enum'],
        ['payload.description', 'required'],
      ]);
    });
  });

  describe('Given hostile keys', () => {
    it('When __proto__ and constructor appear as JSON keys, Then they are unknown fields and nothing is polluted', () => {
      const raw = JSON.parse(
        '{"eventId":"0190c2a4-1f00-7000-8000-000000000007","type":"email.opened","schemaVersion":1,' +
          '"customerId":"c-1","channel":"email","occurredAt":"2025-04-28T12:31:45+08:00",' +
          '"__proto__":{"polluted":true},"payload":{"messageId":"m-1","constructor":{"x":1}}}',
      ) as unknown;
      expect(pairs(violationsOf(raw))).toEqual([
        ['__proto__', 'unknown_field'],
        ['payload.constructor', 'unknown_field'],
      ]);
      expect(({} as Json).polluted).toBeUndefined();
    });

    it('When a key is not an identifier, Then the path quotes it in brackets', () => {
      const event = example('email.opened');
      payloadOf(event)['message id'] = 'x';
      expect(pairs(violationsOf(event))).toEqual([['payload["message id"]', 'unknown_field']]);
    });
  });

  describe('Given payload cross-field rules', () => {
    it('When feedback has neither nps nor csat, Then one_of_required at payload', () => {
      const event = example('feedback.submitted');
      delete payloadOf(event).csat;
      expect(pairs(violationsOf(event))).toEqual([['payload', 'one_of_required']]);
    });

    it.each([
      ['nps', 11, 'out_of_range'],
      ['nps', -1, 'out_of_range'],
      ['csat', 0, 'out_of_range'],
      ['csat', 4.5, 'not_integer'],
    ])('When feedback %s is %p, Then %s', (field, value, code) => {
      const event = example('feedback.submitted');
      payloadOf(event)[field] = value;
      expect(pairs(violationsOf(event))).toEqual([[`payload.${field}`, code]]);
    });

    it('When a complaint is resolved with an empty compensation, Then one_of_required', () => {
      const event = example('complaint.resolved');
      payloadOf(event).compensation = {};
      expect(pairs(violationsOf(event))).toEqual([['payload.compensation', 'one_of_required']]);
    });

    it('When compensation money is negative, Then negative at its path', () => {
      const event = example('complaint.resolved');
      payloadOf(event).compensation = { money: { amount: -100, currency: 'CNY' } };
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.compensation.money.amount', 'negative'],
      ]);
    });

    it('When a customer is merged into itself, Then same_customer', () => {
      const event = example('customer.merged');
      payloadOf(event).mergedCustomerId = event.customerId;
      expect(pairs(violationsOf(event))).toEqual([['payload.mergedCustomerId', 'same_customer']]);
    });

    it('When a profile update changes nothing, Then empty_update', () => {
      expect(pairs(violationsOf({ ...example('customer.profile_updated'), payload: {} }))).toEqual([
        ['payload', 'empty_update'],
      ]);
    });

    it('When a profile update clears the phone with null, Then null is kept as "clear"', () => {
      const event = { ...example('customer.profile_updated'), payload: { phone: null } };
      const result = validateIncomingEvent(event, OPTS);
      expect(result.ok && result.event.payload).toEqual({ phone: null });
    });

    it('When a registration sends null for an optional field, Then it is treated as absent', () => {
      const event = example('customer.registered');
      payloadOf(event).loyaltyCardId = null;
      const result = validateIncomingEvent(event, OPTS);
      expect(result.ok && 'loyaltyCardId' in result.event.payload).toBe(false);
    });

    it('When points are adjusted by zero or without a reason, Then zero and required', () => {
      const event = example('loyalty.points_adjusted');
      payloadOf(event).points = 0;
      delete payloadOf(event).reason;
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.points', 'zero'],
        ['payload.reason', 'required'],
      ]);
    });

    it('When points are adjusted negatively with a reason, Then it is accepted', () => {
      const event = example('loyalty.points_adjusted');
      payloadOf(event).points = -500;
      expect(validateIncomingEvent(event, OPTS).ok).toBe(true);
    });

    it('When contact details are malformed, Then invalid_email, invalid_phone, invalid_date, invalid_country', () => {
      const event = example('customer.registered');
      const payload = payloadOf(event);
      payload.email = 'mei.lin-at-example.cn';
      payload.phone = '138 0013 8000';
      payload.birthDate = '1990-02-30';
      (payload.address as Json).country = 'China';
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.email', 'invalid_email'],
        ['payload.phone', 'invalid_phone'],
        ['payload.birthDate', 'invalid_date'],
        ['payload.address.country', 'invalid_country'],
      ]);
    });

    it('When a clicked link is not an http(s) URL, Then invalid_url', () => {
      const event = example('email.clicked');
      payloadOf(event).url = 'javascript:alert(1)';
      expect(pairs(violationsOf(event))).toEqual([['payload.url', 'invalid_url']]);
    });

    it('When a string field is whitespace or too long, Then empty and too_long', () => {
      const event = example('complaint.opened');
      payloadOf(event).description = '   ';
      payloadOf(event).complaintId = `K-${'9'.repeat(200)}`;
      expect(pairs(violationsOf(event))).toEqual([
        ['payload.complaintId', 'too_long'],
        ['payload.description', 'empty'],
      ]);
    });
  });
});

describe('invalidEventError', () => {
  it('Given violations, When wrapped, Then a validation AppError carries them all', () => {
    const violations = violationsOf({ ...example('email.sent'), channel: 'fax' });
    const error = invalidEventError(violations);
    expect(error.category).toBe('validation');
    expect(error.code).toBe('invalid_event');
    expect(error.violations).toEqual(violations);
  });
});

describe('recordEvent', () => {
  it('Given an incoming event without correlation id, When recorded with a request id, Then that id is used', () => {
    const event = recorded('email.sent');
    expect(event.receivedAt).toBe('2025-05-01T08:00:00.000Z');
    expect(event.source).toBe('pos-shanghai');
    expect(event.correlationId).toBe('req-42');
  });

  it('Given an incoming event with its own correlation id, When recorded, Then the event’s id wins', () => {
    expect(recorded('call.logged').correlationId).toBe('cti-7731-0402');
  });

  it('Given no correlation id anywhere, When recorded, Then the event id stands in', () => {
    const event = recordEvent(EXAMPLE_EVENTS['email.sent'], { receivedAt: NOW, source: 'mailer' });
    expect(event.correlationId).toBe(EXAMPLE_EVENTS['email.sent'].eventId);
  });
});

describe('validateRecordedEvent', () => {
  it.each(EVENT_TYPES)(
    'Given the recorded %s example, When validated, Then it is accepted',
    (type) => {
      const event = recorded(type);
      expect(validateRecordedEvent(event)).toEqual({ ok: true, event });
    },
  );

  it('Given a recorded event without receivedAt, source and correlationId, When validated, Then each is required', () => {
    expect(
      pairs(
        (validateRecordedEvent(EXAMPLE_EVENTS['email.opened']) as { violations: FieldViolation[] })
          .violations,
      ),
    ).toEqual([
      ['correlationId', 'required'],
      ['receivedAt', 'required'],
      ['source', 'required'],
    ]);
  });

  it('Given occurredAt far after receivedAt, When a skew is set, Then too_far_in_future, deterministically', () => {
    const event = { ...recorded('email.opened'), occurredAt: '2025-05-01T09:00:00Z' };
    const result = validateRecordedEvent(event, { maxFutureSkewMs: 60_000 });
    expect(result.ok ? [] : pairs(result.violations)).toEqual([
      ['occurredAt', 'too_far_in_future'],
    ]);
    expect(validateRecordedEvent(event).ok).toBe(true);
  });
});

describe('encodeRecordedEvent / decodeRecordedEvent', () => {
  it.each(EVENT_TYPES)(
    'Given the recorded %s example, When encoded and decoded, Then it round-trips',
    (type) => {
      const event = recorded(type);
      expect(decodeRecordedEvent(encodeRecordedEvent(event))).toEqual({ ok: true, event });
    },
  );

  it('Given the same event with keys in another order, When encoded, Then the bytes are identical', () => {
    const event = recorded('purchase.completed');
    const reversed = Object.fromEntries(
      Object.entries(event).reverse(),
    ) as unknown as RecordedEvent;
    expect(encodeRecordedEvent(reversed).equals(encodeRecordedEvent(event))).toBe(true);
    expect(encodeRecordedEvent(event).toString('utf8').startsWith('{"anonymousId"')).toBe(false);
    expect(encodeRecordedEvent(event).toString('utf8').startsWith('{"channel"')).toBe(true);
  });

  it.each([
    ['not JSON', Buffer.from('{"type": purchase', 'utf8')],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['empty', new Uint8Array(0)],
  ])('Given bytes that are %s, When decoded, Then not_json at $', (_what, bytes) => {
    const result = decodeRecordedEvent(bytes);
    expect(result.ok ? [] : pairs(result.violations)).toEqual([['$', 'not_json']]);
  });

  it('Given JSON with a misspelt type, When decoded, Then unknown_type (the DLQ reason)', () => {
    const event = { ...recorded('purchase.completed'), type: 'purchase.compleeted' };
    const result = decodeRecordedEvent(Buffer.from(JSON.stringify(event)));
    expect(result.ok ? [] : pairs(result.violations)).toEqual([['type', 'unknown_type']]);
  });
});
