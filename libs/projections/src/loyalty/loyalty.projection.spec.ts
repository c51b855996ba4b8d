import {
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  recordEvent,
} from '@touchpoint/contracts';
import { customerKey } from '../projection.types';
import {
  adjusted,
  callLogged,
  complaintOpened,
  complaintResolved,
  erased,
  feedback,
  foldFor,
  identified,
  merged,
  positioned,
  purchase,
  redeemed,
  refund,
  registered,
  shift,
  uuid,
} from './loyalty.fixtures';
import { DEFAULT_LOYALTY_POLICY } from './loyalty.policy';
import { evolveLoyalty, initialLoyaltyState, loyaltyProjection } from './loyalty.projection';

const KEY = customerKey('c-1');
const AT = '2025-04-01T10:00:00+08:00';
const AT_MS = Date.parse('2025-04-01T02:00:00Z');

const recordedExample = (type: EventType): RecordedEvent =>
  recordEvent(EXAMPLE_EVENTS[type], {
    receivedAt: new Date('2025-06-01T00:00:00Z'),
    source: 'example-app',
  });

const evolve = (event: RecordedEvent, state = initialLoyaltyState(KEY)) =>
  evolveLoyalty(state, positioned(event), KEY, DEFAULT_LOYALTY_POLICY);

describe('loyaltyProjection.keys', () => {
  const expected: Record<EventType, string[]> = {
    'customer.registered': ['customer:c-1001'],
    'customer.profile_updated': [],
    'customer.identified': ['customer:c-2031'],
    'customer.merged': ['customer:c-2031', 'customer:c-2099'],
    'customer.erased': ['customer:c-0042'],
    'call.logged': [],
    'email.sent': [],
    'email.opened': [],
    'email.clicked': [],
    'email.received': [],
    'web.visited': [],
    'purchase.completed': ['customer:c-2031'],
    'purchase.refunded': ['customer:c-1088'],
    'complaint.opened': [],
    'complaint.resolved': ['customer:c-1088'],
    'feedback.submitted': [],
    'loyalty.points_redeemed': ['customer:c-1001'],
    'loyalty.points_adjusted': ['customer:c-1001'],
  };

  it.each([...EVENT_TYPES])(
    'Given the catalogue example of %s, When keyed, Then it touches exactly the loyalty accounts concerned',
    (type) => {
      expect(loyaltyProjection.keys(recordedExample(type))).toEqual(expected[type]);
    },
  );

  it("Given a purchase by an anonymous visitor, When keyed, Then it goes to the visitor's document", () => {
    const anonymous = purchase({ at: AT, anonymousId: 'v-77f', orderId: 'O-1', total: 100 });
    expect(loyaltyProjection.keys(anonymous)).toEqual(['visitor:v-77f']);
  });

  it("Given a purchase carrying both ids, When keyed, Then only the customer's account counts it", () => {
    const both = purchase({
      at: AT,
      customerId: 'c-1',
      anonymousId: 'v-77f',
      orderId: 'O-1',
      total: 1,
    });
    expect(loyaltyProjection.keys(both)).toEqual(['customer:c-1']);
  });

  it('Given a complaint resolved without compensation points, When keyed, Then it is not routed', () => {
    expect(loyaltyProjection.keys(complaintResolved({ at: AT, complaintId: 'K-1' }))).toEqual([]);
  });
});

describe('loyaltyProjection.initial', () => {
  it('Given a customer key, When initialised, Then the state is empty JSON naming the customer', () => {
    const state = loyaltyProjection.initial(KEY);
    expect(state).toEqual({
      schema: 3,
      customerId: 'c-1',
      registration: null,
      purchases: [],
      refunds: [],
      redemptions: [],
      adjustments: [],
      absorbed: [],
      mergedInto: null,
      linkedVisitors: [],
      erased: null,
      resent: [],
      newestMs: null,
      exactFromMs: null,
      compactedUnder: null,
      days: [],
      compacted: {
        spend: [],
        earned: 0,
        reversed: 0,
        redeemed: 0,
        adjusted: 0,
        unmatchedRefunds: 0,
      },
    });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('loyaltyProjection.evolve', () => {
  it('Given a registration, When folded, Then its time is kept as tenure start', () => {
    const e = registered({ at: AT, eventId: uuid(1) });
    expect(evolve(e).registration).toEqual({ eventId: uuid(1), occurredAt: AT, atMs: AT_MS });
  });

  it('Given two registrations, When folded in either order, Then the earliest wins', () => {
    const early = registered({ at: '2022-06-12T10:30:00+08:00', eventId: uuid(2) });
    const late = registered({ at: AT, eventId: uuid(1) });
    expect(evolve(late, evolve(early)).registration?.eventId).toBe(uuid(2));
    expect(evolve(early, evolve(late)).registration?.eventId).toBe(uuid(2));
  });

  it('Given a purchase, When folded, Then it is stored by order with time, amount and currency', () => {
    const e = purchase({ at: AT, eventId: uuid(1), orderId: 'O-1', total: 27100 });
    const state = evolve(e);
    expect(state.purchases).toEqual([
      {
        eventId: uuid(1),
        occurredAt: AT,
        atMs: AT_MS,
        orderId: 'O-1',
        amount: 27100,
        currency: 'CNY',
      },
    ]);
    expect(state.newestMs).toBe(AT_MS);
    expect(state.resent).toEqual([]);
  });

  it('Given a purchase re-sent under another eventId, When folded, Then the order counts once', () => {
    const first = purchase({ at: AT, eventId: uuid(5), orderId: 'O-1', total: 100 });
    const resent = { ...first, eventId: uuid(3), correlationId: uuid(3) };
    const state = foldFor('c-1', [first, resent]);
    expect(state.purchases).toHaveLength(1);
    // The same representative whatever the arrival order: same time, smaller eventId.
    expect(state.purchases[0]?.eventId).toBe(uuid(3));
    expect(foldFor('c-1', [resent, first])).toEqual(state);
    // The other report is remembered, so it is recognised when delivered again.
    expect(state.resent).toEqual([{ eventId: uuid(5), atMs: AT_MS }]);
  });

  it('Given a refund, When folded, Then it is stored by order and refund id', () => {
    const e = refund({ at: AT, eventId: uuid(1), orderId: 'O-1', refundId: 'R-1', amount: 2500 });
    expect(evolve(e).refunds).toEqual([
      {
        eventId: uuid(1),
        occurredAt: AT,
        atMs: AT_MS,
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 2500,
        currency: 'CNY',
        order: null,
      },
    ]);
  });

  it('Given a redemption, When folded, Then it is stored with points and reward', () => {
    const e = redeemed({
      at: AT,
      eventId: uuid(1),
      redemptionId: 'RD-1',
      points: 2000,
      reward: 'CNY 20 voucher',
    });
    expect(evolve(e).redemptions).toEqual([
      {
        eventId: uuid(1),
        occurredAt: AT,
        atMs: AT_MS,
        redemptionId: 'RD-1',
        points: 2000,
        reward: 'CNY 20 voucher',
      },
    ]);
  });

  it('Given an adjustment, When folded, Then it is stored signed with its reason', () => {
    const e = adjusted({
      at: AT,
      eventId: uuid(1),
      adjustmentId: 'ADJ-1',
      points: -120,
      reason: 'Expired',
    });
    expect(evolve(e).adjustments).toEqual([
      {
        eventId: uuid(1),
        occurredAt: AT,
        atMs: AT_MS,
        adjustmentKey: 'ADJ-1',
        points: -120,
        reason: 'Expired',
        complaintId: null,
        origin: 'adjustment',
      },
    ]);
  });

  it('Given a complaint resolved with compensation points, When folded, Then an adjustment names the complaint', () => {
    const e = complaintResolved({ at: AT, eventId: uuid(1), complaintId: 'K-5512', points: 500 });
    expect(evolve(e).adjustments).toEqual([
      {
        eventId: uuid(1),
        occurredAt: AT,
        atMs: AT_MS,
        adjustmentKey: 'complaint:K-5512',
        points: 500,
        reason: 'Compensation for complaint K-5512',
        complaintId: 'K-5512',
        origin: 'complaint_compensation',
      },
    ]);
  });

  it('Given a complaint resolved without points, When folded anyway, Then nothing changes', () => {
    const state = initialLoyaltyState(KEY);
    expect(evolve(complaintResolved({ at: AT, complaintId: 'K-1' }), state)).toBe(state);
  });

  it('Given a merge, When folded into both accounts, Then the survivor lists the absorbed and the retired points to the survivor', () => {
    const e = merged({ at: AT, eventId: uuid(1), customerId: 'c-1', mergedCustomerId: 'c-9' });
    expect(foldFor('c-1', [e]).absorbed).toEqual([
      { eventId: uuid(1), occurredAt: AT, atMs: AT_MS, customerId: 'c-9' },
    ]);
    const retired = foldFor('c-9', [e]);
    expect(retired.mergedInto).toEqual({
      eventId: uuid(1),
      occurredAt: AT,
      atMs: AT_MS,
      customerId: 'c-1',
    });
    expect(retired.absorbed).toEqual([]);
  });

  it('Given a history, When the customer is erased, Then only a tombstone remains and later events change nothing', () => {
    const history = [
      registered({ at: '2022-01-01T00:00:00Z' }),
      purchase({ at: AT, orderId: 'O-1', total: 100 }),
      adjusted({ at: AT, adjustmentId: 'A-1', points: 5, reason: 'Personal note about Mei' }),
    ];
    const erasure = erased({ at: '2025-05-06T11:00:00+02:00', eventId: uuid(9) });
    const state = foldFor('c-1', [...history, erasure]);
    expect(state).toEqual({
      ...initialLoyaltyState(KEY),
      erased: {
        eventId: uuid(9),
        occurredAt: '2025-05-06T11:00:00+02:00',
        atMs: Date.parse('2025-05-06T09:00:00Z'),
      },
    });
    expect(foldFor('c-1', [erasure, ...history])).toEqual(state);
    expect(evolve(purchase({ at: AT, orderId: 'O-2', total: 5 }), state)).toBe(state);
  });

  const ignored: [string, RecordedEvent][] = [
    ['call.logged', callLogged({ at: AT })],
    ['complaint.opened', complaintOpened({ at: AT, complaintId: 'K-1' })],
    ['feedback.submitted', feedback({ at: AT, csat: 5 })],
    ...(
      [
        'customer.profile_updated',
        'email.sent',
        'email.opened',
        'email.clicked',
        'email.received',
        'web.visited',
      ] as const
    ).map((t): [string, RecordedEvent] => [t, recordedExample(t)]),
  ];

  it.each(ignored)(
    'Given a %s event, When folded, Then the state is returned unchanged',
    (_type, event) => {
      const state = evolve(purchase({ at: AT, orderId: 'O-1', total: 100 }));
      expect(evolve(event, state)).toBe(state);
    },
  );

  it('Given a customer.identified, When folded, Then the customer records the visitor, once, at its latest identification', () => {
    const later = identified({ at: shift(AT, 2), customerId: 'c-1', anonymousId: 'v-77f' });
    const first = identified({ at: AT, customerId: 'c-1', anonymousId: 'v-77f' });
    const state = foldFor('c-1', [later, first]);
    expect(state.linkedVisitors).toEqual([
      {
        anonymousId: 'v-77f',
        eventId: later.eventId,
        occurredAt: later.occurredAt,
        atMs: Date.parse(later.occurredAt),
      },
    ]);
    expect(foldFor('c-1', [first, later])).toEqual(state);
  });

  it('Given an event already applied, When delivered again, Then the same state object comes back', () => {
    const e = redeemed({ at: AT, redemptionId: 'RD-1', points: 10 });
    const once = evolve(e);
    expect(evolve(e, once)).toBe(once);
  });

  it('Given an event with an unparseable time, When folded, Then it fails loudly rather than guessing', () => {
    const bad = { ...purchase({ at: AT, orderId: 'O-1', total: 1 }), occurredAt: 'yesterday' };
    expect(() => evolve(bad)).toThrow(/occurredAt/);
  });
});
