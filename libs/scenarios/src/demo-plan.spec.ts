import fc from 'fast-check';
import { demoPlan } from './demo-plan';
import { labelOf } from './story-events';

const ids = (now: Date) => {
  const plan = demoPlan(now, (label) => label);
  const resent = plan.steps.find((s) => s.title.startsWith('Story 6'))!;
  const sent = plan.steps.filter((s) => s !== resent).flatMap((s) => s.events);
  return { plan, resent, sent: [...sent, ...plan.resolution].map((e) => String(e.eventId)) };
};

describe('demoPlan', () => {
  it('Given any day, When the plan is built, Then every event it sends has its own label (no event is lost as a duplicate)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        (now) => {
          const { sent } = ids(now);
          expect(new Set(sent).size).toBe(sent.length);
        },
      ),
    );
  });

  it('Given two different days, When the plan is built, Then the event ids are the same (a second run is all duplicates)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 800 }),
        (now, days) => {
          const later = new Date(now.getTime() + days * 86_400_000);
          expect(ids(later).sent).toEqual(ids(now).sent);
        },
      ),
    );
  });

  it('Given the plan, Then story 6 re-sends only events already sent, with their ids', () => {
    const { resent, sent } = ids(new Date('2026-11-25T00:00:00Z'));
    expect(resent.events.length).toBeGreaterThan(0);
    for (const e of resent.events) expect(sent).toContain(labelOf(e));
  });

  it('Given the plan, Then no event lies after now', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    const { plan } = ids(now);
    for (const e of [...plan.steps.flatMap((s) => s.events), ...plan.resolution]) {
      expect(Date.parse(String(e.occurredAt))).toBeLessThanOrEqual(now.getTime());
    }
  });
});
