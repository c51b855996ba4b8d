import {
  recordEvent,
  validateRecordedEvent,
  type IncomingEvent,
  type LineItem,
  type RecordedEvent,
} from '@touchpoint/contracts';
import { customerKey, type PositionedEvent } from '../projection.types';
import { crosssellProjection } from './crosssell.projection';
import { DEFAULT_CROSSSELL_POLICY, type CrosssellPolicy } from './crosssell.policy';
import { type CustomerBasketsState } from './crosssell.state';

/** A valid, deterministic UUID (v7 layout) per number, so tests control id order. */
export function uuid(n: number): string {
  return `0190c2a4-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * Records an incoming event as the platform would and validates it against the contract, so
 * the fixtures cannot drift from the catalogue.
 */
export function recorded(incoming: IncomingEvent): RecordedEvent {
  const event = recordEvent(incoming, {
    receivedAt: new Date('2026-01-01T00:00:00Z'),
    source: 'crosssell-tests',
  });
  const result = validateRecordedEvent(event);
  if (!result.ok) {
    throw new Error(`fixture violates the contract: ${JSON.stringify(result.violations)}`);
  }
  return result.event;
}

export function line(
  sku: string,
  category: string,
  unitPrice = 1000,
  quantity = 1,
  name = `Product ${sku}`,
): LineItem {
  return { sku, name, category, quantity, unitPrice };
}

export interface PurchaseSpec {
  readonly id: number;
  readonly orderId: string;
  readonly at: string;
  readonly items: readonly LineItem[];
  readonly customerId?: string;
  readonly anonymousId?: string;
  readonly total?: number;
  readonly currency?: string;
}

export function purchase(spec: PurchaseSpec): RecordedEvent {
  const identity =
    spec.anonymousId !== undefined && spec.customerId === undefined
      ? { anonymousId: spec.anonymousId }
      : { customerId: spec.customerId ?? 'c-1' };
  return recorded({
    eventId: uuid(spec.id),
    type: 'purchase.completed',
    schemaVersion: 2,
    ...identity,
    channel: 'store',
    occurredAt: spec.at,
    payload: {
      orderId: spec.orderId,
      currency: spec.currency ?? 'CNY',
      items: [...spec.items],
      total: spec.total ?? spec.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    },
  });
}

export interface RefundSpec {
  readonly id: number;
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: number;
  readonly at: string;
  readonly items?: readonly { sku: string; quantity: number }[];
  readonly customerId?: string;
}

export function refund(spec: RefundSpec): RecordedEvent {
  return recorded({
    eventId: uuid(spec.id),
    type: 'purchase.refunded',
    schemaVersion: 1,
    customerId: spec.customerId ?? 'c-1',
    channel: 'call_centre',
    occurredAt: spec.at,
    payload: {
      orderId: spec.orderId,
      refundId: spec.refundId,
      amount: spec.amount,
      currency: 'CNY',
      ...(spec.items === undefined ? {} : { items: [...spec.items] }),
    },
  });
}

export function erased(
  id: number,
  customerId = 'c-1',
  at = '2025-06-01T09:00:00+08:00',
): RecordedEvent {
  return recorded({
    eventId: uuid(id),
    type: 'customer.erased',
    schemaVersion: 1,
    customerId,
    channel: 'email',
    occurredAt: at,
    payload: { reason: 'customer_request', requestId: 'DSR-1' },
  });
}

export function identified(
  id: number,
  customerId: string,
  anonymousId: string,
  at = '2025-06-01T09:00:00+08:00',
): RecordedEvent {
  return recorded({
    eventId: uuid(id),
    type: 'customer.identified',
    schemaVersion: 1,
    customerId,
    anonymousId,
    channel: 'web',
    occurredAt: at,
    payload: { method: 'login' },
  });
}

export function merged(
  id: number,
  survivor: string,
  duplicate: string,
  at = '2025-06-01T09:00:00+08:00',
): RecordedEvent {
  return recorded({
    eventId: uuid(id),
    type: 'customer.merged',
    schemaVersion: 1,
    customerId: survivor,
    channel: 'call_centre',
    occurredAt: at,
    payload: { mergedCustomerId: duplicate, reason: 'Duplicate account' },
  });
}

export function positioned(event: RecordedEvent, offset = 0): PositionedEvent {
  return { event, position: { partition: 0, offset: String(offset) } };
}

/** Folds events into one document the way the shell does: only the events whose keys name it. */
export function fold(
  events: readonly RecordedEvent[],
  key = customerKey('c-1'),
  policy: CrosssellPolicy = DEFAULT_CROSSSELL_POLICY,
  from: CustomerBasketsState = crosssellProjection.initial(key),
): CustomerBasketsState {
  return events.reduce(
    (state, event, i) =>
      crosssellProjection.keys(event).includes(key)
        ? crosssellProjection.evolve(state, positioned(event, i), key, policy)
        : state,
    from,
  );
}

/** A JSON round-trip, as a document takes through MongoDB between batches. */
export function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
