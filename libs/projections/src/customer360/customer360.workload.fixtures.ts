import { type Channel, type EventType, type RecordedEvent } from '@touchpoint/contracts';

/**
 * Test support only: a seeded stream of one customer's events in a realistic retail mix (web
 * sessions with product names of catalogue length, e-mails, orders of several lines, refunds,
 * calls, complaints with their free text and resolution, survey answers, points), in event-time
 * order with a little jitter, as a live log holds them. Built for speed: a million events are
 * generated inside the bound test's time budget.
 */

export function prng(seed: number): () => number {
  // Kept a signed 32-bit integer: an unsigned one above 2^31 is a heap number per call.
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = [
  'baby/feeding',
  'baby/strollers',
  'electronics/audio',
  'electronics/phones',
  'home/kitchen',
  'home/bedding',
  'grocery/tea',
  'beauty/skincare',
  'sports/running',
  'fashion/shoes',
];
const ADJECTIVES = ['Classic', 'Pro', 'Lite', 'Organic', 'Premium', 'Everyday', 'Compact', 'Max'];
const FEATURES = [
  'everyday edition with two-year warranty',
  'gift box, free engraving',
  'eco refill pack of three',
  'limited colour, online exclusive',
];
const COMPLAINT_TEXT =
  'Order arrived two weeks after the promised date and the customer needed it for a family event.';
const RESOLUTION_TEXT =
  'Parcel re-sent by express courier and delivered the next day; apology and goodwill points.';

interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
}

const CATALOGUE: readonly Product[] = Array.from({ length: 500 }, (_, i) => {
  const category = CATEGORIES[i % CATEGORIES.length] ?? 'gifts';
  return {
    sku: `SKU-${String(i).padStart(6, '0')}`,
    name: `${ADJECTIVES[i % ADJECTIVES.length]} ${category.split('/')[1]} ${100 + i}, ${FEATURES[i % FEATURES.length]}`,
    category,
  };
});

type MixType =
  | 'web.visited'
  | 'email.sent'
  | 'email.opened'
  | 'email.clicked'
  | 'email.received'
  | 'purchase.completed'
  | 'purchase.refunded'
  | 'call.logged'
  | 'complaint.opened'
  | 'feedback.submitted'
  | 'loyalty.points_redeemed'
  | 'loyalty.points_adjusted'
  | 'customer.identified'
  | 'customer.profile_updated';

/** Cumulative weights of the mix, by type; resolutions follow their complaints. */
const MIX: readonly [number, MixType][] = [
  [0.5, 'web.visited'],
  [0.58, 'email.sent'],
  [0.63, 'email.opened'],
  [0.65, 'email.clicked'],
  [0.76, 'purchase.completed'],
  [0.78, 'purchase.refunded'],
  [0.83, 'call.logged'],
  [0.857, 'email.received'],
  [0.86, 'complaint.opened'],
  [0.9, 'feedback.submitted'],
  [0.94, 'loyalty.points_redeemed'],
  [0.96, 'loyalty.points_adjusted'],
  // A new device or browser each time: visitor links are the part that would grow forever.
  [0.99, 'customer.identified'],
  [1, 'customer.profile_updated'],
];

export interface WorkloadOptions {
  readonly seed: number;
  readonly customerId: string;
  readonly events: number;
  readonly startMs: number;
  readonly endMs: number;
}

const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
let isoDay = NaN;
let isoPrefix = '';
/** toISOString with the date part cached: generating the time stamps was half the cost. */
function iso(ms: number): string {
  const dayNumber = Math.floor(ms / DAY_MS);
  if (dayNumber !== isoDay) {
    isoDay = dayNumber;
    isoPrefix = new Date(dayNumber * DAY_MS).toISOString().slice(0, 11);
  }
  const r = ms - dayNumber * DAY_MS;
  const millis = r % 1000;
  return `${isoPrefix}${two(Math.floor(r / 3_600_000))}:${two(Math.floor(r / 60_000) % 60)}:${two(Math.floor(r / 1000) % 60)}.${millis < 100 ? (millis < 10 ? `00${millis}` : `0${millis}`) : millis}Z`;
}
const hex = (n: number, width: number) => (n % 16 ** width).toString(16).padStart(width, '0');

/** `options.events` events (complaint resolutions included in the count), oldest first. */
export function* customerWorkload(o: WorkloadOptions): Generator<RecordedEvent> {
  const rand = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  // Popular products come up far more often (a squared uniform is a cheap skew).
  const product = (): Product => {
    const u = rand();
    return CATALOGUE[Math.floor(u * u * CATALOGUE.length)]!;
  };
  const step = (o.endMs - o.startMs) / Math.max(1, o.events);
  const pendingResolutions: { at: number; complaintId: string }[] = [];
  let produced = 0;
  let n = 0;
  const envelope = (
    type: EventType,
    channel: Channel,
    atMs: number,
    payload: unknown,
  ): RecordedEvent => {
    n += 1;
    return {
      // A UUID unique per (seed, n): sizes measured here are the sizes of real documents.
      eventId: `0190c2a4-${hex(o.seed >>> 16, 4)}-7${hex(o.seed, 3)}-8000-${hex(n, 12)}`,
      type,
      schemaVersion: type === 'web.visited' || type === 'purchase.completed' ? 2 : 1,
      customerId: o.customerId,
      channel,
      occurredAt: iso(atMs),
      // The projection never reads it; the same instant keeps generation cheap.
      receivedAt: iso(atMs),
      source: `${channel}-gateway`,
      correlationId: `corr-${n}`,
      payload,
    } as RecordedEvent;
  };
  while (produced < o.events) {
    // A little jitter: events reach the log slightly out of event-time order.
    const at = Math.round(o.startMs + produced * step + (rand() - 0.5) * step * 4);
    const due = pendingResolutions[0];
    if (due !== undefined && due.at <= at) {
      pendingResolutions.shift();
      produced += 1;
      yield envelope('complaint.resolved', 'call_centre', due.at, {
        complaintId: due.complaintId,
        resolution: RESOLUTION_TEXT,
        compensation: { points: 500 },
      });
      continue;
    }
    const r = rand();
    const type: MixType = MIX.find(([w]) => r < w)?.[1] ?? 'web.visited';
    produced += 1;
    switch (type) {
      case 'web.visited': {
        const viewed = Array.from({ length: 1 + Math.floor(rand() * 5) }, product);
        const cart = rand() < 0.3 ? viewed.slice(0, 1) : [];
        yield envelope(type, rand() < 0.6 ? 'web' : 'mobile_app', at, {
          sessionId: `s-${n}`,
          pages: viewed.map((v) => ({ path: `/p/${v.sku}`, title: v.name })),
          productsViewed: viewed.map((v) => ({ sku: v.sku, name: v.name, category: v.category })),
          cartAdds: cart.map((v) => ({
            sku: v.sku,
            name: v.name,
            category: v.category,
            quantity: 1,
          })),
          checkoutStarted: cart.length > 0 && rand() < 0.5,
          converted: cart.length > 0 && rand() < 0.3,
        });
        break;
      }
      case 'email.sent':
      case 'email.opened':
      case 'email.clicked':
      case 'email.received':
        yield envelope(type, 'email', at, {
          messageId: `m-${n}`,
          ...(type === 'email.sent' ? { kind: 'marketing', campaignId: 'spring' } : {}),
          ...(type === 'email.clicked' ? { url: 'https://shop.example.cn/p' } : {}),
          ...(type === 'email.received' ? { subject: 'Where is my parcel?' } : {}),
        });
        break;
      case 'purchase.completed': {
        const lines = Array.from({ length: 1 + Math.floor(rand() * 4) }, product).map((p) => ({
          sku: p.sku,
          name: p.name,
          category: p.category,
          quantity: 1 + Math.floor(rand() * 3),
          unitPrice: 100 * (1 + Math.floor(rand() * 500)),
        }));
        yield envelope(type, pick<Channel>(['web', 'mobile_app', 'store']), at, {
          orderId: `O-${n}`,
          currency: rand() < 0.05 ? 'EUR' : 'CNY',
          items: lines,
          total: lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
        });
        break;
      }
      case 'purchase.refunded':
        yield envelope(type, 'call_centre', at, {
          orderId: `O-${n - 20}`,
          refundId: `R-${n}`,
          amount: 100 * (1 + Math.floor(rand() * 100)),
          currency: 'CNY',
          reason: 'Late delivery',
        });
        break;
      case 'call.logged':
        yield envelope(type, 'call_centre', at, {
          callId: `CALL-${n}`,
          direction: rand() < 0.8 ? 'inbound' : 'outbound',
          durationSeconds: 60 + Math.floor(rand() * 900),
          outcome: 'resolved',
          summary: 'Asked where the order is; tracking link sent.',
        });
        break;
      case 'complaint.opened': {
        const complaintId = `K-${n}`;
        pendingResolutions.push({ at: at + Math.floor(rand() * 7 * 86_400_000), complaintId });
        pendingResolutions.sort((a, b) => a.at - b.at);
        yield envelope(type, 'call_centre', at, {
          complaintId,
          category: 'delivery',
          severity: pick(['low', 'medium', 'high']),
          description: COMPLAINT_TEXT,
          orderId: `O-${n - 5}`,
        });
        break;
      }
      case 'feedback.submitted':
        yield envelope(type, 'email', at, {
          nps: Math.floor(rand() * 11),
          csat: 1 + Math.floor(rand() * 5),
          surveyId: 'csat-1',
          comment: 'Quick delivery, thanks.',
        });
        break;
      case 'loyalty.points_redeemed':
        yield envelope(type, 'store', at, { redemptionId: `RD-${n}`, points: 200 });
        break;
      case 'loyalty.points_adjusted':
        yield envelope(type, 'partner', at, {
          adjustmentId: `ADJ-${n}`,
          points: 50,
          reason: 'promotion',
        });
        break;
      case 'customer.identified':
        yield {
          ...envelope(type, 'web', at, { method: 'login' }),
          anonymousId: `v-${o.customerId}-${n}`,
        };
        break;
      case 'customer.profile_updated':
        yield envelope(type, 'mobile_app', at, {
          email: `c${o.customerId}.${n % 3}@example.cn`,
          consent: { email: rand() < 0.5 },
        });
    }
  }
}
