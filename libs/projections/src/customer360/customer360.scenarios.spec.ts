import {
  EXAMPLE_EVENTS,
  recordEvent,
  type IncomingEvent,
  type RecordedEvent,
} from '@touchpoint/contracts';
import { customerKey, visitorKey } from '../projection.types';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY } from './customer360.policy';
import { matchesSearch } from './customer360.search';
import { mergeCustomerStates, relatedKeys } from './customer360.merge';
import { type Customer360State } from './customer360.state';
import {
  canonical,
  erased,
  fold,
  identified,
  merged,
  profileUpdated,
  purchase,
  registered,
  route,
  webVisit,
} from './customer360.fixtures';

const policy = DEFAULT_CUSTOMER360_POLICY;
const asRecorded = (e: IncomingEvent): RecordedEvent =>
  recordEvent(e, { receivedAt: new Date('2025-06-01T00:00:00Z'), source: 'demo' });

/** What the query side does: load the customer, then every related document, then merge. */
function readCustomer(docs: Map<string, Customer360State>, customerId: string): Customer360State {
  const primaryKey = customerKey(customerId);
  const primary = docs.get(primaryKey) ?? customer360Projection.initial(primaryKey);
  const seen = new Set([primaryKey]);
  const queue = relatedKeys(primary);
  const others: Customer360State[] = [];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const doc = docs.get(key);
    if (doc === undefined) continue;
    others.push(doc);
    queue.push(...relatedKeys(doc));
  }
  // A visitor document may know its customer before the customer document knows it.
  for (const [key, doc] of docs) {
    if (!seen.has(key) && doc.kind === 'visitor' && customerId in doc.linkedCustomerIds) {
      others.push(doc);
    }
  }
  return mergeCustomerStates(primary, others);
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

describe('Scenario 1: Mei is found however the agent types her details', () => {
  const state = fold([asRecorded(EXAMPLE_EVENTS['customer.registered'])], customerKey('c-1001'));

  it.each([
    '8613800138000',
    '+86-138-0013-8000',
    '+86 138 0013 8000',
    'MEI.LIN@example.cn',
    'mei',
    'Mei L',
    'HC-000123',
  ])('Given Mei registered, When an agent searches %s, Then she is found', (input) => {
    expect(matchesSearch(state.searchKeys, input)).toBe(true);
  });

  it.each(['8613800138001', 'mei.lin@example.com', 'lin mei', 'HC-000124', ''])(
    'Given Mei registered, When an agent searches %s, Then she is not found',
    (input) => {
      expect(matchesSearch(state.searchKeys, input)).toBe(false);
    },
  );
});

describe('Scenario 2: an anonymous visitor abandons a cart, then registers', () => {
  const v = 'v-77f';
  const c = 'c-2031';
  const events: RecordedEvent[] = [
    webVisit(1, { anonymousId: v }, '2025-04-14T19:48:30+08:00', {
      sessionId: 's-1',
      viewed: ['STR-400', 'STR-520', 'CAR-110'],
      cart: ['STR-400'],
    }),
    webVisit(2, { anonymousId: v }, '2025-04-16T21:02:00+08:00', {
      sessionId: 's-2',
      viewed: ['STR-400'],
      cart: ['STR-400'],
      checkout: true,
    }),
    registered(3, c, '2025-04-18T20:40:00+08:00', { email: 'new.parent@example.cn' }),
    identified(4, c, v, '2025-04-18T20:41:07+08:00'),
    // Sent with the old anonymousId, after the link.
    webVisit(5, { anonymousId: v }, '2025-04-19T10:00:00+08:00', {
      sessionId: 's-3',
      viewed: ['STR-400'],
    }),
  ];
  const asOf = new Date('2025-05-01T00:00:00Z');

  it('Given the story in order, When c-2031 is read, Then three sessions, 100 % abandonment and the stroller among viewed products', () => {
    const view = customer360Projection.view(readCustomer(route(events), c), asOf, policy);
    expect(view.customerId).toBe(c);
    expect(view.identity.linkedAnonymousIds).toEqual([v]);
    expect(view.web.sessions).toBe(3);
    expect(view.web.abandonmentRate).toBe(1);
    expect(view.web.productsViewed).toContainEqual({
      sku: 'STR-400',
      name: 'CityLite stroller',
      category: 'baby/strollers',
    });
    expect(view.contact.email).toBe('new.parent@example.cn');
    expect(view.channels).toEqual([
      { channel: 'web', count: 3, lastContactAt: '2025-04-19T10:00:00+08:00' },
      { channel: 'store', count: 1, lastContactAt: '2025-04-18T20:40:00+08:00' },
    ]);
  });

  it('Given every one of the 120 arrival orders, When c-2031 is read, Then the view is identical', () => {
    const reference = canonical(
      customer360Projection.view(readCustomer(route(events), c), asOf, policy),
    );
    for (const order of permutations(events)) {
      const view = customer360Projection.view(readCustomer(route(order), c), asOf, policy);
      expect(canonical(view)).toBe(reference);
    }
  });

  it('Given the link has reached only the visitor document, When c-2031 is read, Then the visits are still folded in', () => {
    const docs = route(events);
    docs.set(customerKey(c), fold([events[2] as RecordedEvent], customerKey(c)));
    const view = customer360Projection.view(readCustomer(docs, c), asOf, policy);
    expect(view.web.sessions).toBe(3);
    expect(view.identity.linkedAnonymousIds).toEqual([v]);
  });

  it('Given the visitor document alone, When read, Then it names its customer', () => {
    const visitor = route(events).get(visitorKey(v));
    expect(
      visitor && customer360Projection.view(visitor, asOf, policy).identity.linkedCustomerId,
    ).toBe(c);
  });
});

describe('Scenario 3: a complaint and its service recovery', () => {
  const wang = customerKey('c-1088');
  const events = [
    EXAMPLE_EVENTS['call.logged'],
    EXAMPLE_EVENTS['complaint.opened'],
    EXAMPLE_EVENTS['email.received'],
    EXAMPLE_EVENTS['purchase.refunded'],
    EXAMPLE_EVENTS['complaint.resolved'],
    EXAMPLE_EVENTS['feedback.submitted'],
  ].map(asRecorded);

  it('Given the complaint was opened three days ago, When read, Then it is open with an age of 72 hours', () => {
    const state = fold(events, wang);
    const view = customer360Projection.view(state, new Date('2025-04-05T14:27:00+08:00'), policy);
    expect(view.complaints.open).toEqual([
      {
        complaintId: 'K-5512',
        category: 'delivery',
        severity: 'high',
        description: 'Order O-88120 is two weeks late; customer needs it for a family event.',
        orderId: 'O-88120',
        openedAt: '2025-04-02T14:27:00+08:00',
        ageHours: 72,
      },
    ]);
    expect(view.complaints.resolved).toEqual([]);
    expect(view.satisfaction.latestCsat).toBeNull();
  });

  it('Given it was resolved with 500 points and a CSAT of 5 followed, When read later, Then time to resolve, compensation and the CSAT show', () => {
    const state = fold([...events].reverse(), wang);
    const view = customer360Projection.view(state, new Date('2025-04-12T00:00:00+08:00'), policy);
    expect(view.complaints.open).toEqual([]);
    expect(view.complaints.resolved).toEqual([
      expect.objectContaining({
        complaintId: 'K-5512',
        openedAt: '2025-04-02T14:27:00+08:00',
        resolvedAt: '2025-04-09T15:45:00+08:00',
        // 7 days and 1 h 18 min.
        timeToResolveHours: expect.closeTo(7 * 24 + 1.3, 9),
        compensationPoints: 500,
        compensationMoney: null,
      }),
    ]);
    expect(view.satisfaction.latestCsat).toEqual({ score: 5, at: '2025-04-11T18:22:00+08:00' });
    expect(view.refunds.amountByCurrency).toEqual({ CNY: 2500 });
    expect(view.timeline.map((t) => t.type)).toEqual([
      'feedback.submitted',
      'purchase.refunded',
      'complaint.resolved',
      'email.received',
      'complaint.opened',
      'call.logged',
    ]);
  });
});

describe('Scenario 5: a customer who drifts away', () => {
  const zhao = customerKey('c-5005');
  const state = fold(
    ['2024-03-10', '2024-04-05', '2024-04-28', '2024-05-15'].map((d, i) =>
      purchase(i + 1, 'c-5005', `${d}T11:00:00+08:00`, { orderId: `O-Z${i}`, total: 20000 }),
    ),
    zhao,
  );

  it('Given 13 months without purchases, When read today, Then lapsed', () => {
    const view = customer360Projection.view(state, new Date('2025-06-20T09:00:00Z'), policy);
    expect(view.lifecycle.stage).toBe('lapsed');
    expect(view.lifecycle.daysSinceLastPurchase).toBe(401);
    expect(view.rfm).toEqual(expect.objectContaining({ frequency: 3, recency: 66 }));
  });

  it('Given the same state, When read as of a year ago, Then active', () => {
    const view = customer360Projection.view(state, new Date('2024-06-20T09:00:00Z'), policy);
    expect(view.lifecycle.stage).toBe('active');
    expect(view.lifecycle.daysSinceLastPurchase).toBe(36);
  });
});

describe('Scenario 8: a customer asks to be forgotten', () => {
  const key = customerKey('c-0042');
  const personal = [
    registered(1, 'c-0042', '2024-01-10T10:00:00Z', {
      name: { given: 'Ada', family: 'Forgotten' },
      email: 'ada@example.org',
      phone: '+44 20 7946 0000',
      birthDate: '1985-02-03',
      address: { line1: '1 Quiet Lane', city: 'London', country: 'GB' },
      loyaltyCardId: 'HC-424242',
    }),
    profileUpdated(2, 'c-0042', '2024-02-01T10:00:00Z', { email: 'ada.f@example.org' }),
  ];
  const counted = [purchase(3, 'c-0042', '2024-03-01T10:00:00Z', { orderId: 'O-42', total: 5000 })];
  const erasure = erased(4, 'c-0042', '2025-05-06T11:00:00+02:00');
  // A profile change stamped after the erasure (a late channel) and a full replay.
  const late = profileUpdated(5, 'c-0042', '2025-06-01T10:00:00Z', { phone: '+44 20 7946 0001' });
  const forbidden = [
    'Ada',
    'Forgotten',
    'ada@',
    'ada.f@',
    '7946',
    '1985-02-03',
    'Quiet Lane',
    'HC-424242',
  ];

  const assertNothingPersonal = (state: Customer360State) => {
    const json = JSON.stringify(state);
    for (const text of forbidden) expect(json).not.toContain(text);
    const view = customer360Projection.view(state, new Date('2025-07-01T00:00:00Z'), policy);
    expect(view.contact).toEqual({ name: null, email: null, phone: null, loyaltyCardId: null });
    expect(view.profile).toEqual({ birthDate: null, address: null });
    expect(view.searchKeys).toEqual({ emails: [], phones: [], names: [], loyaltyCards: [] });
    expect(JSON.stringify(view)).not.toContain('Ada');
    expect(view.identity.erased).toBe(true);
    expect(view.purchases.orders).toBe(1);
    expect(view.purchases.spend).toBe(5000);
  };

  it('Given history then erasure, When read, Then no personal data and counts remain', () => {
    assertNothingPersonal(fold([...personal, ...counted, erasure], key));
  });

  it('Given erasure first and the profile events replayed or late afterwards, When read, Then personal data never comes back', () => {
    const state = fold([erasure, ...personal, late, ...counted], key);
    assertNothingPersonal(state);
    assertNothingPersonal(fold([...personal, late], key, state));
  });

  it('Given the erased customer was merged with another record, When the merged view is read, Then no personal data from either', () => {
    const docs = route([
      ...personal,
      ...counted,
      erasure,
      merged(6, 'c-0042', 'c-0043', '2024-06-01T00:00:00Z'),
      registered(7, 'c-0043', '2024-05-01T00:00:00Z', {
        name: { given: 'Ada' },
        email: 'ada@example.org',
      }),
    ]);
    assertNothingPersonal(readCustomer(docs, 'c-0042'));
  });

  it('Given a re-sent purchase with a new eventId under the same orderId, When read, Then one order', () => {
    const state = fold(
      [...counted, purchase(9, 'c-0042', '2024-03-01T10:05:00Z', { orderId: 'O-42', total: 5000 })],
      key,
    );
    expect(
      customer360Projection.view(state, new Date('2025-01-01T00:00:00Z'), policy).purchases.orders,
    ).toBe(1);
  });
});
