import { isAppError } from '@touchpoint/core';
import {
  HEADERS,
  EXAMPLE_EVENTS,
  eventHeaders,
  partitionKey,
  recordEvent,
  topicNames,
} from '@touchpoint/contracts';

describe('topicNames', () => {
  it('Given no prefix, When named, Then the default touchpoint topics are used', () => {
    expect(topicNames()).toEqual({
      events: 'touchpoint.events',
      dlq: 'touchpoint.events.dlq',
      changes: 'touchpoint.changes',
    });
  });

  it('Given a prefix, When named, Then every topic carries it', () => {
    expect(topicNames('staging')).toEqual({
      events: 'staging.events',
      dlq: 'staging.events.dlq',
      changes: 'staging.changes',
    });
  });
});

describe('HEADERS', () => {
  it('Given the header table, When read, Then names are unique lower-case and the correlation header is x-correlation-id', () => {
    const names = Object.values(HEADERS);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toBe(name.toLowerCase());
    expect(HEADERS.correlationId).toBe('x-correlation-id');
    for (const key of [
      'dlqReason',
      'dlqErrorCode',
      'dlqOriginalTopic',
      'dlqOriginalPartition',
      'dlqOriginalOffset',
    ] as const) {
      expect(HEADERS[key]).toMatch(/^x-dlq-/);
    }
  });
});

describe('partitionKey', () => {
  it('Given a customer event, When keyed, Then the customerId is the key', () => {
    expect(partitionKey(EXAMPLE_EVENTS['customer.identified'])).toBe('c-2031');
  });

  it('Given an anonymous event, When keyed, Then the anonymousId is the key', () => {
    expect(partitionKey(EXAMPLE_EVENTS['web.visited'])).toBe('v-77f');
  });

  it('Given an event without identity, When keyed, Then a validation error is thrown', () => {
    let caught: unknown;
    try {
      partitionKey({});
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught) && caught.code).toBe('missing_identity');
  });
});

describe('eventHeaders', () => {
  it('Given a recorded event, When its headers are built, Then id, type, version, source and correlation are set', () => {
    const event = recordEvent(EXAMPLE_EVENTS['purchase.completed'], {
      receivedAt: new Date('2025-04-21T02:05:01Z'),
      source: 'web-shop',
      correlationId: 'req-9',
    });
    expect(eventHeaders(event)).toEqual({
      'x-event-id': event.eventId,
      'x-event-type': 'purchase.completed',
      'x-schema-version': '2',
      'x-source': 'web-shop',
      'x-correlation-id': 'req-9',
    });
  });
});
