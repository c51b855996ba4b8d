import fc from 'fast-check';
import { ago, duration, label, lastMonths, money, sparklinePoints } from './format';

describe('console display helpers', () => {
  it('Given minor units, When formatted as money, Then the currency decides the decimals', () => {
    expect(money(840000, 'CNY')).toBe('CN¥8,400.00');
    expect(money(1500, 'JPY')).toBe('¥1,500');
    expect(money(42, null)).toBe('42');
  });

  it('Given durations, When shown, Then days and hours read naturally', () => {
    expect(duration(0.2)).toBe('12 min');
    expect(duration(5.5)).toBe('5 h');
    expect(duration(47.9)).toBe('1 d 23 h');
    expect(duration(48)).toBe('2 d');
    expect(duration(0)).toBe('just now');
    expect(duration(-1)).toBe('—');
  });

  it('Given an instant a few seconds either side of now, When shown as age, Then it is "just now", never "in just now"', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(ago('2026-05-01T12:00:05Z', now)).toBe('just now');
    expect(ago('2026-05-01T11:59:55Z', now)).toBe('just now');
    expect(ago('2026-04-29T12:00:00Z', now)).toBe('2 d ago');
    expect(ago('2026-05-01T15:00:00Z', now)).toBe('in 3 h');
  });

  it('Given codes, When labelled, Then they read as words', () => {
    expect(label('very_loyal')).toBe('Very loyal');
    expect(label('baby/feeding')).toBe('Baby feeding');
  });

  it('Given a sparse monthly series, When the last 12 months are taken, Then missing months are zero and the year boundary is crossed', () => {
    const months = lastMonths(
      [
        { month: '2025-11', spend: 100, orders: 1 },
        { month: '2026-02', spend: 300, orders: 2 },
        { month: '2024-01', spend: 999, orders: 9 },
      ],
      '2026-03',
      5,
    );
    expect(months).toEqual([
      { month: '2025-11', spend: 100, orders: 1 },
      { month: '2025-12', spend: 0, orders: 0 },
      { month: '2026-01', spend: 0, orders: 0 },
      { month: '2026-02', spend: 300, orders: 2 },
      { month: '2026-03', spend: 0, orders: 0 },
    ]);
  });

  it('Given any non-negative values, When plotted, Then every point lies inside the box, x ascends and the largest value is highest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 24 }),
        (values) => {
          const pts = sparklinePoints(values, 240, 48, 4);
          expect(pts).toHaveLength(values.length);
          for (const p of pts) {
            expect(p.x).toBeGreaterThanOrEqual(4);
            expect(p.x).toBeLessThanOrEqual(236 + 1e-9);
            expect(p.y).toBeGreaterThanOrEqual(4);
            expect(p.y).toBeLessThanOrEqual(44);
          }
          for (let i = 1; i < pts.length; i++) expect(pts[i]!.x).toBeGreaterThan(pts[i - 1]!.x);
          const top = Math.min(...pts.map((p) => p.y));
          expect(pts[values.indexOf(Math.max(...values))]!.y).toBe(top);
        },
      ),
    );
  });
});
