import {
  DEFAULT_LOYALTY_POLICY,
  type LoyaltyView,
  initialLoyaltyState,
  loyaltyView,
} from '@touchpoint/projections';
import { decodePosition, encodePosition, isAfter } from './change-notice';
import { tierChange } from './supervisor-events';

describe('stream positions (SSE ids)', () => {
  it('Given a position, When encoded and decoded, Then it round-trips; foreign ids are refused', () => {
    const p = new Map([
      [2, 17n],
      [0, 5n],
      [11, 0n],
    ]);
    const id = encodePosition(p);
    expect(id).toBe('0:5.2:17.11:0');
    expect(decodePosition(id)).toEqual(p);
    for (const bad of ['', 'abc', '0:5.', '0:-1', '1.2', 'x:1'])
      expect(decodePosition(bad)).toBeUndefined();
  });

  it('Given a position, When a notice is checked, Then only offsets at or after the next one are new', () => {
    const p = new Map([[0, 5n]]);
    expect([isAfter(p, 0, '4'), isAfter(p, 0, '5'), isAfter(p, 1, '0')]).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('tier changes for supervisors', () => {
  const base = loyaltyView(
    initialLoyaltyState('customer:c-1'),
    new Date('2026-05-01T00:00:00Z'),
    DEFAULT_LOYALTY_POLICY,
  );
  const up = {
    at: '2026-04-30T02:00:00.000Z',
    from: 'occasional',
    to: 'loyal',
    direction: 'up',
    causes: [],
    figures: { purchases: 4, spend: 160000 },
    reason: 'four purchases',
  } as unknown as LoyaltyView['tierHistory'][number];
  const view = (tier: string, history: LoyaltyView['tierHistory']): LoyaltyView => ({
    ...base,
    tier,
    tierHistory: history,
  });

  it('Given the tier last seen, When the update leaves it, Then no event; when it moves, Then from → to', () => {
    expect(tierChange(view('loyal', [up]), 'loyal', up.at)).toBeUndefined();
    expect(tierChange(view('loyal', [up]), 'occasional', '2026-04-30T10:00:00+08:00')).toEqual({
      kind: 'tier',
      customerId: 'c-1',
      from: 'occasional',
      to: 'loyal',
      at: up.at,
    });
  });

  it('Given no tier seen yet, When the newest history entry was caused by this very event, Then it is announced; an old one is not', () => {
    expect(tierChange(view('loyal', [up]), undefined, '2026-04-30T10:00:00+08:00')).toMatchObject({
      from: 'occasional',
      to: 'loyal',
    });
    expect(tierChange(view('loyal', [up]), undefined, '2026-04-30T11:00:00+08:00')).toBeUndefined();
    expect(tierChange(view('occasional', []), undefined, up.at)).toBeUndefined();
  });
});
