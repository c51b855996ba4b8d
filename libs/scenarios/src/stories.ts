import { DAY_MS, EventFactory, type EventIdFor, type StoryEvent } from './story-events';

export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly unitPrice: number;
}

/** The most recent 1 May (00:00 UTC) before `now`: SCENARIOS 1 reads the reminder then. */
export function lastFirstOfMay(now: Date): Date {
  const year = now.getUTCFullYear();
  const thisYear = Date.UTC(year, 4, 1);
  return new Date(thisYear <= now.getTime() ? thisYear : Date.UTC(year - 1, 4, 1));
}

export const BABY_BOTTLE: OrderLine = {
  sku: 'BB-260',
  name: 'Anti-colic baby bottle 260 ml',
  category: 'baby/feeding',
  unitPrice: 8900,
};

export const BABY_FOOD: OrderLine = {
  sku: 'BF-STAGE1',
  name: 'Organic baby food, stage 1',
  category: 'baby/food',
  unitPrice: 1550,
};

const STROLLER = { sku: 'STR-400', name: 'CityLite stroller', category: 'baby/strollers' };

/**
 * The SCENARIOS.md stories as ingest-API events, dated relative to `now` (never the clock) so
 * that rolling windows and asOf reads mean the same on any day. Ids come from `eventId`.
 */
export function storyBuilders(eventId: EventIdFor) {
  const f = new EventFactory(eventId);

  function registration(
    customerId: string,
    at: number,
    profile: StoryEvent,
    channel = 'store',
  ): StoryEvent {
    return f.event('customer.registered', { customerId }, channel, at, profile);
  }

  function order(
    customerId: string,
    at: number,
    orderId: string,
    lines: readonly OrderLine[],
    channel = 'store',
  ): StoryEvent {
    const items = lines.map((l) => ({ ...l, quantity: 1 }));
    const total = items.reduce((s, i) => s + i.unitPrice, 0);
    return f.event('purchase.completed', { customerId }, channel, at, {
      orderId,
      currency: 'CNY',
      items,
      total,
      discount: 0,
    });
  }

  /** SCENARIOS 1: Mei, very loyal, gifts every May, points earned and redeemed. */
  function meiStory(customerId: string, now: Date) {
    const t = now.getTime();
    const may = lastFirstOfMay(now).getUTCFullYear();
    const channels = ['web', 'mobile_app', 'store'];
    const spends = [93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 93_000, 96_000];
    const events: StoryEvent[] = [
      registration(customerId, t - 3 * 365 * DAY_MS, {
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
          t - (15 + 35 * k) * DAY_MS,
          `O-${customerId}-${k}`,
          [
            {
              sku: `HOME-${k}`,
              name: `Home item ${k}`,
              category: 'home/kitchen',
              unitPrice: amount,
            },
          ],
          channels[k % 3],
        ),
      ),
      // Order ids count years back, not calendar years, so the ids stay the same from year to year.
      ...[2, 1]
        .map((yearsBack) => ({ yearsBack, year: may - yearsBack }))
        .map(({ yearsBack, year }) =>
          order(customerId, Date.UTC(year, 4, 10, 4), `O-${customerId}-may-${yearsBack}`, [
            { sku: `GIFT-${year}`, name: 'Silk scarf', category: 'gifts', unitPrice: 30_000 },
          ]),
        ),
      f.event('loyalty.points_redeemed', { customerId }, 'store', t - 5 * DAY_MS, {
        redemptionId: `RD-${customerId}`,
        points: 2000,
        reward: 'CNY 20 voucher',
      }),
    ];
    return { events, mayFirst: lastFirstOfMay(now) };
  }

  /**
   * SCENARIOS 2: a visitor looks at three products and abandons a stroller; two days later
   * abandons it again at checkout; registers and is linked; one more visit arrives afterwards
   * under the old anonymous id. Returned in the order a channel would send them.
   */
  function visitorStory(anonymousId: string, customerId: string, now: Date) {
    const t = now.getTime();
    const visit = (at: number, n: number, more: StoryEvent) =>
      f.event('web.visited', { anonymousId }, 'web', at, {
        sessionId: `s-${anonymousId}-${n}`,
        pages: [{ path: '/baby/strollers', title: 'Strollers' }],
        productsViewed: [],
        cartAdds: [],
        checkoutStarted: false,
        converted: false,
        ...more,
      });
    const cartAdd = [{ ...STROLLER, quantity: 1 }];
    return [
      visit(t - 4 * DAY_MS, 1, {
        productsViewed: [
          STROLLER,
          { sku: 'STR-520', name: 'TrailMax stroller', category: 'baby/strollers' },
          { sku: 'CAR-110', name: 'SafeRide car seat', category: 'baby/car-seats' },
        ],
        cartAdds: cartAdd,
      }),
      visit(t - 2 * DAY_MS, 2, {
        productsViewed: [STROLLER],
        cartAdds: cartAdd,
        checkoutStarted: true,
      }),
      registration(
        customerId,
        t - 2 * DAY_MS + 600_000,
        { name: { given: 'Jun', family: 'Xu' } },
        'web',
      ),
      f.event('customer.identified', { customerId, anonymousId }, 'web', t - 2 * DAY_MS + 660_000, {
        method: 'registration',
      }),
      visit(t - DAY_MS, 3, { pages: [{ path: '/account/orders', title: 'My orders' }] }),
    ];
  }

  /** SCENARIOS 3: Wang, loyal, calls about a late delivery; complaint opened, later resolved. */
  function wangStory(customerId: string, complaintId: string, now: Date) {
    const t = now.getTime();
    const before = [
      registration(customerId, t - 500 * DAY_MS, {
        name: { given: 'Wei', family: 'Wang' },
        email: `wang.${customerId}@example.cn`,
      }),
      ...[60, 50, 40, 30].map((d, k) =>
        order(customerId, t - d * DAY_MS, `O-${customerId}-${k}`, [
          { sku: `BOOK-${k}`, name: `Book ${k}`, category: 'books', unitPrice: 40_000 },
        ]),
      ),
      f.event('call.logged', { customerId }, 'call_centre', t - 2 * 3600_000, {
        callId: `CALL-${customerId}`,
        direction: 'inbound',
        durationSeconds: 420,
        topic: 'Delivery two weeks late',
        outcome: 'escalated',
        complaintId,
      }),
    ];
    const opened = f.event('complaint.opened', { customerId }, 'call_centre', t - 3600_000, {
      complaintId,
      category: 'delivery',
      severity: 'high',
      description: 'Order two weeks late',
    });
    const resolved = f.event('complaint.resolved', { customerId }, 'call_centre', t - 1800_000, {
      complaintId,
      resolution: 'Re-sent by express courier; goodwill points',
      compensation: { points: 500 },
    });
    const csat = f.event('feedback.submitted', { customerId }, 'email', t - 600_000, {
      surveyId: 'csat-after-complaint',
      csat: 5,
      complaintId,
    });
    return { before, opened, resolved, csat };
  }

  /** SCENARIOS 5: Zhao, loyal last spring (4 purchases), then nothing for 13 months. */
  function zhaoStory(customerId: string, now: Date) {
    const t = now.getTime();
    return [
      registration(customerId, t - 900 * DAY_MS, { name: { given: 'Lei', family: 'Zhao' } }),
      ...[430, 420, 410, 400].map((d, k) =>
        order(customerId, t - d * DAY_MS, `O-${customerId}-${k}`, [
          { sku: `TEA-${k}`, name: `Tea ${k}`, category: 'food/tea', unitPrice: 30_000 },
        ]),
      ),
    ];
  }

  /** SCENARIOS 4: a new customer who just bought a baby bottle. */
  function babyBottleStory(customerId: string, now: Date) {
    return [
      registration(customerId, now.getTime() - 2 * DAY_MS, {
        name: { given: 'Ana', family: 'Qi' },
      }),
      order(customerId, now.getTime() - DAY_MS, `O-${customerId}-1`, [BABY_BOTTLE]),
    ];
  }

  /** Baskets with a bottle and baby food together, so the co-purchase rule exists. */
  function bottleAndFoodBaskets(prefix: string, count: number, now: Date) {
    return Array.from({ length: count }, (_, i) =>
      order(`${prefix}-${i}`, now.getTime() - (3 + i) * DAY_MS, `O-${prefix}-${i}`, [
        BABY_BOTTLE,
        BABY_FOOD,
      ]),
    );
  }

  /** SCENARIOS 4: a big spender who bought a laptop three weeks ago (the value-segment chain). */
  function laptopStory(customerId: string, now: Date) {
    const t = now.getTime();
    return [
      registration(customerId, t - 200 * DAY_MS, { name: { given: 'Hao', family: 'Chen' } }),
      order(
        customerId,
        t - 21 * DAY_MS,
        `O-${customerId}-1`,
        [
          {
            sku: 'LT-PRO14',
            name: 'Pro 14 laptop',
            category: 'electronics/laptops',
            unitPrice: 2_599_900,
          },
        ],
        'web',
      ),
    ];
  }

  /**
   * SCENARIOS 8: a customer with personal data and a co-purchase basket, then her erasure
   * (which must leave the basket only in the anonymous statistics).
   */
  function erasureStory(customerId: string, now: Date) {
    const t = now.getTime();
    return [
      registration(customerId, t - 300 * DAY_MS, {
        name: { given: 'Yan', family: 'Su' },
        email: 'yan.su@example.cn',
        phone: '+86 139 0042 0042',
        birthDate: '1988-02-02',
      }),
      order(customerId, t - 40 * DAY_MS, `O-${customerId}-1`, [BABY_BOTTLE, BABY_FOOD]),
      f.event('customer.erased', { customerId }, 'email', t - 10 * DAY_MS, {
        reason: 'customer_request',
        requestId: `DSR-${customerId}`,
      }),
    ];
  }

  function callLogged(customerId: string, at: number, topic: string): StoryEvent {
    return f.event('call.logged', { customerId }, 'call_centre', at, {
      callId: `CALL-${customerId}-${at}`,
      direction: 'inbound',
      durationSeconds: 60,
      topic,
      outcome: 'resolved',
    });
  }

  function storyPurchase(
    customerId: string,
    occurredMs: number,
    channel: string,
    orderId: string,
    total: number,
  ): StoryEvent {
    return f.fromExample('purchase.completed', customerId, occurredMs, channel, {
      orderId,
      total,
      pointsEarned: Math.floor(total / 100),
      items: [
        {
          sku: 'TEA-GIFT',
          name: 'Oolong tea gift box',
          category: 'gifts',
          quantity: 1,
          unitPrice: total,
        },
      ],
    });
  }

  /**
   * A card worth looking at (after Wang, SCENARIOS.md §3), relative to `nowMs`: a loyal customer
   * for a year, buying on the web, in the app and in store, whose delivery is late — a call and an
   * open high-severity complaint two days ago. What an agent's card should show at a glance.
   */
  function agentCardStory(customerId: string, nowMs: number): StoryEvent[] {
    const tag = customerId.replace(/[^a-z0-9]/gi, '').slice(-6);
    const channels = ['web', 'mobile_app', 'store'];
    const purchases = [320, 290, 250, 200, 170, 130, 95, 60, 30].map((daysAgo, i) =>
      storyPurchase(
        customerId,
        nowMs - daysAgo * DAY_MS,
        channels[i % channels.length]!,
        `O-${tag}-${i + 1}`,
        [26800, 12900, 45600, 8800, 31200, 15400, 9900, 52300, 18800][i]!,
      ),
    );
    return [
      f.fromExample('customer.registered', customerId, nowMs - 400 * DAY_MS, 'store', {
        name: { given: 'Lei', family: 'Wang' },
        email: `wang.lei.${tag}@example.cn`,
        phone: '+86 139 1088 1088',
        loyaltyCardId: `HC-${tag}`,
        birthDate: '1984-09-03',
      }),
      ...purchases,
      f.fromExample('web.visited', customerId, nowMs - 12 * DAY_MS, 'web', {
        sessionId: `s-${tag}-1`,
      }),
      f.fromExample('email.sent', customerId, nowMs - 9 * DAY_MS, 'email', {
        messageId: `m-${tag}-1`,
      }),
      f.fromExample('email.opened', customerId, nowMs - 9 * DAY_MS + 3_600_000, 'email', {
        messageId: `m-${tag}-1`,
      }),
      f.fromExample('call.logged', customerId, nowMs - 2 * DAY_MS, 'call_centre', {
        callId: `CALL-${tag}`,
        complaintId: `K-${tag}`,
      }),
      f.fromExample('complaint.opened', customerId, nowMs - 2 * DAY_MS + 420_000, 'call_centre', {
        complaintId: `K-${tag}`,
        orderId: `O-${tag}-9`,
      }),
    ];
  }

  return {
    registration,
    order,
    meiStory,
    visitorStory,
    wangStory,
    zhaoStory,
    babyBottleStory,
    bottleAndFoodBaskets,
    laptopStory,
    erasureStory,
    callLogged,
    storyPurchase,
    agentCardStory,
  };
}

export type StoryBuilders = ReturnType<typeof storyBuilders>;
