import fc from 'fast-check';
import { EVENT_TYPES, validateRecordedEvent } from '@touchpoint/contracts';
import { customerEventsArb, oneOfEach } from './customer360.fixtures';

describe('customer360 fixtures', () => {
  it('Given the one-of-each builders, When validated as recorded events, Then every type is accepted unchanged', () => {
    const events = oneOfEach();
    for (const type of EVENT_TYPES) {
      const event = events[type];
      const result = validateRecordedEvent(event);
      expect(result).toEqual({ ok: true, event });
    }
  });

  it('Given generated customer histories, When validated, Then the contract accepts every event', () => {
    fc.assert(
      fc.property(customerEventsArb('c-9', 20), (events) => {
        for (const event of events) {
          const result = validateRecordedEvent(event);
          if (!result.ok) throw new Error(JSON.stringify(result.violations));
        }
      }),
      { numRuns: 100 },
    );
  });
});
