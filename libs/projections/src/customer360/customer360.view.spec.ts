import { DEFAULT_CUSTOMER360_POLICY, type Customer360Policy } from './customer360.policy';
import { customer360View } from './customer360.view';
import { day, dayDate, fold, purchase } from './customer360.fixtures';

const C = 'customer:c-1';

describe('customer360 RFM (BTYD, in days)', () => {
  it('Given purchases on days 0, 0, 10 and 30, When read at day 40, Then frequency 2, recency 30, T 40, monetary the mean of day 10 and day 30', () => {
    const state = fold(
      [
        purchase(1, 'c-1', day(0, 9), { orderId: 'O-1', total: 1000 }),
        purchase(2, 'c-1', day(0, 17), { orderId: 'O-2', total: 500 }),
        purchase(3, 'c-1', day(10), { orderId: 'O-3', total: 2000 }),
        purchase(4, 'c-1', day(30, 8), { orderId: 'O-4', total: 3000 }),
        purchase(5, 'c-1', day(30, 20), { orderId: 'O-5', total: 1000 }),
      ],
      C,
    );
    const v = customer360View(state, dayDate(40), DEFAULT_CUSTOMER360_POLICY);
    // Day 10 spent 2000, day 30 spent 3000 + 1000 = 4000; mean (2000 + 4000) / 2 = 3000.
    expect(v.rfm).toEqual({
      frequency: 2,
      recency: 30,
      T: 40,
      monetary: 3000,
      currency: 'CNY',
      purchaseDays: 3,
    });
    expect(v.purchases.orders).toBe(5);
    expect(v.purchases.spend).toBe(7500);
    expect(v.purchases.averageOrderValue).toBe(1500);
  });

  it('Given a single purchase day, When read, Then frequency 0, recency 0 and monetary 0', () => {
    const state = fold(
      [
        purchase(1, 'c-1', day(5, 1), { orderId: 'O-1', total: 1000 }),
        purchase(2, 'c-1', day(5, 23), { orderId: 'O-2', total: 1000 }),
      ],
      C,
    );
    const v = customer360View(state, dayDate(12), DEFAULT_CUSTOMER360_POLICY);
    expect(v.rfm).toEqual({
      frequency: 0,
      recency: 0,
      T: 7,
      monetary: 0,
      currency: 'CNY',
      purchaseDays: 1,
    });
  });

  it('Given two purchases on the same UTC day but different Shanghai days, When the policy zone is Asia/Shanghai, Then they are two purchase periods', () => {
    // 15:00Z and 17:00Z on one UTC day are 23:00 and 01:00 the next day in Shanghai.
    const state = fold(
      [
        purchase(1, 'c-1', day(5, 15), { orderId: 'O-1', total: 100 }),
        purchase(2, 'c-1', day(5, 17), { orderId: 'O-2', total: 300 }),
      ],
      C,
    );
    const shanghai: Customer360Policy = {
      ...DEFAULT_CUSTOMER360_POLICY,
      timeZone: 'Asia/Shanghai',
    };
    expect(customer360View(state, dayDate(10), DEFAULT_CUSTOMER360_POLICY).rfm?.frequency).toBe(0);
    const v = customer360View(state, dayDate(10), shanghai);
    expect(v.rfm).toEqual({
      frequency: 1,
      recency: 1,
      T: 5,
      monetary: 300,
      currency: 'CNY',
      purchaseDays: 2,
    });
  });

  it('Given purchases after asOf, When read, Then they are ignored', () => {
    const state = fold(
      [
        purchase(1, 'c-1', day(0), { orderId: 'O-1', total: 100 }),
        purchase(2, 'c-1', day(20), { orderId: 'O-2', total: 300 }),
      ],
      C,
    );
    const v = customer360View(state, dayDate(10), DEFAULT_CUSTOMER360_POLICY);
    expect(v.rfm).toEqual({
      frequency: 0,
      recency: 0,
      T: 10,
      monetary: 0,
      currency: 'CNY',
      purchaseDays: 1,
    });
    expect(v.purchases.lastPurchaseAt).toBe(day(0));
  });

  it('Given orders in two currencies, When read, Then scalar spend is in the main currency and the rest is listed by currency', () => {
    const state = fold(
      [
        purchase(1, 'c-1', day(0), { orderId: 'O-1', total: 100 }),
        purchase(2, 'c-1', day(1), { orderId: 'O-2', total: 300 }),
        purchase(3, 'c-1', day(2), { orderId: 'O-3', total: 50, currency: 'EUR' }),
      ],
      C,
    );
    const v = customer360View(state, dayDate(10), DEFAULT_CUSTOMER360_POLICY);
    expect(v.purchases.currency).toBe('CNY');
    expect(v.purchases.spend).toBe(400);
    expect(v.purchases.spendByCurrency).toEqual({ CNY: 400, EUR: 50 });
    // Repeat days 1 (300 CNY) and 2 (no CNY): mean 150.
    expect(v.rfm?.monetary).toBe(150);
  });
});

describe('customer360 spend by month', () => {
  it('Given orders across months, one in another currency and one just after a month end in UTC, When the policy zone is Asia/Shanghai, Then each month sums its main-currency orders in local time', () => {
    // 2024-01-31T17:00Z is already 1 February in Shanghai (UTC+8).
    const state = fold(
      [
        purchase(1, 'c-1', '2024-01-10T12:00:00Z', { orderId: 'O-1', total: 100 }),
        purchase(2, 'c-1', '2024-01-20T12:00:00Z', { orderId: 'O-2', total: 200 }),
        purchase(3, 'c-1', '2024-01-31T17:00:00Z', { orderId: 'O-3', total: 400 }),
        purchase(4, 'c-1', '2024-03-05T12:00:00Z', { orderId: 'O-4', total: 800 }),
        purchase(5, 'c-1', '2024-03-06T12:00:00Z', { orderId: 'O-5', total: 50, currency: 'EUR' }),
      ],
      C,
    );
    const policy: Customer360Policy = { ...DEFAULT_CUSTOMER360_POLICY, timeZone: 'Asia/Shanghai' };
    const v = customer360View(state, new Date('2024-04-01T00:00:00Z'), policy);
    expect(v.purchases.spendByMonth).toEqual([
      { month: '2024-01', orders: 2, spend: 300 },
      { month: '2024-02', orders: 1, spend: 400 },
      { month: '2024-03', orders: 1, spend: 800 },
    ]);
  });

  it('Given no purchases, When read, Then the series is empty', () => {
    const v = customer360View(fold([], C), dayDate(1), DEFAULT_CUSTOMER360_POLICY);
    expect(v.purchases.spendByMonth).toEqual([]);
  });
});

describe('customer360 lifecycle stage', () => {
  const at = (days: readonly number[]) =>
    fold(
      days.map((d, i) => purchase(i + 1, 'c-1', day(d), { orderId: `O-${i}`, total: 100 })),
      C,
    );
  const stage = (days: readonly number[], asOfDay: number) =>
    customer360View(at(days), dayDate(asOfDay), DEFAULT_CUSTOMER360_POLICY).lifecycle;

  it('Given no purchase, When read, Then prospect', () => {
    expect(stage([], 10)).toEqual({
      stage: 'prospect',
      daysSinceLastPurchase: null,
      reason: 'no purchase yet',
    });
  });

  it('Given one recent purchase day, When read, Then new', () => {
    expect(stage([0], 10).stage).toBe('new');
  });

  it('Given repeat purchases, the last 179 days ago, When read, Then active', () => {
    expect(stage([0, 1], 180)).toEqual(
      expect.objectContaining({ stage: 'active', daysSinceLastPurchase: 179 }),
    );
  });

  it('Given the last purchase exactly 180 days ago, When read, Then at_risk', () => {
    expect(stage([0, 1], 181).stage).toBe('at_risk');
  });

  it('Given the last purchase 365 days ago, When read, Then lapsed', () => {
    expect(stage([0, 1], 366)).toEqual(
      expect.objectContaining({ stage: 'lapsed', daysSinceLastPurchase: 365 }),
    );
  });

  it('Given a stricter policy, When read, Then its thresholds apply', () => {
    const policy: Customer360Policy = {
      ...DEFAULT_CUSTOMER360_POLICY,
      lifecycle: { atRiskAfterDays: 30, lapsedAfterDays: 60, activeMinFrequency: 3 },
    };
    const v = (days: number[], asOfDay: number) =>
      customer360View(at(days), dayDate(asOfDay), policy).lifecycle.stage;
    expect(v([0, 1], 10)).toBe('new');
    expect(v([0, 1, 2, 3], 10)).toBe('active');
    expect(v([0, 1, 2, 3], 40)).toBe('at_risk');
    expect(v([0, 1, 2, 3], 70)).toBe('lapsed');
  });
});
