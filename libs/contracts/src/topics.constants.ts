import { AppError } from '@touchpoint/core';
import { type RecordedEvent } from './catalogue.types';

export interface TopicNames {
  readonly events: string;
  readonly dlq: string;
  /** Change notices of the read models (DESIGN §4 "Fresh"); the query side follows them. */
  readonly changes: string;
}

/** One prefix per deployment, so several installations can share a cluster. */
export function topicNames(prefix = 'touchpoint'): TopicNames {
  return { events: `${prefix}.events`, dlq: `${prefix}.events.dlq`, changes: `${prefix}.changes` };
}

/** Kafka header names; lower-case because some clients normalise header case. */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  eventId: 'x-event-id',
  eventType: 'x-event-type',
  schemaVersion: 'x-schema-version',
  source: 'x-source',
  /** Human-readable reason a record was dead-lettered. */
  dlqReason: 'x-dlq-reason',
  /** Machine-readable code (a violation code such as `not_json`, or a processing error code). */
  dlqErrorCode: 'x-dlq-error-code',
  /** JSON array of field violations, when the reason was validation. */
  dlqViolations: 'x-dlq-violations',
  dlqOriginalTopic: 'x-dlq-original-topic',
  dlqOriginalPartition: 'x-dlq-original-partition',
  dlqOriginalOffset: 'x-dlq-original-offset',
  /** ISO-8601 instant the record was dead-lettered (from the caller's clock). */
  dlqFailedAt: 'x-dlq-failed-at',
} as const;

export type HeaderName = (typeof HEADERS)[keyof typeof HEADERS];

/** What each header carries; rendered into docs/events.md. */
export const HEADER_MEANINGS: Readonly<Record<keyof typeof HEADERS, string>> = {
  correlationId: 'correlation id of the request that produced the event (also in logs)',
  eventId: 'the event id (idempotency key)',
  eventType: 'the event type, so consumers can filter without parsing',
  schemaVersion: 'schema version of the payload as written',
  source: 'channel application that sent the event',
  dlqReason: 'DLQ: human-readable reason the record was dead-lettered',
  dlqErrorCode:
    "DLQ: machine-readable code (`not_json`, `unknown_type`, ... or a processing error code such as `document_too_large`: a valid event a read model refused because it would take a document past `PROJECTOR_MAX_DOCUMENT_KB`; the reason names the model's collection and the document)",
  dlqViolations: 'DLQ: JSON array of field violations, when the reason was validation',
  dlqOriginalTopic: 'DLQ: topic the record was read from',
  dlqOriginalPartition: 'DLQ: partition the record was read from',
  dlqOriginalOffset: 'DLQ: offset the record was read from',
  dlqFailedAt: 'DLQ: ISO-8601 instant the record was dead-lettered',
};

/**
 * Kafka key: one customer's events share a partition and so stay ordered. Anonymous events are
 * keyed by visitor until identification; read models must not depend on the cross-partition
 * order that results (see customer.identified).
 */
export function partitionKey(event: {
  readonly customerId?: string;
  readonly anonymousId?: string;
}): string {
  const key = event.customerId ?? event.anonymousId;
  if (key === undefined) {
    throw AppError.validation('missing_identity', 'an event needs a customerId or an anonymousId');
  }
  return key;
}

/** The headers a recorded event travels with on the events topic. */
export function eventHeaders(
  event: RecordedEvent,
): Record<HeaderName, string> & Record<string, string> {
  return {
    [HEADERS.eventId]: event.eventId,
    [HEADERS.eventType]: event.type,
    [HEADERS.schemaVersion]: String(event.schemaVersion),
    [HEADERS.source]: event.source,
    [HEADERS.correlationId]: event.correlationId,
  } as Record<HeaderName, string>;
}
