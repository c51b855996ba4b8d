import { randomUUID } from 'node:crypto';

/**
 * SCENARIOS.md stories as ingest-API events, dated relative to `now` so that rolling windows
 * and asOf reads mean the same on any day the tests run. Each call gets fresh event ids.
 */
type Incoming = Record<string, unknown>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function event(
  type: string,
  customerId: string,
  channel: string,
  at: number,
  payload: Incoming,
): Incoming {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: type === 'purchase.completed' || type === 'web.visited' ? 2 : 1,
    customerId,
    channel,
    occurredAt: iso(at),
    payload,
  };
}

export function registration(customerId: string, at: number, profile: Incoming): Incoming {
  return event('customer.registered', customerId, 'store', at, profile);
}

export function order(
  customerId: string,
  at: number,
  orderId: string,
  lines: { sku: string; name: string; category: string; unitPrice: number }[],
  channel = 'store',
): Incoming {
  const items = lines.map((l) => ({ ...l, quantity: 1 }));
  const total = items.reduce((s, i) => s + i.unitPrice, 0);
  return event('purchase.completed', customerId, channel, at, {
    orderId,
    currency: 'CNY',
    items,
    total,
    discount: 0,
  });
}

/** The most recent 1 May (00:00 UTC) before `now`: SCENARIOS 1 reads the reminder then. */
export function lastFirstOfMay(now: Date): Date {
  const year = now.getUTCFullYear();
  const thisYear = Date.UTC(year, 4, 1);
  return new Date(thisYear <= now.getTime() ? thisYear : Date.UTC(year - 1, 4, 1));
}

/** SCENARIOS 1: Mei, very loyal, gifts every May, points earned and redeemed. */
export function meiStory(customerId: string, now: Date) {
  const t = now.getTime();
  const may = lastFirstOfMay(now).getUTCFullYear();
  const channels = ['web', 'mobile_app', 'store'];
  const spends = [93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 96_000];
  const events: Incoming[] = [
    registration(customerId, t - 3 * 365 * DAY, {
      name: { given: 'Mei', family: 'Lin' },
      email: 'mei.lin@example.cn',
      phone: '+86 138 0013 8000',
      loyaltyCardId: 'HC-000123',
      birthDate: '1990-05-14',
      address: {
        line1: '88 Century Avenue',
        city: 'Shanghai',
        postalCode: '200120',
        country: 'CN',
      },
    }),
    ...spends.map((amount, k) =>
      order(
        customerId,
        t - (15 + 35 * k) * DAY,
        `O-${customerId}-${k}`,
        [{ sku: `HOME-${k}`, name: `Home item ${k}`, category: 'home/kitchen', unitPrice: amount }],
        channels[k % 3],
      ),
    ),
    ...[may - 2, may - 1].map((year) =>
      order(customerId, Date.UTC(year, 4, 10, 4), `O-${customerId}-gift-${year}`, [
        { sku: `GIFT-${year}`, name: 'Silk scarf', category: 'gifts', unitPrice: 30_000 },
      ]),
    ),
    event('loyalty.points_redeemed', customerId, 'store', t - 5 * DAY, {
      redemptionId: `RD-${customerId}`,
      points: 2000,
      reward: 'CNY 20 voucher',
    }),
  ];
  return { events, mayFirst: lastFirstOfMay(now) };
}

/** SCENARIOS 3: Wang, loyal, calls about a late delivery; complaint opened, later resolved. */
export function wangStory(customerId: string, complaintId: string, now: Date) {
  const t = now.getTime();
  const before = [
    registration(customerId, t - 500 * DAY, {
      name: { given: 'Wei', family: 'Wang' },
      email: `wang.${customerId}@example.cn`,
    }),
    ...[60, 50, 40, 30].map((d, k) =>
      order(customerId, t - d * DAY, `O-${customerId}-${k}`, [
        { sku: `BOOK-${k}`, name: `Book ${k}`, category: 'books', unitPrice: 40_000 },
      ]),
    ),
    event('call.logged', customerId, 'call_centre', t - 2 * 3600_000, {
      callId: `CALL-${customerId}`,
      direction: 'inbound',
      durationSeconds: 420,
      topic: 'Delivery two weeks late',
      outcome: 'escalated',
      complaintId,
    }),
  ];
  const opened = event('complaint.opened', customerId, 'call_centre', t - 3600_000, {
    complaintId,
    category: 'delivery',
    severity: 'high',
    description: 'Order two weeks late',
  });
  const resolved = event('complaint.resolved', customerId, 'call_centre', t - 1800_000, {
    complaintId,
    resolution: 'Re-sent by express courier; goodwill points',
    compensation: { points: 500 },
  });
  const csat = event('feedback.submitted', customerId, 'email', t - 600_000, {
    surveyId: 'csat-after-complaint',
    csat: 5,
    complaintId,
  });
  return { before, opened, resolved, csat };
}

/** SCENARIOS 5: Zhao, loyal last spring (4 purchases), then nothing for 13 months. */
export function zhaoStory(customerId: string, now: Date) {
  const t = now.getTime();
  return [
    registration(customerId, t - 900 * DAY, { name: { given: 'Lei', family: 'Zhao' } }),
    ...[430, 420, 410, 400].map((d, k) =>
      order(customerId, t - d * DAY, `O-${customerId}-${k}`, [
        { sku: `TEA-${k}`, name: `Tea ${k}`, category: 'food/tea', unitPrice: 30_000 },
      ]),
    ),
  ];
}

/** SCENARIOS 4: a new customer who just bought a baby bottle. */
export function babyBottleStory(customerId: string, now: Date) {
  return [
    registration(customerId, now.getTime() - 2 * DAY, { name: { given: 'Ana', family: 'Qi' } }),
    order(customerId, now.getTime() - DAY, `O-${customerId}-1`, [
      {
        sku: 'BB-260',
        name: 'Anti-colic baby bottle 260 ml',
        category: 'baby/feeding',
        unitPrice: 8900,
      },
    ]),
  ];
}

/** Baskets with a bottle and baby food together, so the co-purchase rule exists. */
export function bottleAndFoodBaskets(prefix: string, count: number, now: Date) {
  return Array.from({ length: count }, (_, i) =>
    order(`${prefix}-${i}`, now.getTime() - (3 + i) * DAY, `O-${prefix}-${i}`, [
      {
        sku: 'BB-260',
        name: 'Anti-colic baby bottle 260 ml',
        category: 'baby/feeding',
        unitPrice: 8900,
      },
      {
        sku: 'BF-STAGE1',
        name: 'Organic baby food, stage 1',
        category: 'baby/food',
        unitPrice: 1550,
      },
    ]),
  );
}

export function callLogged(customerId: string, at: number, topic: string): Incoming {
  return event('call.logged', customerId, 'call_centre', at, {
    callId: `CALL-${randomUUID().slice(0, 8)}`,
    direction: 'inbound',
    durationSeconds: 60,
    topic,
    outcome: 'resolved',
  });
}
