import {
  type Customer360View,
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_LOYALTY_POLICY,
  type LoyaltyView,
  type Occasion,
  type OpenComplaint,
  type Recommendation,
  customer360View,
  initialCustomer360State,
  initialLoyaltyState,
  loyaltyView,
} from '@touchpoint/projections';
import { daysToBirthday, nextBestActions } from './next-best-action';

const MAY_FIRST = new Date('2026-05-01T09:00:00Z');

function customer(over: Partial<Customer360View> = {}): Customer360View {
  return {
    ...customer360View(
      initialCustomer360State('customer:c-1'),
      MAY_FIRST,
      DEFAULT_CUSTOMER360_POLICY,
    ),
    ...over,
  };
}

function loyalty(tier: string, greetings: boolean, recommendations: boolean): LoyaltyView {
  return {
    ...loyaltyView(initialLoyaltyState('customer:c-1'), MAY_FIRST, DEFAULT_LOYALTY_POLICY),
    tier,
    outreach: { greetings, recommendations },
  };
}

const complaint = (
  id: string,
  severity: OpenComplaint['severity'],
  ageHours: number,
): OpenComplaint => ({
  complaintId: id,
  category: 'delivery',
  severity,
  description: null,
  orderId: null,
  openedAt: '2026-04-30T09:00:00Z',
  ageHours,
});

const giftsInMay: Occasion = {
  category: 'gifts',
  month: 5,
  years: [2024, 2025],
  lastPurchaseAt: '2025-05-10T12:00:00+08:00',
  due: true,
  nextDue: '2026-05',
  message: 'Bought in gifts in May of 2024, 2025: a May gift reminder is due now.',
};

const babyFood = {
  kind: 'category',
  target: 'baby/food',
  name: null,
  source: 'category_chain',
  explanation: 'Configured chain baby/feeding → baby/food: the customer bought BB-260.',
} as Recommendation;

describe('next best action', () => {
  it('Given an open complaint and a due reminder and offers (SCENARIOS 3), When asked, Then resolving the complaint comes first', () => {
    const actions = nextBestActions({
      customer: customer({
        complaints: {
          open: [complaint('K-5512', 'high', 2)],
          openCount: 1,
          resolved: [],
          resolvedCount: 0,
          averageTimeToResolveHours: null,
        },
      }),
      loyalty: loyalty('loyal', false, true),
      occasions: [giftsInMay],
      recommendations: [babyFood],
      asOf: MAY_FIRST,
    });
    expect(actions.map((a) => a.kind)).toEqual([
      'resolve_complaint',
      'occasion_reminder',
      'recommendation',
    ]);
    expect(actions[0]).toMatchObject({ title: 'Resolve complaint K-5512', ref: 'K-5512' });
  });

  it('Given several open complaints, When asked, Then the most severe comes first, then the oldest', () => {
    const actions = nextBestActions({
      customer: customer({
        complaints: {
          open: [
            complaint('K-1', 'low', 90),
            complaint('K-2', 'critical', 1),
            complaint('K-3', 'low', 100),
          ],
          openCount: 3,
          resolved: [],
          resolvedCount: 0,
          averageTimeToResolveHours: null,
        },
      }),
      loyalty: loyalty('occasional', false, false),
      occasions: [],
      recommendations: [],
      asOf: MAY_FIRST,
    });
    expect(actions.map((a) => a.ref)).toEqual(['K-2', 'K-3', 'K-1']);
  });

  it('Given Mei on 1 May with gifts bought every May (SCENARIOS 1), When asked, Then the gift reminder is the first action', () => {
    const actions = nextBestActions({
      customer: customer({ profile: { birthDate: '1990-05-14', address: null } }),
      loyalty: loyalty('very_loyal', true, true),
      occasions: [giftsInMay, { ...giftsInMay, category: 'flowers', month: 9, due: false }],
      recommendations: [],
      asOf: MAY_FIRST,
    });
    expect(actions).toEqual([
      {
        kind: 'occasion_reminder',
        title: 'Offer a gifts gift reminder',
        reason: giftsInMay.message,
        ref: 'gifts@2026-05',
      },
    ]);
  });

  it('Given a very loyal customer whose birthday is in 3 days, When asked, Then a greeting is suggested; an occasional customer gets none', () => {
    const soon = customer({ profile: { birthDate: '1990-05-04', address: null } });
    const greeted = nextBestActions({
      customer: soon,
      loyalty: loyalty('very_loyal', true, true),
      occasions: [],
      recommendations: [],
      asOf: MAY_FIRST,
    });
    expect(greeted[0]).toMatchObject({
      kind: 'greeting',
      reason: expect.stringMatching(/in 3 days/),
    });
    const occasional = nextBestActions({
      customer: soon,
      loyalty: loyalty('occasional', false, false),
      occasions: [],
      recommendations: [],
      asOf: MAY_FIRST,
    });
    expect(occasional.map((a) => a.kind)).toEqual(['none']);
  });

  it('Given recommendations but a tier not eligible for them, When asked, Then no offer is made', () => {
    const actions = nextBestActions({
      customer: customer(),
      loyalty: loyalty('occasional', false, false),
      occasions: [],
      recommendations: [babyFood],
      asOf: MAY_FIRST,
    });
    expect(actions.map((a) => a.kind)).toEqual(['none']);
  });

  it('Given a lapsed customer, When asked, Then a win-back comes after anything due', () => {
    const actions = nextBestActions({
      customer: customer({
        lifecycle: {
          stage: 'lapsed',
          daysSinceLastPurchase: 400,
          reason: '400 days since the last purchase',
        },
      }),
      loyalty: loyalty('occasional', false, false),
      occasions: [giftsInMay],
      recommendations: [],
      asOf: MAY_FIRST,
    });
    expect(actions.map((a) => a.kind)).toEqual(['occasion_reminder', 'win_back']);
  });

  it('Given an erased customer, When asked, Then nothing is suggested', () => {
    const erased = customer();
    const actions = nextBestActions({
      customer: { ...erased, identity: { ...erased.identity, erased: true } },
      loyalty: loyalty('very_loyal', true, true),
      occasions: [giftsInMay],
      recommendations: [babyFood],
      asOf: MAY_FIRST,
    });
    expect(actions.map((a) => a.kind)).toEqual(['none']);
  });
});

describe('daysToBirthday', () => {
  it('Given birth dates around asOf, When counted, Then days to the next one (0 on the day, wrapping the year)', () => {
    const asOf = new Date('2026-12-30T23:00:00Z');
    expect(daysToBirthday('1990-12-30', asOf)).toBe(0);
    expect(daysToBirthday('1990-12-31', asOf)).toBe(1);
    expect(daysToBirthday('1990-01-02', asOf)).toBe(3);
    expect(daysToBirthday(null, asOf)).toBeNull();
    expect(daysToBirthday('****-**-**', asOf)).toBeNull();
  });

  it('Given a 29 February birthday, When the year is not a leap year, Then it is counted on 28 February', () => {
    expect(daysToBirthday('2000-02-29', new Date('2027-02-27T10:00:00Z'))).toBe(1);
    expect(daysToBirthday('2000-02-29', new Date('2028-02-28T10:00:00Z'))).toBe(1);
  });
});
