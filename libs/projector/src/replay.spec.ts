import fc from 'fast-check';
import { EXAMPLE_EVENTS, type RecordedEvent } from '@touchpoint/contracts';
import { replayFilter } from '@touchpoint/projector';

function at(occurredAt: string, receivedAt: string): RecordedEvent {
  return { ...EXAMPLE_EVENTS['web.visited'], occurredAt, receivedAt } as unknown as RecordedEvent;
}

describe('which events a bounded replay folds', () => {
  const until = new Date('2026-04-01T00:00:00Z');
  // Happened in March (local time, one hour before the instant in UTC), learnt in April.
  const late = at('2026-04-01T00:30:00+02:00', '2026-04-03T08:00:00.000Z');

  it('given event time, then an event that happened before the instant counts even if learnt later', () => {
    expect(replayFilter({ until: { at: until, time: 'event' } })(late)).toBe(true);
  });

  it('given ingest time, then the same event does not count: nobody knew it then', () => {
    expect(replayFilter({ until: { at: until, time: 'ingest' } })(late)).toBe(false);
  });

  it('given --from, then events received before it are skipped on either axis', () => {
    const from = new Date('2026-04-02T00:00:00Z');
    expect(replayFilter({ from })(late)).toBe(true);
    expect(replayFilter({ from: new Date('2026-04-04T00:00:00Z') })(late)).toBe(false);
  });

  it('given any instant, then exactly the events strictly before it on the chosen axis pass', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (occurred, received, cut) => {
          const base = Date.parse('2026-01-01T00:00:00Z');
          const e = at(
            new Date(base + occurred * 60000).toISOString().replace('Z', '+00:00'),
            new Date(base + received * 60000).toISOString(),
          );
          const instant = new Date(base + cut * 60000);
          expect(replayFilter({ until: { at: instant, time: 'event' } })(e)).toBe(occurred < cut);
          expect(replayFilter({ until: { at: instant, time: 'ingest' } })(e)).toBe(received < cut);
        },
      ),
    );
  });
});
