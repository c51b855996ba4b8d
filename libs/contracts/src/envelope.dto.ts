import { EVENT_TYPES, type EventType } from './catalogue.types';
import { CHANNELS, type Channel } from './channels.constants';
import {
  AnyObject,
  CORRELATION_ID_PATTERN,
  Id,
  Int,
  OneOf,
  Str,
  Timestamp,
  Uuid,
} from './field-rules.decorators';

const correlation = {
  max: 128,
  pattern: CORRELATION_ID_PATTERN,
  patternCode: 'invalid_correlation_id' as const,
  patternMessage: 'must be 1-128 characters from letters, digits and . _ : / + = @ -',
};

/**
 * The fields every event shares. Identity presence (customerId vs anonymousId) depends on the
 * event type, so it is checked by the validator, not here. The payload is only checked to be
 * an object here; its class depends on `type` and `schemaVersion`.
 */
export class EnvelopeBaseDto {
  @Uuid({ doc: 'Idempotency key everywhere; the same id is counted once.' })
  eventId!: string;

  @OneOf(EVENT_TYPES, { code: 'unknown_type', doc: 'Event type from the catalogue.' })
  type!: EventType;

  @Int({ min: 1, doc: 'Payload schema version; older versions are upcast on read.' })
  schemaVersion!: number;

  @Id({ optional: true, doc: 'Known customer. Required unless anonymousId is given.' })
  customerId?: string;

  @Id({ optional: true, doc: 'Web/app visitor id before identification.' })
  anonymousId?: string;

  @OneOf(CHANNELS, { code: 'invalid_channel', doc: 'Where the interaction happened.' })
  channel!: Channel;

  @Timestamp({ doc: 'Event time, ISO-8601 with seconds and offset; kept as sent.' })
  occurredAt!: string;

  @AnyObject({ doc: 'Type-specific body, see the catalogue.' })
  payload!: Record<string, unknown>;
}

export class IncomingEnvelopeDto extends EnvelopeBaseDto {
  @Str({ ...correlation, optional: true, doc: 'Ties logs and Kafka headers together.' })
  correlationId?: string;
}

export class RecordedEnvelopeDto extends EnvelopeBaseDto {
  @Str({ ...correlation, doc: 'From the client, the request header, or the eventId.' })
  correlationId!: string;

  @Timestamp({ doc: 'Set by the platform when it accepted the event.' })
  receivedAt!: string;

  @Id({ doc: 'Channel application that sent the event, from its credentials.' })
  source!: string;
}
