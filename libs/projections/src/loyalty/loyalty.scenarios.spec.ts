import {
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  recordEvent,
} from '@touchpoint/contracts';
import { foldFor, purchase, registered } from './loyalty.fixtures';
import { DEFAULT_LOYALTY_POLICY, type LoyaltyPolicy, parseLoyaltyPolicy } from './loyalty.policy';
import { loyaltyView } from './loyalty.view';

/** The catalogue's own example events, recorded, so the scenarios use the documented shapes. */
const example = (type: EventType): RecordedEvent =>
  recordEvent(EXAMPLE_EVENTS[type], {
    receivedAt: new Date('2025-06-30T00:00:00Z'),
    source: 'demo',
  });

const yuan = (n: number): number => n * 100;

// ---- SCENARIOS 1: Mei ---------------------------------------------------------------------------

const MEI_TODAY = new Date('2025-06-12T12:00:00+08:00');
const meiPurchase = (
  at: string,
  orderId: string,
  amountYuan: number,
  channel: RecordedEvent['channel'],
) => ({
  ...purchase({ at, orderId, total: yuan(amountYuan), customerId: 'c-1001' }),
  channel,
});
const MEI_EVENTS: RecordedEvent[] = [
  example('customer.registered'), // 2022-06-12, three years before "today"
  meiPurchase('2024-05-08T19:00:00+08:00', 'M-2024-GIFT', 300, 'web'), // last May's gift, now out of the window
  meiPurchase('2024-07-02T12:00:00+08:00', 'M-01', 1_200, 'web'),
  meiPurchase('2024-08-15T12:00:00+08:00', 'M-02', 800, 'mobile_app'),
  meiPurchase('2024-09-30T12:00:00+08:00', 'M-03', 950, 'store'),
  meiPurchase('2024-11-11T12:00:00+08:00', 'M-04', 600, 'web'),
  meiPurchase('2024-12-24T12:00:00+08:00', 'M-05', 1_500, 'store'),
  meiPurchase('2025-02-14T12:00:00+08:00', 'M-06', 700, 'mobile_app'),
  meiPurchase('2025-03-20T12:00:00+08:00', 'M-07', 1_000, 'web'),
  example('loyalty.points_redeemed'), // 2025-05-01, 2,000 points
  meiPurchase('2025-05-09T12:00:00+08:00', 'M-08', 850, 'store'), // this May's gift
  meiPurchase('2025-06-01T12:00:00+08:00', 'M-09', 800, 'mobile_app'),
];

describe('Scenario 1 — Mei, a very loyal customer', () => {
  const v = loyaltyView(foldFor('c-1001', MEI_EVENTS), MEI_TODAY, DEFAULT_LOYALTY_POLICY);

  it('Given 9 purchases for ¥8,400 in 365 days and 3 years of tenure, When read today, Then very_loyal', () => {
    expect(v.window).toMatchObject({ purchases: 9, spend: yuan(8_400), currency: 'CNY' });
    expect(v.tenureDays).toBe(1096);
    expect(v.tier).toBe('very_loyal');
  });

  it('Then she is eligible for greetings and for recommendations', () => {
    expect(v.outreach).toEqual({ greetings: true, recommendations: true });
  });

  it('Then her balance is what she earned minus what she redeemed', () => {
    // ¥8,400 in the window + ¥300 last May, at 1 point per yuan; 2,000 redeemed on 1 May.
    expect(v.points).toMatchObject({ earned: 8_700, redeemed: 2_000, reversed: 0, adjusted: 0 });
    expect(v.points.balance).toBe(8_700 - 2_000);
    expect(v.points.ledger.find((l) => l.kind === 'redeemed')).toMatchObject({
      points: -2_000,
      reason: 'Redeemed for CNY 20 voucher',
      reference: 'RD-1001-0017',
    });
    expect(v.anomalies).toEqual([]);
  });

  it("Then her history shows when and why her tier moved, including last May's gift leaving the window", () => {
    expect(v.tierHistory.map((c) => [c.at, c.to, c.causes])).toEqual([
      // M-03: 4 purchases for ¥3,250, counting last May's gift.
      [
        '2024-09-30T04:00:00.000Z',
        'loyal',
        [expect.objectContaining({ kind: 'purchase', orderId: 'M-03' })],
      ],
      // M-07: 8 purchases for ¥7,050.
      [
        '2025-03-20T04:00:00.000Z',
        'very_loyal',
        [expect.objectContaining({ kind: 'purchase', orderId: 'M-07' })],
      ],
      // Last May's gift (8 May, UTC day) leaves the 365-day window at the start of 8 May 2025:
      // 7 purchases, below very_loyal until M-08 the next day.
      [
        '2025-05-08T00:00:00.000Z',
        'loyal',
        [expect.objectContaining({ kind: 'window_passed', orderId: 'M-2024-GIFT' })],
      ],
      [
        '2025-05-09T04:00:00.000Z',
        'very_loyal',
        [expect.objectContaining({ kind: 'purchase', orderId: 'M-08' })],
      ],
    ]);
  });
});

// ---- SCENARIOS 3: Wang --------------------------------------------------------------------------

const WANG_EVENTS: RecordedEvent[] = [
  ...['2024-11-02', '2024-12-12', '2025-01-20', '2025-02-28'].map((day, i) =>
    purchase({
      at: `${day}T10:00:00+08:00`,
      orderId: `W-${i + 1}`,
      total: yuan(300),
      customerId: 'c-1088',
    }),
  ),
  purchase({
    at: '2025-03-05T10:00:00+08:00',
    orderId: 'O-88120',
    total: yuan(300),
    customerId: 'c-1088',
  }),
  example('call.logged'),
  example('complaint.opened'),
  example('email.received'),
  example('complaint.resolved'), // 500 goodwill points
  example('purchase.refunded'), // delivery fee ¥25 of O-88120
  example('feedback.submitted'), // CSAT 5
];

describe('Scenario 3 — a complaint and its service recovery', () => {
  const state = foldFor('c-1088', WANG_EVENTS);
  const v = loyaltyView(state, new Date('2025-04-12T00:00:00+08:00'), DEFAULT_LOYALTY_POLICY);

  it('Given Wang is loyal, When the complaint is resolved with 500 points, Then the ledger shows that adjustment with its reason', () => {
    expect(v.tier).toBe('loyal');
    expect(v.points.ledger.filter((l) => l.kind === 'adjusted')).toEqual([
      {
        eventId: EXAMPLE_EVENTS['complaint.resolved'].eventId,
        occurredAt: '2025-04-09T15:45:00+08:00',
        kind: 'adjusted',
        points: 500,
        balanceAfter: 2_000,
        reason: 'Compensation for complaint K-5512',
        reference: 'K-5512',
      },
    ]);
  });

  it('Then the refund takes back the points of the refunded fee and the balance adds up', () => {
    // 5 × 300 earned; O-88120 ¥300 → ¥275 net: 25 points back; +500 goodwill.
    expect(v.points).toMatchObject({
      earned: 1_500,
      reversed: 25,
      redeemed: 0,
      adjusted: 500,
      balance: 1_975,
    });
    expect(v.window).toMatchObject({ purchases: 5, spend: yuan(1_475) });
  });

  it('Then the call, complaint opening, e-mail and CSAT leave the loyalty state untouched', () => {
    const silent = new Set([
      'call.logged',
      'complaint.opened',
      'email.sent',
      'email.received',
      'feedback.submitted',
    ]);
    expect(
      foldFor(
        'c-1088',
        WANG_EVENTS.filter((e) => !silent.has(e.type)),
      ),
    ).toEqual(state);
  });

  it('Given the resolution is re-sent with another eventId, When folded, Then the 500 points count once', () => {
    const resent = {
      ...example('complaint.resolved'),
      eventId: '0190c2a4-1f00-7000-8000-0000000000ff',
    };
    const again = loyaltyView(
      foldFor('c-1088', [...WANG_EVENTS, resent]),
      new Date('2025-04-12T00:00:00+08:00'),
      DEFAULT_LOYALTY_POLICY,
    );
    expect(again.points.adjusted).toBe(500);
  });
});

// ---- SCENARIOS 5: Zhao --------------------------------------------------------------------------

const ZHAO_EVENTS: RecordedEvent[] = [
  registered({ at: '2023-09-01T09:00:00+08:00', customerId: 'c-3005' }),
  ...['2024-03-10', '2024-04-05', '2024-04-28', '2024-05-20'].map((day, i) =>
    purchase({
      at: `${day}T18:30:00+08:00`,
      orderId: `Z-${i + 1}`,
      total: yuan(400),
      customerId: 'c-3005',
    }),
  ),
];

describe('Scenario 5 — a customer who drifts away', () => {
  const state = foldFor('c-3005', ZHAO_EVENTS);
  const today = new Date('2025-06-25T12:00:00+08:00'); // 13 months after the last purchase

  it('Given 4 purchases last spring and nothing since, When read today with no new event, Then occasional', () => {
    const v = loyaltyView(state, today, DEFAULT_LOYALTY_POLICY);
    expect(v.tier).toBe('occasional');
    expect(v.window.purchases).toBe(0);
    expect(v.outreach).toEqual({ greetings: false, recommendations: false });
  });

  it('Then the history shows when and why the tier rose and dropped', () => {
    const v = loyaltyView(state, today, DEFAULT_LOYALTY_POLICY);
    expect(v.tierHistory).toMatchObject([
      {
        at: '2024-05-20T10:30:00.000Z',
        from: 'occasional',
        to: 'loyal',
        causes: [{ kind: 'purchase', orderId: 'Z-4' }],
        figures: { purchases: 4, spend: yuan(1_600) },
      },
      {
        // The first purchase's day (10 March, UTC) leaves the 365-day window at the start of
        // 10 March 2025 (2024 is a leap year: 10 March to 10 March).
        at: '2025-03-10T00:00:00.000Z',
        from: 'loyal',
        to: 'occasional',
        direction: 'down',
        causes: [
          { kind: 'window_passed', orderId: 'Z-1', purchasedAt: '2024-03-10T18:30:00+08:00' },
        ],
        figures: { purchases: 3, spend: yuan(1_200) },
      },
    ]);
    expect(v.tierSince).toBe('2025-03-10T00:00:00.000Z');
  });

  it('Given the same state, When read with asOf a year ago, Then loyal', () => {
    const v = loyaltyView(state, new Date('2024-06-25T12:00:00+08:00'), DEFAULT_LOYALTY_POLICY);
    expect(v.tier).toBe('loyal');
    expect(v.tierHistory.map((c) => c.to)).toEqual(['loyal']);
    expect(v.outreach).toEqual({ greetings: false, recommendations: true });
  });
});

// ---- SCENARIOS 7: a stricter policy -------------------------------------------------------------

function strictV2(): LoyaltyPolicy {
  const raw = JSON.parse(JSON.stringify(DEFAULT_LOYALTY_POLICY)) as {
    version: string;
    tiers: { minPurchases: number }[];
  };
  raw.version = 'v2';
  (raw.tiers[2] as { minPurchases: number }).minPurchases = 12;
  const parsed = parseLoyaltyPolicy(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.policy;
}

const HEAVY_EVENTS: RecordedEvent[] = [
  registered({ at: '2020-01-01T09:00:00+08:00', customerId: 'c-4000' }),
  ...Array.from({ length: 13 }, (_, i) =>
    purchase({
      at: `2025-0${1 + (i % 5)}-${String(1 + i).padStart(2, '0')}T12:00:00+08:00`,
      orderId: `H-${i + 1}`,
      total: yuan(500),
      customerId: 'c-4000',
    }),
  ),
];

const POPULATION: [string, RecordedEvent[]][] = [
  ['c-1001', MEI_EVENTS],
  ['c-1088', WANG_EVENTS],
  ['c-3005', ZHAO_EVENTS],
  ['c-4000', HEAVY_EVENTS],
];

function distribution(policy: LoyaltyPolicy, asOf: Date): Record<string, string> {
  return Object.fromEntries(
    POPULATION.map(([id, events]) => [id, loyaltyView(foldFor(id, events), asOf, policy).tier]),
  );
}

describe('Scenario 7 — an analyst tries a stricter loyalty policy', () => {
  const today = new Date('2025-06-12T12:00:00+08:00');
  const v2 = strictV2();

  it('Given the same events, When v2 needs 12 purchases for very_loyal, Then Mei becomes loyal and the distribution moves', () => {
    expect(distribution(DEFAULT_LOYALTY_POLICY, today)).toEqual({
      'c-1001': 'very_loyal',
      'c-1088': 'loyal',
      'c-3005': 'occasional',
      'c-4000': 'very_loyal',
    });
    expect(distribution(v2, today)).toEqual({
      'c-1001': 'loyal',
      'c-1088': 'loyal',
      'c-3005': 'occasional',
      'c-4000': 'very_loyal',
    });
    const mei = loyaltyView(foldFor('c-1001', MEI_EVENTS), today, v2);
    expect(mei).toMatchObject({
      policyVersion: 'v2',
      outreach: { greetings: false, recommendations: true },
    });
  });

  it('Then the folded state does not depend on the policy, so v1 and v2 replay the same facts', () => {
    for (const [id, events] of POPULATION) {
      expect(foldFor(id, events, v2)).toEqual(foldFor(id, events, DEFAULT_LOYALTY_POLICY));
    }
  });

  it('Given v1 rebuilt as of the end of last quarter, When read, Then it shows the tiers of that day', () => {
    expect(distribution(DEFAULT_LOYALTY_POLICY, new Date('2025-03-31T23:59:59+08:00'))).toEqual({
      'c-1001': 'very_loyal', // M-01..M-07 and last May's gift: 8 purchases for ¥7,050
      'c-1088': 'loyal',
      'c-3005': 'occasional', // Z-1 left the window on 10 March
      'c-4000': 'loyal', // 9 of the 13 purchases by then, ¥4,500: short of ¥5,000
    });
  });
});

// ---- SCENARIOS 8: c-0042 asks to be forgotten ---------------------------------------------------

describe('Scenario 8 — a customer asks to be forgotten', () => {
  const asC0042 = (e: RecordedEvent): RecordedEvent => ({ ...e, customerId: 'c-0042' });
  const history = [
    asC0042(example('customer.registered')), // name, e-mail, phone, birth date, card
    asC0042(meiPurchase('2025-03-20T12:00:00+08:00', 'E-01', 1_000, 'web')),
    asC0042(example('loyalty.points_redeemed')),
  ];
  const erasure = example('customer.erased'); // c-0042, 2025-05-06
  const personal = ['Mei', 'Lin', 'mei.lin@example.cn', '138', '1990-05-14', 'HC-000123'];
  const AS_OF = new Date('2025-06-01T00:00:00Z');

  it('Given her history then the erasure, When stored and read, Then the document is a tombstone holding none of her data', () => {
    const state = foldFor('c-0042', [...history, erasure]);
    const json = JSON.stringify(state);
    for (const datum of personal) expect(json).not.toContain(datum);
    expect(state.purchases).toEqual([]);
    const view = loyaltyView(state, AS_OF, DEFAULT_LOYALTY_POLICY);
    expect(view.status).toBe('erased');
    expect(view.points.ledger).toEqual([]);
    expect(view.outreach).toEqual({ greetings: false, recommendations: false });
  });

  it('Given a later replay with the erasure anywhere in it, When folded, Then nothing comes back', () => {
    const erasedState = foldFor('c-0042', [...history, erasure]);
    expect(foldFor('c-0042', [erasure, ...history])).toEqual(erasedState);
    expect(foldFor('c-0042', [history[0]!, erasure, ...history.slice(1)])).toEqual(erasedState);
    expect(foldFor('c-0042', [...history], DEFAULT_LOYALTY_POLICY, erasedState)).toEqual(
      erasedState,
    );
  });
});
