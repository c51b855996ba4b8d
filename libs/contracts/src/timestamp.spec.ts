import { isCalendarDate, parseOffsetTimestamp } from '@touchpoint/contracts';

describe('parseOffsetTimestamp', () => {
  it.each([
    ['2025-05-01T10:15:00+08:00', Date.UTC(2025, 4, 1, 2, 15, 0)],
    ['2025-05-01T02:15:00Z', Date.UTC(2025, 4, 1, 2, 15, 0)],
    ['2025-05-01T02:15:00.123456789Z', Date.UTC(2025, 4, 1, 2, 15, 0, 123)],
    ['2024-02-29T23:59:59-05:30', Date.UTC(2024, 2, 1, 5, 29, 59)],
    ['0050-01-01T00:00:00Z', -60589296000000],
  ])('Given %s, When parsed, Then it is the instant %p', (text, millis) => {
    expect(parseOffsetTimestamp(text)).toBe(millis);
  });

  it.each([
    '2025-05-01T10:15:00',
    '2025-05-01T10:15+08:00',
    '2025-05-01',
    '2023-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-05-01T10:60:00Z',
    '2025-05-01T10:15:00+15:00',
    '2025-05-01t10:15:00z',
    ' 2025-05-01T10:15:00Z',
    '',
  ])('Given %p, When parsed, Then it is rejected', (text) => {
    expect(parseOffsetTimestamp(text)).toBeUndefined();
  });

  it('Given a non-string, When parsed, Then it is rejected', () => {
    expect(parseOffsetTimestamp(1714530900000)).toBeUndefined();
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['1990-05-14', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['1990-5-14', false],
    ['1990-05-14T00:00:00Z', false],
  ])('Given %p, When checked, Then %p', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});
