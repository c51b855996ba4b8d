export * from './catalogue.types';
export * from './channels.constants';
export * from './violation-codes.constants';
export { EVENT_TYPE_INFO, type EventTypeInfo } from './catalogue.constants';
export { CURRENT_SCHEMA_VERSION, PAYLOAD_DTO_CLASSES, payloadDtoClass } from './payload-classes';
export { CURRENCY_MINOR_UNITS, currencyExponent, isCurrencyCode } from './currency.constants';
export { parseOffsetTimestamp, isOffsetTimestamp, isCalendarDate } from './timestamp';
export { EnvelopeBaseDto, IncomingEnvelopeDto, RecordedEnvelopeDto } from './envelope.dto';
export * from './customer-payloads.dto';
export * from './interaction-payloads.dto';
export * from './commerce-payloads.dto';
export * from './service-payloads.dto';
export * from './legacy-payloads.dto';
export {
  validateIncomingEvent,
  validateRecordedEvent,
  decodeRecordedEvent,
  encodeRecordedEvent,
  recordEvent,
  invalidEventError,
  SERVER_SET_FIELDS,
  type ValidationResult,
  type IncomingValidationOptions,
  type RecordedValidationOptions,
  type RecordingContext,
} from './validate-event';
export {
  UPCASTERS,
  upcastPayload,
  decimalToMinorUnits,
  type Upcaster,
  type UpcastResult,
} from './upcast';
export {
  eventJsonSchemas,
  envelopeJsonSchema,
  payloadJsonSchema,
  dtoJsonSchema,
  type JsonSchema,
  type SchemaOptions,
} from './json-schema';
export {
  topicNames,
  HEADERS,
  partitionKey,
  eventHeaders,
  type TopicNames,
  type HeaderName,
} from './topics.constants';
export { EXAMPLE_EVENTS, LEGACY_EXAMPLES } from './examples.fixtures';
export { stableStringify } from './stable-json';
export { renderEventDocs } from './event-docs';
export { ID_PATTERN } from './field-rules.decorators';
