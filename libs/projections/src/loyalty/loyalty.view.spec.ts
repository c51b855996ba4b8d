import { type RecordedEvent } from '@touchpoint/contracts';
import {
  adjusted,
  complaintResolved,
  erased,
  foldFor,
  merged,
  purchase,
  redeemed,
  refund,
  registered,
  shift,
  uuid,
} from './loyalty.fixtures';
import { DEFAULT_LOYALTY_POLICY, type LoyaltyPolicy } from './loyalty.policy';
import { formatMinorUnits } from '../money';
import { loyaltyView, pointsForAmount } from './loyalty.view';

const T0 = '2025-01-10T12:00:00+08:00';
const view = (
  events: RecordedEvent[],
  asOf: string,
  policy: LoyaltyPolicy = DEFAULT_LOYALTY_POLICY,
) => loyaltyView(foldFor('c-1', events), new Date(asOf), policy);

/** n purchases of `each` minor units, one day apart from `start`. */
const purchases = (n: number, each: number, start = T0, prefix = 'O'): RecordedEvent[] =>
  Array.from({ length: n }, (_, i) =>
    purchase({
      at: shift(start, i),
      orderId: `${prefix}-${i + 1}`,
      total: each,
      eventId: uuid(1000 + i),
    }),
  );

describe('pointsForAmount', () => {
  const floor = { pointsPerMajorUnit: 1, rounding: 'floor' } as const;
  const halfUp = { pointsPerMajorUnit: 1, rounding: 'half_up' } as const;

  it.each([
    [27100, 'CNY', floor, 271],
    [27199, 'CNY', floor, 271],
    [27199, 'CNY', halfUp, 272],
    [27150, 'CNY', halfUp, 272],
    [27149, 'CNY', halfUp, 271],
    [8400, 'JPY', floor, 8400],
    [1500, 'KWD', floor, 1],
    [27100, 'CNY', { pointsPerMajorUnit: 2, rounding: 'floor' } as const, 542],
    [29, 'CNY', { pointsPerMajorUnit: 3, rounding: 'floor' } as const, 0],
    [0, 'CNY', floor, 0],
  ])(
    'Given %i minor units of %s, When converted, Then it earns the hand-checked points',
    (amount, currency, rate, expected) => {
      expect(pointsForAmount(amount, currency, rate)).toBe(expected);
    },
  );

  it('Given an unknown currency, When converted, Then there is no answer rather than a guess', () => {
    expect(pointsForAmount(100, 'XXX', floor)).toBeUndefined();
  });
});

describe('formatMinorUnits', () => {
  it('Given amounts in currencies of different exponents, When formatted, Then the decimal point sits right', () => {
    expect(formatMinorUnits(840000, 'CNY')).toBe('8400.00 CNY');
    expect(formatMinorUnits(5, 'CNY')).toBe('0.05 CNY');
    expect(formatMinorUnits(8400, 'JPY')).toBe('8400 JPY');
    expect(formatMinorUnits(-1500, 'KWD')).toBe('-1.500 KWD');
  });
});

describe('loyaltyView — tier', () => {
  it('Given 3 purchases of ¥400, When read, Then occasional; a 4th makes loyal (4 and ¥1,600)', () => {
    const three = purchases(3, 40_000);
    expect(view(three, shift(T0, 10)).tier).toBe('occasional');
    const four = purchases(4, 40_000);
    const v = view(four, shift(T0, 10));
    expect(v.tier).toBe('loyal');
    expect(v.window).toMatchObject({ purchases: 4, spend: 160_000, currency: 'CNY', days: 365 });
    expect(v.outreach).toEqual({ greetings: false, recommendations: true });
  });

  it('Given 4 purchases worth only ¥400 in total, When read, Then still occasional (spend below ¥1,000)', () => {
    expect(view(purchases(4, 10_000), shift(T0, 10)).tier).toBe('occasional');
  });

  it('Given 8 purchases for ¥5,600 but registered 100 days ago, When read, Then loyal (tenure missing)', () => {
    const events = [registered({ at: shift(T0, -90) }), ...purchases(8, 70_000)];
    const v = view(events, shift(T0, 10));
    expect(v.tier).toBe('loyal');
    expect(v.tenureDays).toBe(100);
  });

  it('Given the same customer, When tenure reaches 365 days, Then very_loyal from that instant, explained by tenure', () => {
    const reg = registered({ at: shift(T0, -90), eventId: uuid(7) });
    const events = [reg, ...purchases(8, 70_000)];
    const v = view(events, shift(T0, 300));
    expect(v.tier).toBe('very_loyal');
    expect(v.outreach).toEqual({ greetings: true, recommendations: true });
    const last = v.tierHistory.at(-1);
    expect(last).toMatchObject({
      at: new Date(shift(T0, 275)).toISOString(),
      from: 'loyal',
      to: 'very_loyal',
      direction: 'up',
      causes: [{ kind: 'tenure', eventId: uuid(7), registeredAt: reg.occurredAt, days: 365 }],
    });
    expect(v.tierSince).toBe(last?.at);
  });

  it('Given no registration, When the rest qualifies for very_loyal, Then loyal: tenure cannot be assumed', () => {
    expect(view(purchases(8, 70_000), shift(T0, 10)).tier).toBe('loyal');
  });

  it('Given a purchase, When read on the last local day of the window and at the start of the next, Then it counts, then not', () => {
    // T0 is 04:00 UTC on 10 January 2025: the window holds whole UTC days (the policy's time
    // zone), so the purchase counts through 9 January 2026 and leaves at its first instant.
    const events = purchases(1, 100);
    const leaves = Date.parse('2026-01-10T00:00:00Z');
    const at = (ms: number): number =>
      loyaltyView(foldFor('c-1', events), new Date(ms), DEFAULT_LOYALTY_POLICY).window.purchases;
    expect(at(leaves - 1)).toBe(1);
    expect(at(leaves)).toBe(0);
    expect(
      loyaltyView(foldFor('c-1', events), new Date(leaves), DEFAULT_LOYALTY_POLICY).window.from,
    ).toBe('2025-01-11T00:00:00.000Z');
  });

  it('Given a policy in Asia/Shanghai, When read, Then the window counts Shanghai calendar days', () => {
    const shanghai: LoyaltyPolicy = { ...DEFAULT_LOYALTY_POLICY, timeZone: 'Asia/Shanghai' };
    // 12:00 +08:00 on 10 January: that local day leaves at midnight in Shanghai a year on.
    const leaves = Date.parse('2026-01-10T00:00:00+08:00');
    const at = (ms: number): number =>
      loyaltyView(foldFor('c-1', purchases(1, 100)), new Date(ms), shanghai).window.purchases;
    expect(at(leaves - 1)).toBe(1);
    expect(at(leaves)).toBe(0);
  });

  it('Given events after asOf, When read, Then they are not seen', () => {
    const v = view(purchases(4, 40_000), shift(T0, 2));
    expect(v.window.purchases).toBe(3);
    expect(v.points.ledger).toHaveLength(3);
  });

  it('Given a partial refund, When read, Then spend is net and the purchase still counts', () => {
    const events = [
      ...purchases(4, 40_000),
      refund({ at: shift(T0, 5), orderId: 'O-1', refundId: 'R-1', amount: 15_000 }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.window).toMatchObject({ purchases: 4, spend: 145_000 });
    expect(v.tier).toBe('loyal');
  });

  it('Given a full refund of one of 4 orders, When read, Then the order stops counting and the history says the refund did it', () => {
    const r = refund({
      at: shift(T0, 5),
      orderId: 'O-2',
      refundId: 'R-1',
      amount: 40_000,
      eventId: uuid(55),
    });
    const v = view([...purchases(4, 40_000), r], shift(T0, 10));
    expect(v.window).toMatchObject({ purchases: 3, spend: 120_000 });
    expect(v.tier).toBe('occasional');
    expect(v.tierHistory.map((c) => [c.from, c.to, c.causes[0]?.kind])).toEqual([
      ['occasional', 'loyal', 'purchase'],
      ['loyal', 'occasional', 'refund'],
    ]);
    expect(v.tierHistory[1]?.causes).toEqual([
      {
        kind: 'refund',
        eventId: uuid(55),
        orderId: 'O-2',
        refundId: 'R-1',
        occurredAt: r.occurredAt,
      },
    ]);
  });

  it('Given purchases in another currency, When read, Then they count as purchases but not as spend', () => {
    const events = [
      ...purchases(3, 40_000),
      purchase({ at: shift(T0, 4), orderId: 'U-1', total: 9_000, currency: 'USD' }),
      purchase({ at: shift(T0, 5), orderId: 'J-1', total: 8_400, currency: 'JPY' }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.window).toMatchObject({
      purchases: 5,
      spend: 120_000,
      otherCurrencies: [
        { currency: 'JPY', amount: 8_400 },
        { currency: 'USD', amount: 9_000 },
      ],
    });
  });
});

describe('loyaltyView — tier history', () => {
  it('Given 4 purchases, When the first ages out, Then the drop is dated at the start of the day 365 days after its day and names it', () => {
    const events = purchases(4, 40_000);
    const v = view(events, shift(T0, 400));
    expect(v.tier).toBe('occasional');
    expect(v.tierHistory).toEqual([
      {
        at: new Date(shift(T0, 3)).toISOString(),
        from: 'occasional',
        to: 'loyal',
        direction: 'up',
        causes: [
          { kind: 'purchase', eventId: uuid(1003), orderId: 'O-4', occurredAt: shift(T0, 3) },
        ],
        figures: { purchases: 4, spend: 160_000 },
        reason: 'purchase O-4: 4 purchases and 1600.00 CNY in 365 days, meets loyal',
      },
      {
        at: '2026-01-10T00:00:00.000Z',
        from: 'loyal',
        to: 'occasional',
        direction: 'down',
        causes: [{ kind: 'window_passed', eventId: uuid(1000), orderId: 'O-1', purchasedAt: T0 }],
        figures: { purchases: 3, spend: 120_000 },
        reason: `purchase O-1 of ${T0} left the window: 3 purchases and 1200.00 CNY in 365 days, below loyal`,
      },
    ]);
  });

  it('Given the same events, When read before the drop, Then the history stops at asOf', () => {
    const v = view(purchases(4, 40_000), shift(T0, 200));
    expect(v.tierHistory.map((c) => c.to)).toEqual(['loyal']);
    expect(v.tierSince).toBe(new Date(shift(T0, 3)).toISOString());
  });

  it('Given no qualifying activity, When read, Then no history and no tierSince', () => {
    const v = view(purchases(2, 100), shift(T0, 10));
    expect(v.tierHistory).toEqual([]);
    expect(v.tierSince).toBeNull();
  });
});

describe('loyaltyView — points ledger', () => {
  it('Given a purchase, a refund, a redemption and an adjustment, When read, Then hand-checked lines in event-time order', () => {
    const events = [
      // Arrives first, happened last: the ledger must still follow event time.
      redeemed({
        at: shift(T0, 3),
        redemptionId: 'RD-1',
        points: 200,
        reward: 'CNY 2 voucher',
        eventId: uuid(4),
      }),
      purchase({ at: T0, orderId: 'O-90311', total: 27_100, eventId: uuid(1) }),
      refund({
        at: shift(T0, 1),
        orderId: 'O-90311',
        refundId: 'R-1',
        amount: 2_550,
        eventId: uuid(2),
      }),
      adjusted({
        at: shift(T0, 2),
        adjustmentId: 'ADJ-1',
        points: -20,
        reason: 'Correction',
        eventId: uuid(3),
      }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.points.ledger).toEqual([
      {
        eventId: uuid(1),
        occurredAt: T0,
        kind: 'earned',
        points: 271,
        balanceAfter: 271,
        reason: 'Purchase O-90311: 271.00 CNY',
        reference: 'O-90311',
      },
      // 271.00 → 245.50 net: floor(271) - floor(245.5) = 26 points back.
      {
        eventId: uuid(2),
        occurredAt: shift(T0, 1),
        kind: 'reversed',
        points: -26,
        balanceAfter: 245,
        reason: 'Refund R-1 of order O-90311: 25.50 CNY',
        reference: 'O-90311',
      },
      {
        eventId: uuid(3),
        occurredAt: shift(T0, 2),
        kind: 'adjusted',
        points: -20,
        balanceAfter: 225,
        reason: 'Correction',
        reference: 'ADJ-1',
      },
      {
        eventId: uuid(4),
        occurredAt: shift(T0, 3),
        kind: 'redeemed',
        points: -200,
        balanceAfter: 25,
        reason: 'Redeemed for CNY 2 voucher',
        reference: 'RD-1',
      },
    ]);
    expect(v.points).toMatchObject({
      earned: 271,
      reversed: 26,
      redeemed: 200,
      adjusted: -20,
      balance: 25,
    });
    expect(v.anomalies).toEqual([]);
  });

  it('Given two partial refunds of ¥0.75 on a ¥1.50 order, When read, Then exactly the one earned point is taken back', () => {
    const events = [
      purchase({ at: T0, orderId: 'O-1', total: 150 }),
      refund({ at: shift(T0, 1), orderId: 'O-1', refundId: 'R-1', amount: 75 }),
      refund({ at: shift(T0, 2), orderId: 'O-1', refundId: 'R-2', amount: 75 }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.points.ledger.map((l) => [l.kind, l.points])).toEqual([
      ['earned', 1],
      ['reversed', -1],
    ]);
    expect(v.points.balance).toBe(0);
    expect(v.window.purchases).toBe(0);
  });

  it('Given a redemption above the balance, When read, Then it is applied in full and reported, not clamped', () => {
    const events = [
      purchase({ at: T0, orderId: 'O-1', total: 10_000 }),
      redeemed({ at: shift(T0, 1), redemptionId: 'RD-1', points: 150, eventId: uuid(9) }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.points.balance).toBe(-50);
    expect(v.points.redeemed).toBe(150);
    expect(v.points.ledger[1]?.reason).toBe('Redemption RD-1');
    expect(v.anomalies).toEqual([
      {
        kind: 'redemption_exceeds_balance',
        eventId: uuid(9),
        occurredAt: shift(T0, 1),
        points: 150,
        balanceBefore: 100,
      },
    ]);
  });

  it('Given a redemption that happened before the points were earned, When read, Then the overdraft is found by event time', () => {
    const events = [
      purchase({ at: shift(T0, 2), orderId: 'O-1', total: 10_000 }),
      redeemed({ at: shift(T0, 1), redemptionId: 'RD-1', points: 50, eventId: uuid(9) }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.points.balance).toBe(50);
    expect(v.anomalies).toMatchObject([
      { kind: 'redemption_exceeds_balance', eventId: uuid(9), balanceBefore: 0 },
    ]);
  });

  it('Given a debit adjustment below zero, When read, Then it is reported as a debit overdraft', () => {
    const v = view(
      [adjusted({ at: T0, adjustmentId: 'A-1', points: -5, reason: 'Expiry', eventId: uuid(3) })],
      shift(T0, 1),
    );
    expect(v.points.balance).toBe(-5);
    expect(v.anomalies).toMatchObject([
      { kind: 'debit_exceeds_balance', eventId: uuid(3), points: 5, balanceBefore: 0 },
    ]);
  });

  it('Given refunds that do not fit their order, When read, Then each is reported and only the fitting part counts', () => {
    const events = [
      purchase({ at: T0, orderId: 'O-1', total: 10_000 }),
      refund({
        at: shift(T0, 1),
        orderId: 'O-1',
        refundId: 'R-1',
        amount: 12_000,
        eventId: uuid(1),
      }),
      refund({
        at: shift(T0, 1),
        orderId: 'O-1',
        refundId: 'R-2',
        amount: 100,
        currency: 'USD',
        eventId: uuid(2),
      }),
      refund({
        at: shift(T0, 1),
        orderId: 'O-404',
        refundId: 'R-3',
        amount: 100,
        eventId: uuid(3),
      }),
    ];
    const v = view(events, shift(T0, 10));
    expect(v.anomalies).toEqual([
      {
        kind: 'refund_exceeds_purchase',
        eventId: uuid(1),
        orderId: 'O-1',
        refundId: 'R-1',
        excess: 2_000,
      },
      { kind: 'refund_currency_mismatch', eventId: uuid(2), orderId: 'O-1', refundId: 'R-2' },
      { kind: 'refund_without_purchase', eventId: uuid(3), orderId: 'O-404', refundId: 'R-3' },
    ]);
    expect(v.points.balance).toBe(0);
    expect(v.window.purchases).toBe(0);
  });

  it('Given a compensation and a manual adjustment for the same complaint, When read, Then both count and the duplication is flagged', () => {
    const events = [
      complaintResolved({ at: T0, complaintId: 'K-1', points: 500, eventId: uuid(1) }),
      adjusted({
        at: T0,
        adjustmentId: 'A-1',
        points: 500,
        reason: 'Goodwill K-1',
        complaintId: 'K-1',
        eventId: uuid(2),
      }),
    ];
    const v = view(events, shift(T0, 1));
    expect(v.points.adjusted).toBe(1_000);
    expect(v.anomalies).toEqual([
      { kind: 'possible_double_compensation', complaintId: 'K-1', eventIds: [uuid(1), uuid(2)] },
    ]);
  });
});

describe('loyaltyView — status and outreach', () => {
  it('Given occasional, loyal and very_loyal customers, When read, Then outreach follows the tier', () => {
    const reg = registered({ at: shift(T0, -800) });
    expect(view(purchases(1, 100), shift(T0, 10)).outreach).toEqual({
      greetings: false,
      recommendations: false,
    });
    expect(view(purchases(4, 40_000), shift(T0, 10)).outreach).toEqual({
      greetings: false,
      recommendations: true,
    });
    expect(view([reg, ...purchases(8, 70_000)], shift(T0, 10)).outreach).toEqual({
      greetings: true,
      recommendations: true,
    });
  });

  it('Given a very loyal customer merged into another, When read after the merge, Then no outreach and the survivor is named', () => {
    const events = [
      registered({ at: shift(T0, -800), customerId: 'c-9' }),
      ...purchases(8, 70_000).map((e) => ({ ...e, customerId: 'c-9' })),
      merged({ at: shift(T0, 20), customerId: 'c-1', mergedCustomerId: 'c-9' }),
    ];
    const state = foldFor('c-9', events);
    const before = loyaltyView(state, new Date(shift(T0, 10)), DEFAULT_LOYALTY_POLICY);
    expect(before).toMatchObject({ status: 'active', mergedInto: null, tier: 'very_loyal' });
    const after = loyaltyView(state, new Date(shift(T0, 30)), DEFAULT_LOYALTY_POLICY);
    expect(after).toMatchObject({ status: 'merged', mergedInto: 'c-1', tier: 'very_loyal' });
    expect(after.outreach).toEqual({ greetings: false, recommendations: false });
  });

  it('Given an erased customer, When read at any instant, Then an empty base-tier view without outreach', () => {
    const events = [...purchases(4, 40_000), erased({ at: shift(T0, 20) })];
    for (const asOf of [shift(T0, 10), shift(T0, 30)]) {
      const v = view(events, asOf);
      expect(v).toMatchObject({
        status: 'erased',
        tier: 'occasional',
        tierHistory: [],
        anomalies: [],
      });
      expect(v.points).toEqual({
        balance: 0,
        earned: 0,
        reversed: 0,
        redeemed: 0,
        adjusted: 0,
        ledger: [],
        opening: { balance: 0, earned: 0, reversed: 0, redeemed: 0, adjusted: 0 },
      });
      expect(v.outreach).toEqual({ greetings: false, recommendations: false });
    }
  });

  it('Given an invalid asOf, When read, Then it fails loudly', () => {
    expect(() => view([], 'not a date')).toThrow(/asOf/);
  });
});
