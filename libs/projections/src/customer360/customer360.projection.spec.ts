import { type RecordedEvent } from '@touchpoint/contracts';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY, TIMELINE_RETAINED } from './customer360.policy';
import { retainedTimeline } from './customer360.state';
import {
  adjusted,
  call,
  complaintOpened,
  complaintResolved,
  day,
  dayDate,
  emailClicked,
  emailOpened,
  emailReceived,
  emailSent,
  feedback,
  fold,
  identified,
  merged,
  oneOfEach,
  profileUpdated,
  purchase,
  redeemed,
  refund,
  registered,
  webVisit,
} from './customer360.fixtures';

const P = customer360Projection;
const C = 'customer:c-1';
const asOf = dayDate(100);
const viewOf = (events: readonly RecordedEvent[], key = C) =>
  P.view(fold(events, key), asOf, DEFAULT_CUSTOMER360_POLICY);

describe('customer360 keys', () => {
  it('Given an event with a customerId, When keyed, Then it goes to the customer document only', () => {
    expect(P.keys(call(1, { customerId: 'c-1', anonymousId: 'v-1' }, day(0)))).toEqual([
      'customer:c-1',
    ]);
  });

  it('Given an event with only an anonymousId, When keyed, Then it goes to the visitor document', () => {
    expect(P.keys(webVisit(1, { anonymousId: 'v-1' }, day(0), { sessionId: 's' }))).toEqual([
      'visitor:v-1',
    ]);
  });

  it('Given customer.identified, When keyed, Then both the customer and the visitor documents', () => {
    expect(P.keys(identified(1, 'c-1', 'v-1', day(0)))).toEqual(['customer:c-1', 'visitor:v-1']);
  });

  it('Given customer.merged, When keyed, Then both customers', () => {
    expect(P.keys(merged(1, 'c-1', 'c-2', day(0)))).toEqual(['customer:c-1', 'customer:c-2']);
  });

  it('Given one event of every type, When keyed, Then each has at least one key', () => {
    for (const event of Object.values(oneOfEach())) {
      expect(P.keys(event).length).toBeGreaterThan(0);
    }
  });

  it('Given an unknown document key, When initialised, Then it refuses', () => {
    expect(() => P.initial('order:1')).toThrow(/unknown document key/);
  });
});

describe('customer360 evolve, one event type at a time', () => {
  it('Given customer.registered, When viewed, Then profile, contact points, search keys and consent are set', () => {
    const v = viewOf([oneOfEach()['customer.registered']]);
    expect(v.identity.registeredAt).toBe(day(0));
    expect(v.contact).toEqual({
      name: { given: 'Mei', family: 'Lin' },
      email: 'Mei.Lin@Example.cn',
      phone: '+86 138 0013 8000',
      loyaltyCardId: 'HC-000123',
    });
    expect(v.profile.birthDate).toBe('1990-05-14');
    expect(v.profile.address?.city).toBe('Shanghai');
    expect(v.searchKeys).toEqual({
      emails: ['mei.lin@example.cn'],
      phones: ['8613800138000'],
      names: ['lin', 'mei', 'mei lin'],
      loyaltyCards: ['HC-000123'],
    });
    expect(v.consent).toEqual({
      email: true,
      sms: false,
      phone: null,
      post: null,
      profiling: null,
    });
    expect(v.channels).toEqual([{ channel: 'store', count: 1, lastContactAt: day(0) }]);
  });

  it('Given customer.profile_updated, When applied after registration, Then only the named fields change and consent merges flag by flag', () => {
    const e = oneOfEach();
    const v = viewOf([e['customer.registered'], e['customer.profile_updated']]);
    expect(v.contact.phone).toBe('+86-139-0000-0001');
    expect(v.contact.email).toBe('Mei.Lin@Example.cn');
    expect(v.searchKeys.phones).toEqual(['8613900000001']);
    expect(v.consent.email).toBe(true);
    expect(v.consent.sms).toBe(true);
  });

  it('Given a profile update older than the registration arrives last, When folded, Then the newer value still wins (event time, not arrival)', () => {
    const v = viewOf([
      registered(2, 'c-1', day(5), { email: 'new@example.com' }),
      profileUpdated(1, 'c-1', day(1), { email: 'old@example.com' }),
    ]);
    expect(v.contact.email).toBe('new@example.com');
  });

  it('Given a profile update with null, When applied, Then the field is cleared and an older value cannot bring it back', () => {
    const v = viewOf([
      profileUpdated(2, 'c-1', day(5), { email: null }),
      registered(1, 'c-1', day(1), { email: 'mei@example.cn' }),
    ]);
    expect(v.contact.email).toBeNull();
    expect(v.searchKeys.emails).toEqual([]);
  });

  it('Given customer.identified, When folded into both documents, Then each remembers the other', () => {
    const e = identified(1, 'c-1', 'v-1', day(2));
    expect(viewOf([e]).identity.linkedAnonymousIds).toEqual(['v-1']);
    const visitor = viewOf([e], 'visitor:v-1');
    expect(visitor.identity.linkedCustomerId).toBe('c-1');
    expect(visitor.anonymousId).toBe('v-1');
    expect(visitor.totalContacts).toBe(0);
  });

  it('Given customer.merged, When folded, Then the target lists the source and the source points at the target', () => {
    const e = merged(1, 'c-1', 'c-2', day(3));
    expect(viewOf([e]).identity.mergedCustomerIds).toEqual(['c-2']);
    expect(viewOf([e], 'customer:c-2').identity.mergedIntoCustomerId).toBe('c-1');
    expect(viewOf([e]).identity.mergedIntoCustomerId).toBeNull();
  });

  it('Given customer.erased, When viewed, Then personal data is gone but counts remain', () => {
    const e = oneOfEach();
    const v = viewOf([e['customer.registered'], e['purchase.completed'], e['customer.erased']]);
    expect(v.identity.erased).toBe(true);
    expect(v.identity.erasedAt).toBe(day(50));
    expect(v.contact).toEqual({ name: null, email: null, phone: null, loyaltyCardId: null });
    expect(v.purchases.orders).toBe(1);
  });

  it('Given call.logged, When viewed, Then the call centre count, last contact and a timeline entry without the agent notes', () => {
    const v = viewOf([call(1, { customerId: 'c-1' }, day(4), 'K-1')]);
    expect(v.channels).toEqual([{ channel: 'call_centre', count: 1, lastContactAt: day(4) }]);
    expect(v.timeline).toEqual([
      expect.objectContaining({
        type: 'call.logged',
        ref: 'CALL-1',
        summary: 'Inbound call, 420 s, escalated',
      }),
    ]);
    expect(JSON.stringify(fold([call(1, { customerId: 'c-1' }, day(4))], C))).not.toContain('Wang');
  });

  it('Given the four e-mail events, When viewed, Then they count as e-mail contacts with the latest as last contact', () => {
    const v = viewOf([
      emailSent(1, 'c-1', day(5)),
      emailOpened(2, 'c-1', day(5, 13)),
      emailClicked(3, 'c-1', day(5, 14)),
      emailReceived(4, { customerId: 'c-1' }, day(6)),
    ]);
    expect(v.channels).toEqual([{ channel: 'email', count: 4, lastContactAt: day(6) }]);
    expect(v.timeline.map((t) => t.type)).toEqual([
      'email.received',
      'email.clicked',
      'email.opened',
      'email.sent',
    ]);
  });

  it('Given web.visited, When viewed, Then the session, viewed products and abandonment appear', () => {
    const v = viewOf([
      webVisit(1, { customerId: 'c-1' }, day(7), {
        sessionId: 's-1',
        viewed: ['STR-400'],
        cart: ['STR-400'],
      }),
      webVisit(2, { customerId: 'c-1' }, day(8), { sessionId: 's-2', viewed: ['CAR-110'] }),
      webVisit(3, { customerId: 'c-1' }, day(9), {
        sessionId: 's-3',
        cart: ['STR-400'],
        checkout: true,
        converted: true,
      }),
    ]);
    expect(v.web).toEqual({
      sessions: 3,
      sessionsWithCartOrCheckout: 2,
      abandonedSessions: 1,
      convertedSessions: 1,
      abandonmentRate: 0.5,
      productsViewed: [
        { sku: 'CAR-110', name: 'SafeRide car seat', category: 'baby/strollers' },
        { sku: 'STR-400', name: 'CityLite stroller', category: 'baby/strollers' },
      ],
      lastVisitAt: day(9),
    });
  });

  it('Given browsing without cart or checkout, When viewed, Then the abandonment rate is null', () => {
    const v = viewOf([
      webVisit(1, { customerId: 'c-1' }, day(7), { sessionId: 's-1', viewed: ['STR-400'] }),
    ]);
    expect(v.web.abandonmentRate).toBeNull();
  });

  it('Given one session reported twice with different eventIds, When viewed, Then it is one session with the union of its facts', () => {
    const v = viewOf([
      webVisit(1, { customerId: 'c-1' }, day(7), {
        sessionId: 's-1',
        viewed: ['STR-400'],
        cart: ['STR-400'],
      }),
      webVisit(2, { customerId: 'c-1' }, day(7, 13), {
        sessionId: 's-1',
        viewed: ['STR-520'],
        checkout: true,
      }),
    ]);
    expect(v.web.sessions).toBe(1);
    expect(v.web.abandonedSessions).toBe(1);
    expect(v.web.productsViewed.map((p) => p.sku)).toEqual(['STR-400', 'STR-520']);
  });

  it('Given purchase.completed, When viewed, Then the purchase summary has orders, spend, AOV, dates and categories', () => {
    const v = viewOf([
      purchase(1, 'c-1', day(8), {
        orderId: 'O-1',
        total: 27100,
        items: [
          { sku: 'BB-260', name: 'Bottle', category: 'baby/feeding', quantity: 2, unitPrice: 8900 },
          { sku: 'BF-1', name: 'Food', category: 'baby/food', quantity: 6, unitPrice: 1550 },
        ],
      }),
      purchase(2, 'c-1', day(20), { orderId: 'O-2', total: 900 }),
    ]);
    expect(v.purchases).toEqual({
      orders: 2,
      currency: 'CNY',
      spend: 28000,
      averageOrderValue: 14000,
      spendByCurrency: { CNY: 28000 },
      firstPurchaseAt: day(8),
      lastPurchaseAt: day(20),
      categories: [
        { category: 'baby/feeding', orders: 1, quantity: 2 },
        { category: 'baby/food', orders: 1, quantity: 6 },
        { category: 'gifts', orders: 1, quantity: 1 },
      ],
      spendByMonth: [{ month: day(8).slice(0, 7), orders: 2, spend: 28000 }],
    });
  });

  it('Given the same order re-sent under a new eventId, When viewed, Then it counts once (the earliest report stands)', () => {
    const v = viewOf([
      purchase(2, 'c-1', day(8, 15), { orderId: 'O-1', total: 999 }),
      purchase(1, 'c-1', day(8), { orderId: 'O-1', total: 1000 }),
    ]);
    expect(v.purchases.orders).toBe(1);
    expect(v.purchases.spend).toBe(1000);
  });

  it('Given purchase.refunded, When viewed, Then refunds are reported apart and purchase history is unchanged', () => {
    const v = viewOf([
      purchase(1, 'c-1', day(8), { orderId: 'O-1', total: 1000 }),
      refund(2, 'c-1', day(9), 'O-1', 'R-1', 300),
      refund(3, 'c-1', day(9, 14), 'O-1', 'R-1', 300),
    ]);
    expect(v.refunds).toEqual({ count: 1, amountByCurrency: { CNY: 300 }, lastRefundAt: day(9) });
    expect(v.purchases.spend).toBe(1000);
    expect(v.rfm?.monetary).toBe(0);
  });

  it('Given complaint.opened alone, When viewed, Then it is open with its age at asOf', () => {
    const v = viewOf([complaintOpened(1, 'c-1', day(98), 'K-1')]);
    expect(v.complaints.open).toEqual([
      expect.objectContaining({
        complaintId: 'K-1',
        severity: 'high',
        category: 'delivery',
        ageHours: 48,
      }),
    ]);
    expect(v.complaints.resolved).toEqual([]);
  });

  it('Given complaint.resolved arriving before its opening, When both are folded, Then it is resolved with time to resolve and compensation', () => {
    const v = viewOf([
      complaintResolved(2, 'c-1', day(11, 18), 'K-1', 500),
      complaintOpened(1, 'c-1', day(10), 'K-1'),
    ]);
    expect(v.complaints.open).toEqual([]);
    expect(v.complaints.resolved).toEqual([
      expect.objectContaining({
        complaintId: 'K-1',
        timeToResolveHours: 30,
        compensationPoints: 500,
      }),
    ]);
    expect(v.complaints.averageTimeToResolveHours).toBe(30);
  });

  it('Given complaint.resolved without an opening, When viewed, Then it is resolved with unknown time to resolve', () => {
    const v = viewOf([complaintResolved(2, 'c-1', day(11), 'K-1')]);
    expect(v.complaints.resolved[0]?.timeToResolveHours).toBeNull();
    expect(v.complaints.averageTimeToResolveHours).toBeNull();
  });

  it('Given feedback.submitted answers, When viewed, Then latest and average CSAT and NPS', () => {
    const v = viewOf([
      feedback(1, { customerId: 'c-1' }, day(12), { csat: 2, nps: 3 }),
      feedback(2, { customerId: 'c-1' }, day(30), { csat: 5 }),
      feedback(3, { customerId: 'c-1' }, day(20), { csat: 4, nps: 9 }),
    ]);
    expect(v.satisfaction).toEqual({
      responses: 3,
      latestCsat: { score: 5, at: day(30) },
      latestNps: { score: 9, at: day(20) },
      averageCsat: 11 / 3,
      averageNps: 6,
    });
  });

  it('Given loyalty.points_redeemed, When viewed, Then it is a store contact on the timeline', () => {
    const v = viewOf([redeemed(1, 'c-1', day(13))]);
    expect(v.channels).toEqual([{ channel: 'store', count: 1, lastContactAt: day(13) }]);
    expect(v.timeline[0]?.summary).toBe('Redeemed 200 points');
  });

  it('Given loyalty.points_adjusted, When viewed, Then it is on the timeline but not a contact', () => {
    const v = viewOf([adjusted(1, 'c-1', day(14))]);
    expect(v.totalContacts).toBe(0);
    expect(v.timeline[0]?.summary).toBe('Points adjusted by -120');
  });

  it('Given the same event delivered twice, When folded, Then the second delivery returns the very same state', () => {
    const e = purchase(1, 'c-1', day(8), { orderId: 'O-1', total: 1000 });
    const once = fold([e], C);
    expect(fold([e], C, once)).toBe(once);
  });

  it('Given an event carrying both ids on the customer document, When folded, Then the visitor is linked', () => {
    const v = viewOf([
      webVisit(1, { customerId: 'c-1', anonymousId: 'v-9' }, day(1), { sessionId: 's' }),
    ]);
    expect(v.identity.linkedAnonymousIds).toEqual(['v-9']);
  });
});

describe('customer360 timeline', () => {
  it('Given 250 interactions in random arrival order, When viewed, Then the TIMELINE_RETAINED newest by event time, newest first, ties by eventId', () => {
    const events: RecordedEvent[] = [];
    for (let i = 0; i < 250; i++) events.push(emailSent(i + 1, 'c-1', day(Math.floor(i / 2))));
    // 7 and 250 are coprime, so stepping by 7 visits every event once, far out of order.
    const arrival = events.map((_, i) => events[(i * 7) % events.length] as RecordedEvent);
    const state = fold(arrival, C);
    expect(retainedTimeline(state).length).toBe(TIMELINE_RETAINED);
    const v = P.view(state, dayDate(1000), DEFAULT_CUSTOMER360_POLICY);
    expect(v.timeline.length).toBe(TIMELINE_RETAINED);
    const expected = [...events]
      .sort(
        (a, b) =>
          Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || (a.eventId < b.eventId ? -1 : 1),
      )
      .slice(0, TIMELINE_RETAINED)
      .map((e) => e.eventId);
    expect(v.timeline.map((t) => t.eventId)).toEqual(expected);
    expect(v.totalContacts).toBe(250);
  });

  it('Given an asOf in the past, When viewed, Then later entries, purchases and contacts are left out', () => {
    const state = fold(
      [emailSent(1, 'c-1', day(1)), purchase(2, 'c-1', day(5), { orderId: 'O-1', total: 10 })],
      C,
    );
    const v = P.view(state, dayDate(3), DEFAULT_CUSTOMER360_POLICY);
    expect(v.timeline.map((t) => t.type)).toEqual(['email.sent']);
    expect(v.purchases.orders).toBe(0);
    expect(v.rfm).toBeNull();
    expect(v.totalContacts).toBe(1);
  });
});
