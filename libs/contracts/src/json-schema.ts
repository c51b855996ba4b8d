import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { type ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { EVENT_TYPES, type EventType } from './catalogue.types';
import { EVENT_TYPE_INFO } from './catalogue.constants';
import { IncomingEnvelopeDto, RecordedEnvelopeDto } from './envelope.dto';
import { type DtoClass, type FragmentSource, nestedFields } from './field-rules.decorators';
import { CURRENT_SCHEMA_VERSION, payloadDtoClass } from './payload-classes';
import { VIOLATION_CODES } from './violation-codes.constants';

export type JsonSchema = Record<string, unknown>;

export interface SchemaOptions {
  /** '#/definitions/' for standalone JSON Schema, '#/components/schemas/' for OpenAPI. */
  readonly refPointerPrefix?: string;
}

const DEFAULT_PREFIX = '#/definitions/';

/** Each constraint carries its own fragment (see field-rules.decorators.ts); this unwraps it. */
function converters(): ISchemaConverters {
  const result: ISchemaConverters = {};
  for (const code of Object.keys(VIOLATION_CODES)) {
    result[code] = (meta, options) => {
      const source = (meta.constraints as unknown[] | undefined)?.[0] as FragmentSource | undefined;
      if (source === undefined) return {};
      return typeof source === 'function' ? source(options.refPointerPrefix) : source;
    };
  }
  return result;
}

/** Schema of one DTO class: closed (unknown fields are rejected by the validator too). */
export function dtoJsonSchema(cls: DtoClass, options: SchemaOptions = {}): JsonSchema {
  const schema = targetConstructorToSchema(cls, {
    additionalConverters: converters(),
    classValidatorMetadataStorage: getMetadataStorage(),
    refPointerPrefix: options.refPointerPrefix ?? DEFAULT_PREFIX,
  }) as JsonSchema;
  return { ...schema, additionalProperties: false };
}

/** The class and every DTO reachable from it through nested fields, in first-seen order. */
export function reachableDtos(root: DtoClass): DtoClass[] {
  const seen: DtoClass[] = [];
  const visit = (cls: DtoClass): void => {
    if (seen.includes(cls)) return;
    seen.push(cls);
    for (const field of nestedFields(cls).values()) visit(field.type());
  };
  visit(root);
  return seen;
}

/** Payload schema of one (type, version), with its nested definitions. */
export function payloadJsonSchema(
  type: EventType,
  schemaVersion = CURRENT_SCHEMA_VERSION[type],
  options: SchemaOptions = {},
): { schema: JsonSchema; definitions: Record<string, JsonSchema> } {
  const cls = payloadDtoClass(type, schemaVersion);
  if (!cls) throw new RangeError(`${type} has no schemaVersion ${schemaVersion}`);
  const definitions: Record<string, JsonSchema> = {};
  for (const dto of reachableDtos(cls)) definitions[dto.name] = dtoJsonSchema(dto, options);
  return { schema: definitions[cls.name] ?? {}, definitions };
}

const ENVELOPE_ORDER = [
  'eventId',
  'type',
  'schemaVersion',
  'customerId',
  'anonymousId',
  'channel',
  'occurredAt',
  'correlationId',
  'receivedAt',
  'source',
  'payload',
];

/** Envelope schema with fields in reading order (class inheritance would put subclass fields first). */
export function envelopeJsonSchema(
  kind: 'incoming' | 'recorded',
  options: SchemaOptions = {},
): JsonSchema {
  const schema = dtoJsonSchema(
    kind === 'incoming' ? IncomingEnvelopeDto : RecordedEnvelopeDto,
    options,
  );
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const rank = (key: string) => {
    const i = ENVELOPE_ORDER.indexOf(key);
    return i === -1 ? ENVELOPE_ORDER.length : i;
  };
  const ordered = Object.fromEntries(
    Object.keys(props)
      .sort((a, b) => rank(a) - rank(b))
      .map((k) => [k, props[k]]),
  );
  const required = ((schema.required ?? []) as string[]).slice().sort((a, b) => rank(a) - rank(b));
  return { ...schema, properties: ordered, required };
}

function identitySchema(type: EventType): { required: string[]; anyOf?: JsonSchema[] } {
  switch (EVENT_TYPE_INFO[type].identity) {
    case 'customer':
      return { required: ['customerId'] };
    case 'customer_and_anonymous':
      return { required: ['customerId', 'anonymousId'] };
    case 'customer_or_anonymous':
      return { required: [], anyOf: [{ required: ['customerId'] }, { required: ['anonymousId'] }] };
  }
}

/**
 * One self-contained JSON Schema per event type for what a channel submits at the current
 * schema version. Generated from the DTO classes that validate, so the two cannot drift.
 */
export function eventJsonSchemas(options: SchemaOptions = {}): Record<EventType, JsonSchema> {
  const prefix = options.refPointerPrefix ?? DEFAULT_PREFIX;
  const envelope = envelopeJsonSchema('incoming', options);
  const envelopeProps = (envelope.properties ?? {}) as Record<string, JsonSchema>;
  const envelopeRequired = (envelope.required ?? []) as string[];
  const result = {} as Record<EventType, JsonSchema>;
  for (const type of EVENT_TYPES) {
    const { schema: payloadSchema, definitions } = payloadJsonSchema(type, undefined, options);
    const payloadClass = payloadDtoClass(type, CURRENT_SCHEMA_VERSION[type]);
    const identity = identitySchema(type);
    result[type] = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: type,
      description: EVENT_TYPE_INFO[type].purpose,
      type: 'object',
      additionalProperties: false,
      properties: {
        ...envelopeProps,
        type: { type: 'string', const: type },
        schemaVersion: { type: 'integer', const: CURRENT_SCHEMA_VERSION[type] },
        payload: payloadClass ? { $ref: `${prefix}${payloadClass.name}` } : payloadSchema,
      },
      required: [...new Set([...envelopeRequired, ...identity.required])],
      ...(identity.anyOf ? { anyOf: identity.anyOf } : {}),
      definitions,
    };
  }
  return result;
}
