import { type ChangeNotice, encodeChangeNotice, parseChangeNotice } from './change-notice';

describe('change notices', () => {
  const notice: ChangeNotice = {
    model: 'customer360',
    version: 'v1',
    key: 'customer:c-1',
    revision: 3,
    partition: 1,
    offset: '42',
    occurredAt: '2026-01-01T00:00:00Z',
    receivedAt: '2026-01-01T00:00:01Z',
    committedAt: '2026-01-01T00:00:02Z',
  };

  it('Given a notice, When encoded and parsed, Then it round-trips', () => {
    expect(parseChangeNotice(encodeChangeNotice(notice))).toEqual(notice);
  });

  it('Given notice bytes, When parsed, Then well-formed notices pass and anything else is ignored', () => {
    expect(parseChangeNotice(Buffer.from(JSON.stringify(notice)))).toEqual(notice);
    expect(parseChangeNotice(Buffer.from('{'))).toBeUndefined();
    expect(
      parseChangeNotice(Buffer.from(JSON.stringify({ ...notice, offset: 42 }))),
    ).toBeUndefined();
  });
});
