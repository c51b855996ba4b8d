import {
  type EventType,
  type PayloadByType,
  type RecordedEvent,
  type RecordedEventOf,
  parseOffsetTimestamp,
} from '@touchpoint/contracts';
import { type PositionedEvent, customerKey } from '../projection.types';
import { type LoyaltyPolicy, DEFAULT_LOYALTY_POLICY } from './loyalty.policy';
import { evolveLoyalty, initialLoyaltyState, loyaltyKeys } from './loyalty.projection';
import { type LoyaltyState } from './loyalty.types';

/**
 * Test builders for recorded events. Every builder's output is checked against
 * `validateRecordedEvent` in loyalty.fixtures.spec.ts, so the fixtures cannot drift from the
 * contract.
 */

let counter = 0;

/** A valid v4-shaped UUID from a number, so tests can name ids and sort them predictably. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function nextId(): string {
  counter += 1;
  return uuid(0x100000 + counter);
}

export interface Envelope {
  /** Defaults to `c-1`, unless `anonymousId` alone is given (a visitor's event). */
  readonly customerId?: string;
  readonly anonymousId?: string;
  readonly eventId?: string;
  /** ISO-8601 with offset. */
  readonly at: string;
}

function recorded<T extends EventType>(
  type: T,
  env: Envelope,
  payload: PayloadByType[T],
  channel: RecordedEvent['channel'] = 'store',
): RecordedEventOf<T> {
  const eventId = env.eventId ?? nextId();
  const ms = parseOffsetTimestamp(env.at);
  if (ms === undefined) throw new Error(`fixture: bad time ${env.at}`);
  return {
    eventId,
    type,
    schemaVersion: type === 'purchase.completed' || type === 'web.visited' ? 2 : 1,
    ...(env.anonymousId !== undefined && env.customerId === undefined
      ? {}
      : { customerId: env.customerId ?? 'c-1' }),
    ...(env.anonymousId === undefined ? {} : { anonymousId: env.anonymousId }),
    channel,
    occurredAt: env.at,
    receivedAt: new Date(ms).toISOString(),
    source: 'fixture-app',
    correlationId: eventId,
    payload,
  };
}

export function registered(env: Envelope): RecordedEventOf<'customer.registered'> {
  return recorded('customer.registered', env, { loyaltyCardId: 'HC-000123' });
}

export function purchase(
  env: Envelope & { orderId: string; total: number; currency?: string },
): RecordedEventOf<'purchase.completed'> {
  return recorded(
    'purchase.completed',
    env,
    {
      orderId: env.orderId,
      currency: env.currency ?? 'CNY',
      items: [{ sku: 'SKU-1', name: 'Item', category: 'gifts', quantity: 1, unitPrice: env.total }],
      total: env.total,
    },
    'web',
  );
}

export function refund(
  env: Envelope & { orderId: string; refundId: string; amount: number; currency?: string },
): RecordedEventOf<'purchase.refunded'> {
  return recorded('purchase.refunded', env, {
    orderId: env.orderId,
    refundId: env.refundId,
    amount: env.amount,
    currency: env.currency ?? 'CNY',
  });
}

export function redeemed(
  env: Envelope & { redemptionId: string; points: number; reward?: string },
): RecordedEventOf<'loyalty.points_redeemed'> {
  return recorded('loyalty.points_redeemed', env, {
    redemptionId: env.redemptionId,
    points: env.points,
    ...(env.reward === undefined ? {} : { reward: env.reward }),
  });
}

export function adjusted(
  env: Envelope & { adjustmentId: string; points: number; reason: string; complaintId?: string },
): RecordedEventOf<'loyalty.points_adjusted'> {
  return recorded('loyalty.points_adjusted', env, {
    adjustmentId: env.adjustmentId,
    points: env.points,
    reason: env.reason,
    ...(env.complaintId === undefined ? {} : { complaintId: env.complaintId }),
  });
}

export function complaintResolved(
  env: Envelope & { complaintId: string; points?: number },
): RecordedEventOf<'complaint.resolved'> {
  return recorded(
    'complaint.resolved',
    env,
    {
      complaintId: env.complaintId,
      resolution: 'Parcel re-sent by express courier; apology.',
      ...(env.points === undefined ? {} : { compensation: { points: env.points } }),
    },
    'call_centre',
  );
}

export function complaintOpened(
  env: Envelope & { complaintId: string },
): RecordedEventOf<'complaint.opened'> {
  return recorded(
    'complaint.opened',
    env,
    {
      complaintId: env.complaintId,
      category: 'delivery',
      severity: 'high',
      description: 'Delivery two weeks late',
    },
    'call_centre',
  );
}

export function merged(
  env: Envelope & { mergedCustomerId: string },
): RecordedEventOf<'customer.merged'> {
  return recorded('customer.merged', env, { mergedCustomerId: env.mergedCustomerId });
}

export function identified(
  env: Envelope & { customerId: string; anonymousId: string },
): RecordedEventOf<'customer.identified'> {
  return recorded('customer.identified', env, { method: 'login' }, 'web');
}

export function erased(env: Envelope): RecordedEventOf<'customer.erased'> {
  return recorded('customer.erased', env, { reason: 'customer_request' }, 'email');
}

export function callLogged(env: Envelope): RecordedEventOf<'call.logged'> {
  return recorded(
    'call.logged',
    env,
    { callId: 'CALL-1', direction: 'inbound', durationSeconds: 60 },
    'call_centre',
  );
}

export function feedback(env: Envelope & { csat: number }): RecordedEventOf<'feedback.submitted'> {
  return recorded('feedback.submitted', env, { csat: env.csat }, 'email');
}

export function positioned(event: RecordedEvent, offset = 0): PositionedEvent {
  return { event, position: { partition: 0, offset: String(offset) } };
}

/** Folds events for one customer the way the shell does: only events keyed to that document. */
export function foldFor(
  customerId: string,
  events: readonly RecordedEvent[],
  policy: LoyaltyPolicy = DEFAULT_LOYALTY_POLICY,
  from?: LoyaltyState,
): LoyaltyState {
  const key = customerKey(customerId);
  let state = from ?? initialLoyaltyState(key);
  events.forEach((event, i) => {
    if (loyaltyKeys(event).includes(key)) {
      state = evolveLoyalty(state, positioned(event, i), key, policy);
    }
  });
  return state;
}

/** `base` shifted by whole days and hours, as an ISO string in the given offset (default +08:00). */
export function shift(base: string, days: number, hours = 0): string {
  const ms = parseOffsetTimestamp(base);
  if (ms === undefined) throw new Error(`fixture: bad time ${base}`);
  const offsetMatch = /([+-]\d{2}):(\d{2})$/.exec(base);
  const offsetMin = offsetMatch
    ? (offsetMatch[1]?.startsWith('-') ? -1 : 1) *
      (Math.abs(Number(offsetMatch[1])) * 60 + Number(offsetMatch[2]))
    : 0;
  const local = new Date(ms + days * 86_400_000 + hours * 3_600_000 + offsetMin * 60_000);
  const text = local.toISOString().slice(0, 19);
  if (!offsetMatch) return `${text}Z`;
  return `${text}${offsetMatch[0]}`;
}
