import type { RecordedEvent } from '@touchpoint/contracts';

export const CUSTOMER_STREAM_PREFIX = 'customer-';
export const VISITOR_STREAM_PREFIX = 'visitor-';

export function customerStream(customerId: string): string {
  return `${CUSTOMER_STREAM_PREFIX}${customerId}`;
}

export function visitorStream(anonymousId: string): string {
  return `${VISITOR_STREAM_PREFIX}${anonymousId}`;
}

/**
 * Every stream an event belongs to: one per identity it names. So `customer-<id>` is the whole
 * history of that customer, including the `customer.identified` events that link its visitor
 * streams and the `customer.merged` events that fold other customers into it (or it into
 * another) — which is what export and rebuild follow.
 */
export function streamsOf(event: RecordedEvent): string[] {
  const streams: string[] = [];
  if (event.customerId !== undefined) streams.push(customerStream(event.customerId));
  if (event.anonymousId !== undefined) streams.push(visitorStream(event.anonymousId));
  if (event.type === 'customer.merged') {
    streams.push(customerStream(event.payload.mergedCustomerId));
  }
  return [...new Set(streams)];
}

/** Streams an event in a customer's stream links to (its visitors, the customers merged with it). */
export function linkedStreams(event: RecordedEvent): string[] {
  return event.type === 'customer.identified' || event.type === 'customer.merged'
    ? streamsOf(event)
    : [];
}
