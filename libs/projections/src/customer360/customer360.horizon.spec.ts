import { type RecordedEvent } from '@touchpoint/contracts';
import { isAppError } from '@touchpoint/core';
import { customerKey } from '../projection.types';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY, type Customer360Policy } from './customer360.policy';
import { type Customer360State, MAX_OPEN_COMPLAINTS } from './customer360.state';
import {
  canonical,
  complaintOpened,
  complaintResolved,
  day,
  dayDate,
  emailSent,
  erased,
  feedback,
  profileUpdated,
  purchase,
  refund,
  registered,
  webVisit,
} from './customer360.fixtures';

const KEY = customerKey('c-1');
const P = customer360Projection;
/** A short horizon so that a few events compact. */
const policy: Customer360Policy = { ...DEFAULT_CUSTOMER360_POLICY, horizonDays: 30 };

const positioned = (event: RecordedEvent) => ({ event, position: { partition: 0, offset: '0' } });
const fold = (events: readonly RecordedEvent[], from?: Customer360State, p = policy) =>
  P.evolveBatch!(from ?? P.initial(KEY), events.map(positioned), KEY, p);

function refusal(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
}

describe('customer360 horizon', () => {
  const old = purchase(1, 'c-1', day(0), { orderId: 'O-1', total: 1000 });
  const recent = purchase(2, 'c-1', day(100), { orderId: 'O-2', total: 500 });

  it('Given an order older than the horizon of the newest event, When folded, Then it is compacted and still counted', () => {
    const state = fold([old, recent]);
    expect(Object.keys(state.purchases)).toEqual(['O-2']);
    expect(state.horizon).toEqual({ ms: dayDate(70).getTime(), eventId: '' });
    const v = P.view(state, dayDate(101), policy);
    expect(v.purchases.orders).toBe(2);
    expect(v.purchases.spend).toBe(1500);
    expect(v.purchases.firstPurchaseAt).toBe(day(0));
    expect(v.exactFrom).toBe(dayDate(0).toISOString());
  });

  it('Given an event within the horizon delivered again, When asked, Then it is not beyond the horizon and the redelivery is a no-op', () => {
    const state = fold([old, recent]);
    expect(P.beyondHorizon!(state, positioned(recent), KEY, policy)).toBe(false);
    expect(fold([recent], state)).toBe(state);
  });

  it('Given an event older than the horizon delivered again, When asked, Then it is beyond the horizon, and folding it counts it again (the documented limit)', () => {
    const state = fold([old, recent]);
    expect(P.beyondHorizon!(state, positioned(old), KEY, policy)).toBe(true);
    const again = P.view(fold([old], state), dayDate(101), policy);
    expect(again.purchases.orders).toBe(3);
  });

  it('Given an old event arriving late for the first time, When folded, Then the figures are what an in-order fold gives', () => {
    const late = fold([old], fold([recent]));
    expect(P.view(late, dayDate(101), policy)).toEqual(
      P.view(fold([old, recent]), dayDate(101), policy),
    );
  });

  it('Given a compacted document, When read as of an instant before its compacted facts, Then the read is refused with as_of_beyond_horizon', () => {
    const state = fold([old, recent]);
    expect(refusal(() => P.view(state, dayDate(-1), policy))).toBe('as_of_beyond_horizon');
    expect(refusal(() => P.view(state, dayDate(0), policy))).toBeNull();
  });

  it('Given compacted purchases, When read with another time zone than the one they were bucketed in, Then the read is refused', () => {
    const state = fold([old, recent]);
    const shanghai = { ...policy, timeZone: 'Asia/Shanghai' };
    expect(refusal(() => P.view(state, dayDate(101), shanghai))).toBe('time_zone_mismatch');
  });

  it('Given more events within the horizon than detailEvents, When folded, Then the detail keeps the newest ones and the counts stay whole', () => {
    const capped: Customer360Policy = { ...DEFAULT_CUSTOMER360_POLICY, detailEvents: 45 };
    const events = Array.from({ length: 120 }, (_, i) => emailSent(10 + i, 'c-1', day(0, 0, i)));
    const state = fold(events, undefined, capped);
    expect(Object.keys(state.events)).toHaveLength(45);
    const v = P.view(state, dayDate(1), capped);
    expect(v.totalContacts).toBe(120);
    expect(v.timeline.map((t) => t.eventId)).toEqual(
      events
        .slice(-capped.timelineSize)
        .reverse()
        .map((e) => e.eventId),
    );
  });

  it('Given a detail thinned by the time horizon to exactly detailEvents events, When the same events arrive in another batch split, Then the horizon is the detailEvents-th newest event either way (reference property, seed -1003617336)', () => {
    // 366 days back from 2025-01-01T00:40 is 2024-01-01T00:40 (2024 is a leap year).
    const leap: Customer360Policy = {
      ...DEFAULT_CUSTOMER360_POLICY,
      horizonDays: 366,
      detailEvents: 4,
    };
    const visit = (n: number, at: string, sku: string) =>
      webVisit(n, { customerId: 'c-1' }, at, {
        sessionId: 's-0',
        viewed: [sku],
        checkout: true,
        converted: true,
      });
    const who = { name: { given: 'Mei', family: 'Lin' }, email: 'mei@example.cn' };
    const reg = (n: number, at: string) =>
      registered(n, 'c-1', at, { ...who, consent: { email: false } });
    const v1 = visit(1000, '2025-01-01T00:00:00Z', 'STR-400');
    const v2 = visit(1001, '2025-01-01T00:40:00Z', 'CAR-110');
    const r1 = reg(1002, '2024-01-01T00:00:00Z');
    const r2 = reg(1003, '2024-01-02T00:00:00Z');
    const r3 = reg(1004, '2024-01-01T01:00:00Z');
    const inOrder = fold([v1, v2, r1, r2, r3], undefined, leap);
    // The first batch leaves two events in detail (r1 is below the time horizon); the second
    // brings it to exactly detailEvents while the set holds five: r3 is the 4th newest.
    const first = fold([v2, r2, r1], undefined, leap);
    expect(Object.keys(first.events).sort()).toEqual([r2.eventId, v2.eventId].sort());
    const replayed = fold([r3, v1, v2], first, leap);
    expect(inOrder.horizon).toEqual({ ms: Date.parse(r3.occurredAt), eventId: r3.eventId });
    expect(canonical(replayed)).toBe(canonical(inOrder));
    expect(P.beyondHorizon!(replayed, positioned(r1), KEY, leap)).toBe(true);
  });

  it('Given more unresolved complaints than MAX_OPEN_COMPLAINTS, When folded, Then the oldest are no longer itemised but still counted as open', () => {
    const extra = 5;
    const events = Array.from({ length: MAX_OPEN_COMPLAINTS + extra }, (_, i) =>
      complaintOpened(10 + i, 'c-1', day(i), `K-${i}`),
    );
    const v = P.view(
      fold(events, undefined, DEFAULT_CUSTOMER360_POLICY),
      dayDate(100),
      DEFAULT_CUSTOMER360_POLICY,
    );
    expect(v.complaints.open).toHaveLength(MAX_OPEN_COMPLAINTS);
    expect(v.complaints.openCount).toBe(MAX_OPEN_COMPLAINTS + extra);
    expect(v.complaints.open.map((c) => c.complaintId)).not.toContain('K-0');
  });

  it('Given a complaint resolved before its opening arrives, both far beyond the horizon, When folded, Then the halves still pair', () => {
    const opened = complaintOpened(11, 'c-1', day(0), 'K-1');
    const resolved = complaintResolved(12, 'c-1', day(1), 'K-1');
    const state = fold([opened], fold([recent, resolved]));
    const v = P.view(state, dayDate(101), policy);
    expect(v.complaints.openCount).toBe(0);
    expect(v.complaints.resolvedCount).toBe(1);
    expect(v.complaints.averageTimeToResolveHours).toBe(24);
    expect(state.complaints).toEqual({});
  });

  it('Given an erased customer whose history was compacted, When stored, Then no personal data survives in detail or aggregates', () => {
    const state = fold([
      registered(21, 'c-1', day(0), {
        name: { given: 'Ada', family: 'Forgotten' },
        email: 'ada@example.org',
      }),
      complaintOpened(22, 'c-1', day(1), 'K-1'),
      complaintResolved(23, 'c-1', day(2), 'K-1'),
      refund(24, 'c-1', day(3), 'O-1', 'R-1', 300),
      feedback(25, { customerId: 'c-1' }, day(4), { csat: 4 }),
      complaintOpened(26, 'c-1', day(99), 'K-2'),
      profileUpdated(27, 'c-1', day(99), { phone: '+44 20 7946 0000' }),
      erased(28, 'c-1', day(100)),
      recent,
    ]);
    expect(state.history.throughMs).not.toBeNull();
    const json = JSON.stringify(state);
    // The fixtures' free texts name Wang Lei, Mrs Wang and Long Road.
    for (const text of ['Ada', 'Forgotten', 'ada@', '7946', 'Wang', 'Long Road']) {
      expect(json).not.toContain(text);
    }
  });
});

describe('customer360 horizon: a business record that gets another event after it was compacted', () => {
  // Found by the overload fault scenario (FAULTS.md): the workload resolves some complaints
  // twice, months apart; once the first resolution has paired with the opening and both fell
  // below the horizon, the complaint is compacted and forgotten, so the second resolution starts
  // a new, unpaired complaint when the events arrive one per fold, while in one fold both
  // resolutions join the complaint before it compacts.
  const events = [
    complaintOpened(1, 'c-1', day(0), 'K-2'),
    complaintResolved(2, 'c-1', day(10), 'K-2', 500),
    ...Array.from({ length: 20 }, (_, i) => emailSent(3 + i, 'c-1', day(20 + i))),
    complaintResolved(30, 'c-1', day(45), 'K-2', 500),
  ];
  const tight: Customer360Policy = { ...DEFAULT_CUSTOMER360_POLICY, detailEvents: 16 };

  it.failing(
    'Given a complaint resolved a second time after it was compacted, When folded one event at a time and in one batch, Then the states are equal (known defect, not yet fixed)',
    () => {
      const oneByOne = events.reduce<Customer360State>(
        (s, e) => fold([e], s, tight),
        P.initial(KEY),
      );
      expect(canonical(fold(events, undefined, tight))).toBe(canonical(oneByOne));
    },
  );
});
