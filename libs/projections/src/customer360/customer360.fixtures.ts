import fc from 'fast-check';
import {
  EVENT_TYPES,
  type Channel,
  type EventType,
  type LineItem,
  type PayloadByType,
  type RecordedEvent,
  type RecordedEventOf,
} from '@touchpoint/contracts';
import { customer360Projection } from './customer360.projection';
import { DEFAULT_CUSTOMER360_POLICY } from './customer360.policy';
import { type Customer360State } from './customer360.state';

/** Test support only: builders that produce events the contract accepts (checked in a spec). */

export function uuid(n: number): string {
  return `0190c2a4-1f00-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

const BASE_MS = Date.UTC(2024, 0, 1);

/** ISO-8601 UTC with seconds, `day` days after 2024-01-01, at `hour`:`minute`. */
export function day(n: number, hour = 12, minute = 0): string {
  return new Date(BASE_MS + n * 86_400_000 + hour * 3_600_000 + minute * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');
}

export function dayDate(n: number, hour = 12): Date {
  return new Date(BASE_MS + n * 86_400_000 + hour * 3_600_000);
}

export interface Who {
  readonly customerId?: string;
  readonly anonymousId?: string;
}

export function recorded<T extends EventType>(
  type: T,
  n: number,
  who: Who,
  occurredAt: string,
  payload: PayloadByType[T],
  channel: Channel = 'web',
): RecordedEvent {
  const event: RecordedEventOf<T> = {
    eventId: uuid(n),
    type,
    schemaVersion: type === 'web.visited' || type === 'purchase.completed' ? 2 : 1,
    ...(who.customerId !== undefined ? { customerId: who.customerId } : {}),
    ...(who.anonymousId !== undefined ? { anonymousId: who.anonymousId } : {}),
    channel,
    occurredAt,
    receivedAt: '2026-01-01T00:00:00.000Z',
    source: 'test-suite',
    correlationId: `corr-${n}`,
    payload,
  };
  return event as unknown as RecordedEvent;
}

export const registered = (
  n: number,
  customerId: string,
  at: string,
  payload: PayloadByType['customer.registered'] = {},
): RecordedEvent => recorded('customer.registered', n, { customerId }, at, payload, 'store');

export const profileUpdated = (
  n: number,
  customerId: string,
  at: string,
  payload: PayloadByType['customer.profile_updated'],
): RecordedEvent =>
  recorded('customer.profile_updated', n, { customerId }, at, payload, 'mobile_app');

export const identified = (
  n: number,
  customerId: string,
  anonymousId: string,
  at: string,
): RecordedEvent =>
  recorded('customer.identified', n, { customerId, anonymousId }, at, { method: 'registration' });

export const merged = (n: number, target: string, source: string, at: string): RecordedEvent =>
  recorded(
    'customer.merged',
    n,
    { customerId: target },
    at,
    { mergedCustomerId: source },
    'call_centre',
  );

export const erased = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded('customer.erased', n, { customerId }, at, { reason: 'customer_request' }, 'email');

export const call = (n: number, who: Who, at: string, complaintId?: string): RecordedEvent =>
  recorded(
    'call.logged',
    n,
    who,
    at,
    {
      callId: `CALL-${n}`,
      direction: 'inbound',
      durationSeconds: 420,
      outcome: 'escalated',
      summary: 'Customer Wang Lei called about parcel at 12 Long Road',
      ...(complaintId !== undefined ? { complaintId } : {}),
    },
    'call_centre',
  );

export const emailSent = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded(
    'email.sent',
    n,
    { customerId },
    at,
    { messageId: `m-${n}`, kind: 'marketing', campaignId: 'spring' },
    'email',
  );

export const emailOpened = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded('email.opened', n, { customerId }, at, { messageId: `m-${n}` }, 'email');

export const emailClicked = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded(
    'email.clicked',
    n,
    { customerId },
    at,
    { messageId: `m-${n}`, url: 'https://shop.example.cn/x' },
    'email',
  );

export const emailReceived = (n: number, who: Who, at: string): RecordedEvent =>
  recorded(
    'email.received',
    n,
    who,
    at,
    { messageId: `in-${n}`, subject: 'Where is my parcel?' },
    'email',
  );

export interface VisitSpec {
  readonly sessionId: string;
  readonly viewed?: readonly string[];
  readonly cart?: readonly string[];
  readonly checkout?: boolean;
  readonly converted?: boolean;
}

const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  'STR-400': 'CityLite stroller',
  'STR-520': 'TrailMax stroller',
  'CAR-110': 'SafeRide car seat',
};

export const webVisit = (n: number, who: Who, at: string, v: VisitSpec): RecordedEvent =>
  recorded('web.visited', n, who, at, {
    sessionId: v.sessionId,
    pages: [{ path: '/' }, ...(v.viewed ?? []).map((sku) => ({ path: `/p/${sku}` }))],
    productsViewed: (v.viewed ?? []).map((sku) => ({
      sku,
      ...(PRODUCT_NAMES[sku] !== undefined ? { name: PRODUCT_NAMES[sku] } : {}),
      category: 'baby/strollers',
    })),
    cartAdds: (v.cart ?? []).map((sku) => ({ sku, category: 'baby/strollers', quantity: 1 })),
    checkoutStarted: v.checkout ?? false,
    converted: v.converted ?? false,
  });

export interface PurchaseSpec {
  readonly orderId: string;
  readonly total: number;
  readonly currency?: string;
  readonly items?: readonly LineItem[];
}

export const purchase = (
  n: number,
  customerId: string,
  at: string,
  p: PurchaseSpec,
  channel: Channel = 'store',
): RecordedEvent =>
  recorded(
    'purchase.completed',
    n,
    { customerId },
    at,
    {
      orderId: p.orderId,
      currency: p.currency ?? 'CNY',
      items: p.items ?? [
        { sku: 'SKU-1', name: 'Thing', category: 'gifts', quantity: 1, unitPrice: p.total },
      ],
      total: p.total,
    },
    channel,
  );

export const refund = (
  n: number,
  customerId: string,
  at: string,
  orderId: string,
  refundId: string,
  amount: number,
): RecordedEvent =>
  recorded(
    'purchase.refunded',
    n,
    { customerId },
    at,
    { orderId, refundId, amount, currency: 'CNY', reason: 'Late delivery for Mrs Wang' },
    'call_centre',
  );

export const complaintOpened = (
  n: number,
  customerId: string,
  at: string,
  complaintId: string,
): RecordedEvent =>
  recorded(
    'complaint.opened',
    n,
    { customerId },
    at,
    {
      complaintId,
      category: 'delivery',
      severity: 'high',
      description: 'Wang Lei at 12 Long Road: parcel two weeks late',
      orderId: 'O-88120',
    },
    'call_centre',
  );

export const complaintResolved = (
  n: number,
  customerId: string,
  at: string,
  complaintId: string,
  points?: number,
): RecordedEvent =>
  recorded(
    'complaint.resolved',
    n,
    { customerId },
    at,
    {
      complaintId,
      resolution: 'Re-sent by courier',
      ...(points !== undefined ? { compensation: { points } } : {}),
    },
    'call_centre',
  );

export const feedback = (
  n: number,
  who: Who,
  at: string,
  scores: { readonly csat?: number; readonly nps?: number },
): RecordedEvent =>
  recorded(
    'feedback.submitted',
    n,
    who,
    at,
    { ...scores, comment: 'Thanks, Wang Lei', surveyId: 'csat-1' },
    'email',
  );

export const redeemed = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded(
    'loyalty.points_redeemed',
    n,
    { customerId },
    at,
    { redemptionId: `RD-${n}`, points: 200 },
    'store',
  );

export const adjusted = (n: number, customerId: string, at: string): RecordedEvent =>
  recorded(
    'loyalty.points_adjusted',
    n,
    { customerId },
    at,
    { adjustmentId: `ADJ-${n}`, points: -120, reason: 'expiry' },
    'partner',
  );

/** One event of every type in the catalogue, for customer `c-1` (and visitor `v-1`). */
export function oneOfEach(): Readonly<Record<EventType, RecordedEvent>> {
  const c = 'c-1';
  return {
    'customer.registered': registered(1, c, day(0), {
      name: { given: 'Mei', family: 'Lin' },
      email: 'Mei.Lin@Example.cn',
      phone: '+86 138 0013 8000',
      birthDate: '1990-05-14',
      address: { line1: '88 Century Avenue', city: 'Shanghai', country: 'CN' },
      loyaltyCardId: 'HC-000123',
      consent: { email: true, sms: false },
    }),
    'customer.profile_updated': profileUpdated(2, c, day(1), {
      phone: '+86-139-0000-0001',
      consent: { sms: true },
    }),
    'customer.identified': identified(3, c, 'v-1', day(2)),
    'customer.merged': merged(4, c, 'c-2', day(3)),
    'customer.erased': erased(5, c, day(50)),
    'call.logged': call(6, { customerId: c }, day(4)),
    'email.sent': emailSent(7, c, day(5)),
    'email.opened': emailOpened(8, c, day(5, 13)),
    'email.clicked': emailClicked(9, c, day(5, 14)),
    'email.received': emailReceived(10, { customerId: c }, day(6)),
    'web.visited': webVisit(11, { customerId: c }, day(7), {
      sessionId: 's-1',
      viewed: ['STR-400'],
      cart: ['STR-400'],
    }),
    'purchase.completed': purchase(12, c, day(8), { orderId: 'O-1', total: 1000 }),
    'purchase.refunded': refund(13, c, day(9), 'O-1', 'R-1', 300),
    'complaint.opened': complaintOpened(14, c, day(10), 'K-1'),
    'complaint.resolved': complaintResolved(15, c, day(11), 'K-1', 500),
    'feedback.submitted': feedback(16, { customerId: c }, day(12), { csat: 4, nps: 9 }),
    'loyalty.points_redeemed': redeemed(17, c, day(13)),
    'loyalty.points_adjusted': adjusted(18, c, day(14)),
  };
}

// ---- folding helpers -------------------------------------------------------------------------

const policy = DEFAULT_CUSTOMER360_POLICY;

export function fold(
  events: readonly RecordedEvent[],
  key: string,
  from?: Customer360State,
): Customer360State {
  return events.reduce(
    (state, event, i) =>
      customer360Projection.evolve(
        state,
        { event, position: { partition: 0, offset: String(i) } },
        key,
        policy,
      ),
    from ?? customer360Projection.initial(key),
  );
}

/** What the streaming shell does: each event goes to every document it keys. */
export function route(events: readonly RecordedEvent[]): Map<string, Customer360State> {
  const docs = new Map<string, Customer360State>();
  events.forEach((event, i) => {
    for (const key of customer360Projection.keys(event)) {
      const state = docs.get(key) ?? customer360Projection.initial(key);
      docs.set(
        key,
        customer360Projection.evolve(
          state,
          { event, position: { partition: 0, offset: String(i) } },
          key,
          policy,
        ),
      );
    }
  });
  return docs;
}

// ---- generators ------------------------------------------------------------------------------

// Every type of the catalogue: the properties must hold over all of them.
const GENERATED_TYPES = EVENT_TYPES;

interface EventSeed {
  readonly type: (typeof GENERATED_TYPES)[number];
  readonly day: number;
  readonly hour: number;
  readonly pick: number;
  readonly flag: boolean;
}

const seedArb: fc.Arbitrary<EventSeed> = fc.record({
  type: fc.constantFrom(...GENERATED_TYPES),
  // Few distinct days and hours so equal timestamps (ties broken by eventId) do happen.
  day: fc.integer({ min: 0, max: 60 }),
  hour: fc.integer({ min: 0, max: 2 }),
  pick: fc.nat({ max: 1000 }),
  flag: fc.boolean(),
});

const NAMES = [{ given: 'Mei', family: 'Lin' }, { given: 'Ana' }, { family: 'Zhao' }];
const EMAILS = ['mei@example.cn', 'MEI.LIN@example.cn', 'z@example.com'];
const PHONES = ['+86 138 0013 8000', '+44 20 7946 0000', '+1 (212) 555-0100'];

function profilePatch(pick: number): PayloadByType['customer.profile_updated'] {
  const choice = <T>(xs: readonly T[], k: number): T => xs[k % xs.length] as T;
  switch (pick % 6) {
    case 0:
      return { name: choice(NAMES, pick >> 3) };
    case 1:
      return { email: choice(EMAILS, pick >> 3), consent: { email: pick % 2 === 0 } };
    case 2:
      return { phone: choice(PHONES, pick >> 3) };
    case 3:
      return { email: null, consent: { sms: (pick >> 3) % 2 === 0 } };
    case 4:
      return { birthDate: '1990-05-14', loyaltyCardId: `HC-${pick % 3}` };
    default:
      return { name: null, phone: null, consent: { profiling: true } };
  }
}

/** One customer's event from a seed; ids are drawn from small pools so records collide. */
export function eventFromSeed(seed: EventSeed, n: number, customerId: string): RecordedEvent {
  const at = day(seed.day, seed.hour);
  const c = customerId;
  const k = seed.pick;
  switch (seed.type) {
    case 'customer.registered':
      return registered(n, c, at, {
        ...(k % 2 === 0 ? { name: NAMES[k % NAMES.length] ?? {} } : {}),
        email: EMAILS[k % EMAILS.length] ?? 'x@example.com',
        consent: { email: seed.flag },
      });
    case 'customer.profile_updated':
      return profileUpdated(n, c, at, profilePatch(k));
    case 'customer.identified':
      return identified(n, c, `v-${k % 3}`, at);
    case 'customer.merged':
      return merged(n, c, `c-other-${k % 2}`, at);
    case 'customer.erased':
      return erased(n, c, at);
    case 'call.logged':
      return call(n, { customerId: c }, at, seed.flag ? `K-${k % 3}` : undefined);
    case 'email.sent':
      return emailSent(n, c, at);
    case 'email.opened':
      return emailOpened(n, c, at);
    case 'email.clicked':
      return emailClicked(n, c, at);
    case 'email.received':
      return emailReceived(n, { customerId: c }, at);
    case 'web.visited':
      return webVisit(n, { customerId: c }, at, {
        sessionId: `s-${k % 4}`,
        viewed: ['STR-400', 'STR-520', 'CAR-110'].slice(0, 1 + (k % 3)),
        cart: seed.flag ? ['STR-400'] : [],
        checkout: k % 5 === 0,
        converted: k % 7 === 0,
      });
    case 'purchase.completed':
      return purchase(n, c, at, {
        orderId: `O-${k % 5}`,
        total: 100 * (1 + (k % 50)),
        currency: k % 11 === 0 ? 'EUR' : 'CNY',
      });
    case 'purchase.refunded':
      return refund(n, c, at, `O-${k % 5}`, `R-${k % 3}`, 10 * (1 + (k % 9)));
    case 'complaint.opened':
      return complaintOpened(n, c, at, `K-${k % 3}`);
    case 'complaint.resolved':
      return complaintResolved(n, c, at, `K-${k % 3}`, seed.flag ? 100 * (1 + (k % 6)) : undefined);
    case 'feedback.submitted':
      return feedback(
        n,
        { customerId: c },
        at,
        seed.flag ? { csat: 1 + (k % 5) } : { nps: k % 11, csat: 1 + (k % 5) },
      );
    case 'loyalty.points_redeemed':
      return redeemed(n, c, at);
    case 'loyalty.points_adjusted':
      return adjusted(n, c, at);
  }
}

/** A customer's history: every type, unique eventIds, colliding business ids and times. */
export function customerEventsArb(
  customerId = 'c-1',
  maxLength = 40,
): fc.Arbitrary<RecordedEvent[]> {
  return fc
    .array(seedArb, { minLength: 1, maxLength })
    .map((seeds) => seeds.map((s, i) => eventFromSeed(s, 1000 + i, customerId)));
}

/** Canonical JSON: key order does not matter, so equal states give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}
