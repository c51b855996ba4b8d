import type { Channel, RecordedEvent } from '@touchpoint/contracts';

/**
 * A seeded, reproducible retail workload for the benchmarks: a product catalogue with Zipf-like
 * popularity, customers of uneven activity, a channel mix, baskets of varying size, anonymous
 * web sessions that later identify, complaints that get resolved, and payloads of realistic
 * size (about 1 KB of JSON per event on average). Events come in event-time order, as a log
 * fed by live channels would hold them.
 */
export interface BenchWorkloadOptions {
  readonly seed: number;
  readonly events: number;
  readonly customers: number;
  readonly products: number;
  /** Zipf exponent of product popularity (1 ≈ classic long tail). */
  readonly productSkew: number;
  /** Zipf exponent of customer activity (0 = every customer alike). */
  readonly customerSkew: number;
  /** Relative weights of the channels purchases and registrations come through. */
  readonly channelMix: Readonly<Partial<Record<Channel, number>>>;
  readonly meanBasketItems: number;
  /** Event times run from `until − days` up to `until`. */
  readonly until: Date;
  readonly days: number;
  /** Prefix of every generated id, so two runs can share a store without colliding. */
  readonly idPrefix: string;
  /** Relative weights of the kinds of event after registration (default KIND_WEIGHTS). */
  readonly kinds?: Readonly<Record<EventKind, number>>;
}

export const DEFAULT_WORKLOAD: BenchWorkloadOptions = {
  seed: 42,
  events: 10_000,
  customers: 5_000,
  products: 2_000,
  productSkew: 1.05,
  customerSkew: 0.7,
  channelMix: { web: 40, mobile_app: 25, store: 30, call_centre: 5 },
  meanBasketItems: 3.2,
  until: new Date('2026-11-01T00:00:00Z'),
  days: 730,
  idPrefix: 'b',
};

const DEPARTMENTS: Readonly<Record<string, readonly string[]>> = {
  baby: ['feeding', 'food', 'strollers', 'car-seats', 'clothing', 'toys'],
  electronics: ['laptops', 'cameras', 'phones', 'audio', 'accessories', 'tablets'],
  home: ['kitchen', 'bedding', 'lighting', 'storage', 'decor'],
  grocery: ['tea', 'snacks', 'drinks', 'pantry', 'fresh'],
  beauty: ['skincare', 'makeup', 'fragrance', 'haircare'],
  sports: ['running', 'cycling', 'fitness', 'outdoor'],
  fashion: ['women', 'men', 'shoes', 'bags', 'gifts'],
};
const GIVEN = [
  'Mei',
  'Wei',
  'Jing',
  'Li',
  'Hao',
  'Yan',
  'Lei',
  'Fang',
  'Min',
  'Tao',
  'Xin',
  'Ying',
];
const FAMILY = ['Lin', 'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou'];
const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Nanjing', 'Wuhan'];
const STREETS = ['Century Avenue', 'Xinle Road', 'Nanjing Road', 'Huaihai Road', 'Renmin Road'];
const ADJECTIVES = ['Classic', 'Pro', 'Lite', 'Organic', 'Premium', 'Everyday', 'Compact', 'Max'];
const FEATURES = [
  'everyday edition with two-year warranty',
  'gift box, free engraving',
  'eco refill pack of three',
  'limited colour, online exclusive',
  'family size with travel case',
];
const CALL_TOPICS = [
  'Where is my order',
  'Change delivery address',
  'Invoice copy',
  'Loyalty points missing',
  'Product advice',
  'Return request',
];
const COMPLAINT_TEXT = [
  'Order arrived two weeks after the promised date and the customer needed it for a family event.',
  'The product stopped working after three days of normal use; the customer asks for a replacement.',
  'Charged twice for the same order on the card statement; the customer wants one charge refunded.',
  'Staff at the store were unhelpful when asked about the warranty terms for an appliance.',
];
const RESOLUTIONS = [
  'Parcel re-sent by express courier and delivered the next day; apology and goodwill points.',
  'Replacement shipped and the faulty unit collected; customer thanked the agent for the quick fix.',
  'Duplicate charge refunded to the card; confirmation e-mail sent with the refund reference.',
];

interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly unitPrice: number;
}

interface Visitor {
  readonly anonymousId: string;
  visits: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inverse-CDF sampling over weights 1/rank^s. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s);
    cdf[i] = sum;
  }
  return () => {
    const r = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function weighted<T extends string>(
  weights: Readonly<Partial<Record<T, number>>>,
  rand: () => number,
): () => T {
  const entries = Object.entries(weights).filter(([, w]) => (w as number) > 0) as [T, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  return () => {
    let r = rand() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r <= 0) return k;
    }
    return entries[entries.length - 1]![0];
  };
}

function uuid(rand: () => number): string {
  let h = '';
  for (let i = 0; i < 32; i++) h += Math.floor(rand() * 16).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export type EventKind =
  | 'purchase'
  | 'visit'
  | 'anonymous_visit'
  | 'identify'
  | 'email'
  | 'email_opened'
  | 'email_clicked'
  | 'email_received'
  | 'call'
  | 'complaint'
  | 'resolve'
  | 'feedback'
  | 'profile'
  | 'redeem'
  | 'refund';

export const KIND_WEIGHTS: Readonly<Record<EventKind, number>> = {
  purchase: 24,
  visit: 15,
  anonymous_visit: 12,
  identify: 3,
  email: 10,
  email_opened: 4,
  email_clicked: 2,
  email_received: 2,
  call: 6,
  complaint: 2,
  resolve: 2,
  feedback: 3,
  profile: 2,
  redeem: 1,
  refund: 1,
};

/**
 * The heavy customer: web visits, purchases, refunds, calls, complaints, feedback and
 * points, and anonymous sessions identified as her later (a new visitor link each time, the
 * part of a document that grew forever before links were bounded).
 */
export const HEAVY_CUSTOMER_KINDS: Readonly<Record<EventKind, number>> = KIND_WEIGHTS;

/**
 * Streams the events one at a time, so a million-event run never holds them all. The same
 * options always yield the same sequence.
 */
export function* benchWorkload(options: BenchWorkloadOptions): Generator<RecordedEvent> {
  const rand = prng(options.seed);
  const p = options.idPrefix;
  const categories = Object.entries(DEPARTMENTS).flatMap(([d, subs]) =>
    subs.map((s) => `${d}/${s}`),
  );
  const catalogue: Product[] = Array.from({ length: options.products }, (_, i) => {
    const category = categories[Math.floor(rand() * categories.length)]!;
    const leaf = category.split('/')[1]!;
    return {
      sku: `SKU-${String(i).padStart(6, '0')}`,
      name: `${ADJECTIVES[i % ADJECTIVES.length]} ${leaf} ${100 + (i % 900)}, ${FEATURES[i % FEATURES.length]}`,
      category,
      // Log-normal-ish prices from about 5 to 5000 in minor units ×100.
      unitPrice: Math.round(Math.exp(6 + rand() * 7)) * 10,
    };
  });
  const product = zipf(options.products, options.productSkew, rand);
  const customerRank = zipf(options.customers, options.customerSkew, rand);
  const channel = weighted(options.channelMix, rand);
  const kind = weighted(options.kinds ?? KIND_WEIGHTS, rand);
  const registered = new Set<number>();
  const openComplaints: { complaintId: string; owner: string }[] = [];
  const orders = new Map<number, { orderId: string; total: number }[]>();
  const visitors: Visitor[] = [];
  const start = options.until.getTime() - options.days * 86400_000;
  const step = (options.days * 86400_000) / Math.max(1, options.events);
  let clock = start;
  let n = 0;

  const envelope = (
    type: RecordedEvent['type'],
    identity: { customerId?: string; anonymousId?: string },
    ch: Channel,
    payload: unknown,
  ): RecordedEvent => {
    const occurredAt = iso(clock);
    return {
      eventId: uuid(rand),
      type,
      schemaVersion: type === 'web.visited' || type === 'purchase.completed' ? 2 : 1,
      ...identity,
      channel: ch,
      occurredAt,
      receivedAt: new Date(clock + 800 + Math.floor(rand() * 1500)).toISOString(),
      source: `${ch}-gateway`,
      correlationId: `${p}-corr-${n}`,
      payload,
    } as RecordedEvent;
  };

  const basket = (): Product[] => {
    const size = Math.min(
      12,
      1 + Math.floor(-Math.log(1 - rand()) * (options.meanBasketItems - 1)),
    );
    const picked = new Map<string, Product>();
    while (picked.size < size) {
      const item = catalogue[product()]!;
      picked.set(item.sku, item);
      // Chain effect: a second item from the same category now and then.
      if (rand() < 0.25 && picked.size < size) {
        const same = catalogue.find((c) => c.category === item.category && !picked.has(c.sku));
        if (same) picked.set(same.sku, same);
      }
    }
    return [...picked.values()];
  };

  const webVisit = (session: string): Record<string, unknown> => {
    const viewed = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => catalogue[product()]!);
    const cart = rand() < 0.35 ? viewed.slice(0, 1 + Math.floor(rand() * 2)) : [];
    const checkout = cart.length > 0 && rand() < 0.5;
    return {
      sessionId: session,
      pages: [
        { path: '/', title: 'Home', durationSeconds: 5 + Math.floor(rand() * 30) },
        {
          path: `/c/${viewed[0]!.category}`,
          title: viewed[0]!.category,
          durationSeconds: 5 + Math.floor(rand() * 60),
        },
        ...viewed.map((v) => ({
          path: `/p/${v.sku}`,
          title: v.name,
          durationSeconds: 10 + Math.floor(rand() * 200),
        })),
      ],
      productsViewed: viewed.map((v) => ({ sku: v.sku, name: v.name, category: v.category })),
      cartAdds: cart.map((v) => ({ sku: v.sku, name: v.name, category: v.category, quantity: 1 })),
      checkoutStarted: checkout,
      converted: false,
      referrer: 'https://search.example.com/?q=' + encodeURIComponent(viewed[0]!.name),
      device: rand() < 0.55 ? 'mobile' : 'desktop',
      durationSeconds: 30 + Math.floor(rand() * 600),
    };
  };

  while (n < options.events) {
    clock += step * (0.5 + rand());
    const c = customerRank();
    const customerId = `${p}-c${c}`;
    let event: RecordedEvent | undefined;
    if (!registered.has(c)) {
      registered.add(c);
      const given = GIVEN[c % GIVEN.length]!;
      const family = FAMILY[Math.floor(c / GIVEN.length) % FAMILY.length]!;
      event = envelope('customer.registered', { customerId }, channel(), {
        name: { given, family },
        email: `${given}.${family}.${c}@example.cn`.toLowerCase(),
        phone: `+86 138 ${String(c % 10000).padStart(4, '0')} ${String((c * 7) % 10000).padStart(4, '0')}`,
        birthDate: `19${60 + (c % 40)}-0${1 + (c % 9)}-1${c % 10}`,
        address: {
          line1: `${1 + (c % 300)} ${STREETS[c % STREETS.length]}`,
          city: CITIES[c % CITIES.length],
          postalCode: String(200000 + (c % 99999)),
          country: 'CN',
        },
        loyaltyCardId: `HC-${p}-${String(c).padStart(7, '0')}`,
        consent: { email: true, sms: c % 3 !== 0, phone: false, post: false, profiling: true },
      });
    } else {
      switch (kind()) {
        case 'purchase': {
          const items = basket().map((i) => ({
            sku: i.sku,
            name: i.name,
            category: i.category,
            quantity: 1 + Math.floor(-Math.log(1 - rand()) * 0.6),
            unitPrice: i.unitPrice,
          }));
          const total = items.reduce((s, i) => s + i.quantity * i.unitPrice, 0);
          const orderId = `${p}-O${n}`;
          const ch = channel();
          orders.set(c, [...(orders.get(c) ?? []).slice(-4), { orderId, total }]);
          event = envelope('purchase.completed', { customerId }, ch, {
            orderId,
            currency: 'CNY',
            items,
            total,
            discount: 0,
            ...(ch === 'store' ? { storeId: `SH-${String(c % 40).padStart(2, '0')}` } : {}),
            pointsEarned: Math.floor(total / 100),
          });
          break;
        }
        case 'visit':
          event = envelope(
            'web.visited',
            { customerId },
            rand() < 0.7 ? 'web' : 'mobile_app',
            webVisit(`${p}-s${n}`),
          );
          break;
        case 'anonymous_visit': {
          const reuse = visitors.length > 0 && rand() < 0.5;
          const visitor = reuse
            ? visitors[Math.floor(rand() * visitors.length)]!
            : { anonymousId: `${p}-v${n}`, visits: 0 };
          if (!reuse) visitors.push(visitor);
          visitor.visits++;
          event = envelope(
            'web.visited',
            { anonymousId: visitor.anonymousId },
            'web',
            webVisit(`${p}-s${n}`),
          );
          break;
        }
        case 'identify': {
          const visitor = visitors.shift();
          if (!visitor) break;
          event = envelope(
            'customer.identified',
            { customerId, anonymousId: visitor.anonymousId },
            'web',
            { method: rand() < 0.5 ? 'login' : 'checkout' },
          );
          break;
        }
        case 'email':
          event = envelope('email.sent', { customerId }, 'email', {
            messageId: `${p}-m${n}`,
            kind: rand() < 0.7 ? 'marketing' : 'transactional',
            campaignId: `campaign-${Math.floor(clock / (14 * 86400_000))}`,
            templateId: 'seasonal-picks',
            subject:
              'Picked for you: new arrivals in the categories you love, a reminder of your points balance, and an invitation to our members-only weekend',
          });
          break;
        case 'email_opened':
          event = envelope('email.opened', { customerId }, 'email', {
            messageId: `${p}-m${n}`,
            campaignId: `campaign-${Math.floor(clock / (14 * 86400_000))}`,
          });
          break;
        case 'email_clicked':
          event = envelope('email.clicked', { customerId }, 'email', {
            messageId: `${p}-m${n}`,
            url: `https://shop.example.cn/p/${catalogue[product()]!.sku}?utm_source=email`,
            linkId: 'hero-banner',
          });
          break;
        case 'email_received':
          event = envelope('email.received', { customerId }, 'email', {
            messageId: `${p}-in${n}`,
            subject: 'Question about my last order and the delivery window',
            topic: 'delivery',
          });
          break;
        case 'call': {
          const open = openComplaints.find((k) => k.owner === customerId)?.complaintId;
          event = envelope('call.logged', { customerId }, 'call_centre', {
            callId: `${p}-call${n}`,
            direction: rand() < 0.8 ? 'inbound' : 'outbound',
            durationSeconds: 30 + Math.floor(rand() * 900),
            agentId: `agent-${String(Math.floor(rand() * 60)).padStart(3, '0')}`,
            queue: open ? 'complaints' : 'general',
            topic: CALL_TOPICS[Math.floor(rand() * CALL_TOPICS.length)],
            outcome: rand() < 0.7 ? 'resolved' : 'follow_up',
            ...(open ? { complaintId: open } : {}),
            summary:
              'Customer called about a recent order; agent checked the order status in the warehouse system, explained the next steps and the expected delivery window, offered a text message when the parcel leaves, and noted the preferred contact time for any follow-up call.',
          });
          break;
        }
        case 'complaint': {
          const complaintId = `${p}-K${n}`;
          const lastOrder = orders.get(c)?.at(-1);
          openComplaints.push({ complaintId, owner: customerId });
          event = envelope('complaint.opened', { customerId }, 'call_centre', {
            complaintId,
            category: (['delivery', 'product_quality', 'billing', 'staff'] as const)[n % 4],
            severity: rand() < 0.2 ? 'high' : 'medium',
            description: COMPLAINT_TEXT[n % COMPLAINT_TEXT.length],
            ...(lastOrder ? { orderId: lastOrder.orderId } : {}),
          });
          break;
        }
        case 'resolve': {
          // The oldest open complaint gets resolved, whoever's it is.
          const open = openComplaints.shift();
          if (!open) break;
          const { complaintId, owner } = open;
          event = envelope('complaint.resolved', { customerId: owner }, 'call_centre', {
            complaintId,
            resolution: RESOLUTIONS[n % RESOLUTIONS.length],
            compensation: { points: 200 + 100 * (n % 4) },
          });
          break;
        }
        case 'feedback':
          event = envelope('feedback.submitted', { customerId }, 'email', {
            surveyId: 'csat-after-contact',
            csat: 1 + Math.floor(rand() * 5),
            nps: Math.floor(rand() * 11),
            comment: 'Delivery was on time and the agent on the phone was friendly and helpful.',
          });
          break;
        case 'profile':
          event = envelope('customer.profile_updated', { customerId }, 'mobile_app', {
            address: {
              line1: `${1 + (n % 300)} ${STREETS[n % STREETS.length]}`,
              line2: `Apt ${100 + (n % 2000)}`,
              city: CITIES[n % CITIES.length],
              country: 'CN',
            },
            consent: { sms: rand() < 0.5 },
          });
          break;
        case 'redeem':
          event = envelope('loyalty.points_redeemed', { customerId }, 'store', {
            redemptionId: `${p}-RD${n}`,
            points: 100 * (1 + Math.floor(rand() * 5)),
            reward: 'CNY 10 voucher',
          });
          break;
        case 'refund': {
          const order = orders.get(c)?.at(-1);
          if (!order) break;
          event = envelope('purchase.refunded', { customerId }, 'call_centre', {
            orderId: order.orderId,
            refundId: `${p}-R${n}`,
            amount: Math.max(1, Math.floor(order.total / 4)),
            currency: 'CNY',
            reason: 'Partial refund for a late delivery',
          });
          break;
        }
      }
    }
    if (!event) continue;
    n++;
    yield event;
  }
}

/** The whole workload as an array (small runs and tests). */
export function benchEvents(options: Partial<BenchWorkloadOptions> = {}): RecordedEvent[] {
  return [...benchWorkload({ ...DEFAULT_WORKLOAD, ...options })];
}
