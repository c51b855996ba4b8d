import { EVENT_TYPES, EXAMPLE_EVENTS, type EventType, recordEvent } from '@touchpoint/contracts';
import { type EventHandlers, handle, keysFrom } from './event-handlers';

const example = (type: EventType) =>
  recordEvent(EXAMPLE_EVENTS[type], { receivedAt: new Date(0), source: 'test' });

describe('event handler maps', () => {
  const handlers: EventHandlers<string, number, string> = {
    'purchase.completed': (event, n, s) => `${event.payload.orderId}/${n}/${s}`,
  };

  it('Given a map, When an event of a handled type comes, Then its handler answers with the arguments; every other type gets the default', () => {
    for (const event of EVENT_TYPES.map(example)) {
      const expected =
        event.type === 'purchase.completed' ? `${event.payload.orderId}/7/x` : 'ignored';
      expect(handle(handlers, event, 'ignored', 7, 'x')).toBe(expected);
    }
  });

  it('Given a keys map, When an ignored type comes, Then no document is touched', () => {
    const keys = keysFrom({ 'customer.erased': () => ['customer:c-1'] });
    expect(keys(example('customer.erased'))).toEqual(['customer:c-1']);
    expect(keys(example('web.visited'))).toEqual([]);
  });
});
