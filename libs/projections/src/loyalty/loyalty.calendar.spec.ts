import { dayStart, isoDay, localDay } from './loyalty.calendar';

describe('loyalty calendar days', () => {
  it('Given UTC, When an instant is placed, Then its day is the UTC date and the day starts at midnight', () => {
    const ms = Date.parse('2025-03-09T23:59:59.999Z');
    expect(isoDay(localDay(ms, 'UTC'))).toBe('2025-03-09');
    expect(new Date(dayStart(localDay(ms, 'UTC'), 'UTC')).toISOString()).toBe(
      '2025-03-09T00:00:00.000Z',
    );
  });

  it('Given Asia/Shanghai, When an instant late in the UTC day is placed, Then it is already the next local day', () => {
    const ms = Date.parse('2025-03-09T17:00:00Z'); // 01:00 on 10 March in Shanghai
    expect(isoDay(localDay(ms, 'Asia/Shanghai'))).toBe('2025-03-10');
    expect(new Date(dayStart(localDay(ms, 'Asia/Shanghai'), 'Asia/Shanghai')).toISOString()).toBe(
      '2025-03-09T16:00:00.000Z',
    );
  });

  it.each([
    // The 23-hour and 25-hour days of New York: each starts at its own local midnight.
    ['2025-03-09', '2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z'],
    ['2025-11-02', '2025-11-02T04:00:00.000Z', '2025-11-03T05:00:00.000Z'],
  ])(
    'Given New York on %s (a daylight-saving change), When the day is bounded, Then it starts and ends at local midnights',
    (date, start, next) => {
      const day = Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
      expect(new Date(dayStart(day, 'America/New_York')).toISOString()).toBe(start);
      expect(new Date(dayStart(day + 1, 'America/New_York')).toISOString()).toBe(next);
      expect(localDay(Date.parse(next) - 1, 'America/New_York')).toBe(day);
      expect(localDay(Date.parse(next), 'America/New_York')).toBe(day + 1);
    },
  );
});
