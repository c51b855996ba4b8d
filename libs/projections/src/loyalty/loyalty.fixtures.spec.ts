import { type RecordedEvent, validateRecordedEvent } from '@touchpoint/contracts';
import {
  adjusted,
  callLogged,
  complaintOpened,
  complaintResolved,
  erased,
  feedback,
  identified,
  merged,
  purchase,
  redeemed,
  refund,
  registered,
  shift,
} from './loyalty.fixtures';

const AT = '2025-04-01T10:00:00+08:00';

describe('loyalty fixtures', () => {
  const built: [string, RecordedEvent][] = [
    ['registered', registered({ at: AT })],
    ['purchase', purchase({ at: AT, orderId: 'O-1', total: 27100 })],
    ['purchase JPY', purchase({ at: AT, orderId: 'O-2', total: 8400, currency: 'JPY' })],
    ['refund', refund({ at: AT, orderId: 'O-1', refundId: 'R-1', amount: 100 })],
    ['redeemed', redeemed({ at: AT, redemptionId: 'RD-1', points: 20, reward: 'voucher' })],
    ['redeemed bare', redeemed({ at: AT, redemptionId: 'RD-2', points: 20 })],
    ['adjusted', adjusted({ at: AT, adjustmentId: 'A-1', points: -5, reason: 'expiry' })],
    [
      'adjusted with complaint',
      adjusted({ at: AT, adjustmentId: 'A-2', points: 5, reason: 'x', complaintId: 'K-1' }),
    ],
    ['complaint resolved', complaintResolved({ at: AT, complaintId: 'K-1', points: 500 })],
    ['complaint resolved no points', complaintResolved({ at: AT, complaintId: 'K-2' })],
    ['complaint opened', complaintOpened({ at: AT, complaintId: 'K-1' })],
    ['merged', merged({ at: AT, mergedCustomerId: 'c-2' })],
    ['visitor purchase', purchase({ at: AT, anonymousId: 'v-1', orderId: 'O-3', total: 10 })],
    ['identified', identified({ at: AT, customerId: 'c-1', anonymousId: 'v-1' })],
    ['erased', erased({ at: AT })],
    ['call', callLogged({ at: AT })],
    ['feedback', feedback({ at: AT, csat: 5 })],
  ];

  it.each(built)(
    'Given the %s builder, When validated as a recorded event, Then it is valid',
    (_n, event) => {
      const result = validateRecordedEvent(JSON.parse(JSON.stringify(event)));
      expect(result.ok ? [] : result.violations).toEqual([]);
      expect(result.ok && result.event).toEqual(event);
    },
  );

  it('Given a time with an offset, When shifted, Then the offset is kept and the instant moves', () => {
    expect(shift('2025-04-01T10:00:00+08:00', 1, 2)).toBe('2025-04-02T12:00:00+08:00');
    expect(shift('2025-04-01T10:00:00-05:30', -1)).toBe('2025-03-31T10:00:00-05:30');
    expect(shift('2025-04-01T10:00:00Z', 365)).toBe('2026-04-01T10:00:00Z');
  });
});
