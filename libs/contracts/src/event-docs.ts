import { EVENT_TYPES, type EventType, type IdentityRule } from './catalogue.types';
import { EVENT_TYPE_INFO } from './catalogue.constants';
import { CHANNELS } from './channels.constants';
import { EXAMPLE_EVENTS, LEGACY_EXAMPLES } from './examples.fixtures';
import { envelopeJsonSchema, type JsonSchema, payloadJsonSchema } from './json-schema';
import { CURRENT_SCHEMA_VERSION } from './payload-classes';
import { HEADERS, HEADER_MEANINGS, topicNames } from './topics.constants';
import { ID_PATTERN } from './field-rules.decorators';
import { UPCASTERS } from './upcast';
import { SERVER_SET_FIELDS } from './validate-event';
import { VIOLATION_CODES } from './violation-codes.constants';

/**
 * docs/events.md is rendered from the same schemas, examples and catalogue facts the validator
 * uses; a unit test fails when the committed file differs, so the docs cannot go stale.
 */

const REF_PREFIX = '#/definitions/';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text}\``;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === 'string' ? ref.slice(REF_PREFIX.length) : undefined;
}

function typeLabel(schema: JsonSchema): string {
  if (refName(schema)) return 'object';
  if (schema.type === 'array') {
    const items = (schema.items ?? {}) as JsonSchema;
    return `array of ${typeLabel(items)}`;
  }
  return typeof schema.type === 'string' ? schema.type : 'any';
}

function rules(schema: JsonSchema): string {
  const parts: string[] = [];
  const s = schema;
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.map((v) => code(String(v))).join(', ')}`);
  if (typeof s.format === 'string') parts.push(`format ${s.format}`);
  if (s.pattern === ID_PATTERN.source) {
    parts.push('id (see Ids)');
  } else {
    if (s.minLength === 1 && s.type === 'string') parts.push('non-empty');
    if (typeof s.maxLength === 'number') parts.push(`at most ${s.maxLength} chars`);
  }
  if (
    typeof s.pattern === 'string' &&
    typeof s.format !== 'string' &&
    s.pattern !== ID_PATTERN.source
  )
    parts.push(`pattern ${code(s.pattern)}`);
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number')
    parts.push(`${s.minimum}..${s.maximum}`);
  else if (typeof s.minimum === 'number') parts.push(`>= ${s.minimum}`);
  else if (typeof s.maximum === 'number') parts.push(`<= ${s.maximum}`);
  if (s.not !== undefined) parts.push('not 0');
  if (typeof s.minItems === 'number') parts.push(`at least ${s.minItems} element(s)`);
  if (typeof s.maxItems === 'number') parts.push(`at most ${s.maxItems} elements`);
  if (s.type === 'array') {
    const items = (s.items ?? {}) as JsonSchema;
    if (!refName(items)) {
      const inner = rules(items);
      if (inner) parts.push(`each: ${inner}`);
    }
  }
  const text = parts.join('; ');
  return typeof s.description === 'string'
    ? text
      ? `${text}. ${s.description}`
      : s.description
    : text;
}

function fieldRows(
  schema: JsonSchema,
  definitions: Record<string, JsonSchema>,
  prefix: string,
): string[][] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[][] = [];
  for (const [name, prop] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    rows.push([code(path), typeLabel(prop), required.has(name) ? 'yes' : 'no', rules(prop)]);
    const nested =
      refName(prop) ??
      (prop.type === 'array' ? refName((prop.items ?? {}) as JsonSchema) : undefined);
    const nestedSchema = nested ? definitions[nested] : undefined;
    if (nestedSchema) {
      rows.push(
        ...fieldRows(nestedSchema, definitions, prop.type === 'array' ? `${path}[].` : `${path}.`),
      );
    }
  }
  return rows;
}

const FIELD_HEADER = ['field', 'type', 'required', 'rules'] as const;

function identityText(rule: IdentityRule): string {
  switch (rule) {
    case 'customer':
      return '`customerId` required';
    case 'customer_or_anonymous':
      return '`customerId`, or `anonymousId` for a visitor not yet identified';
    case 'customer_and_anonymous':
      return 'both `customerId` and `anonymousId`';
  }
}

const json = (value: unknown): string =>
  ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

function renderEnvelope(): string {
  const incoming = envelopeJsonSchema('incoming', { refPointerPrefix: REF_PREFIX });
  const recorded = envelopeJsonSchema('recorded', { refPointerPrefix: REF_PREFIX });
  const recordedProps = (recorded.properties ?? {}) as Record<string, JsonSchema>;
  const recordedOnly: JsonSchema = {
    properties: Object.fromEntries(SERVER_SET_FIELDS.map((f) => [f, recordedProps[f] ?? {}])),
    required: SERVER_SET_FIELDS,
  };
  return [
    '## Envelope',
    '',
    'Every event is one UTF-8 JSON object. Clients submit the **incoming** envelope; the platform',
    'records it on the log as the **recorded** envelope (incoming + `receivedAt`, `source`, and a',
    'guaranteed `correlationId`).',
    '',
    table(FIELD_HEADER, fieldRows(incoming, {}, '')),
    '',
    'Set by the platform (recorded events only):',
    '',
    table(FIELD_HEADER, fieldRows(recordedOnly, {}, '')),
    '',
    'Rules that span fields:',
    '',
    '- **Identity.** `customerId` is required unless `anonymousId` is given; some types need more (see each type).',
    '- **Event time.** `occurredAt` must carry seconds and an explicit offset (`Z` or `+08:00`) and is kept as sent; it may lie at most the configured skew in the future of the platform clock (`too_far_in_future`). For recorded events the check, when enabled, compares with `receivedAt`, so replays give the same verdict.',
    "- **Server fields.** A client that sends `receivedAt` or `source` is rejected with `server_field`: they come from the platform clock and the caller's credentials, and silently dropping them would hide the client's mistake.",
    "- **Correlation.** When the event has no `correlationId`, the request's `x-correlation-id` header is used, else the `eventId`.",
    '- **Closed schemas.** Unknown fields anywhere are rejected (`unknown_field`), so a misspelt optional field cannot vanish silently.',
    '- **null.** In an optional field `null` means "absent" (and is dropped), except at the top level of a `customer.profile_updated` payload, where it clears the field.',
    '- **Ids.** `eventId` is any RFC 9562 UUID and is stored lower-case. Other ids start with a letter or digit and use only letters, digits and `. _ : @ -` (at most 128 characters), because they become Kafka keys and stream names.',
    '- **Money** is always integer minor units (fen, cents) plus an ISO 4217 code; negative or fractional amounts are rejected.',
    '- **Schema versions.** `schemaVersion` is per type. Older versions are validated as sent, then upcast to the current version by pure functions; versions newer than the platform knows are rejected with `unsupported_schema_version`.',
    '',
    'Validation reports every violation at once, each with a dotted `path` (`payload.items[0].unitPrice`; `$` for the whole body) and a machine-readable `code`.',
  ].join('\n');
}

function renderKafka(): string {
  const names = topicNames();
  const headerRows = (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).map((key) => [
    code(HEADERS[key]),
    HEADER_MEANINGS[key],
  ]);
  return [
    '## Kafka',
    '',
    `- Events topic: ${code(names.events)}; dead-letter topic: ${code(names.dlq)} (the prefix \`touchpoint\` is configurable).`,
    "- Record key: `customerId`, or `anonymousId` when there is none. One customer's events share a partition and stay ordered.",
    '- Record value: the recorded event as UTF-8 JSON with object keys sorted (stable bytes for equal events).',
    '- A producer writing to the topic directly must write recorded events (with `receivedAt`, `source` and `correlationId`). Records that are not JSON (`not_json`) or fail validation go to the dead-letter topic with the raw bytes and the reason in headers; the partition keeps flowing.',
    '',
    table(['header', 'meaning'], headerRows),
  ].join('\n');
}

function renderCodes(): string {
  return [
    '## Violation codes',
    '',
    table(
      ['code', 'meaning'],
      Object.entries(VIOLATION_CODES).map(([name, meaning]) => [code(name), meaning]),
    ),
  ].join('\n');
}

function renderType(type: EventType): string {
  const info = EVENT_TYPE_INFO[type];
  const version = CURRENT_SCHEMA_VERSION[type];
  const { schema, definitions } = payloadJsonSchema(type, version, {
    refPointerPrefix: REF_PREFIX,
  });
  const rows = fieldRows(schema, definitions, 'payload.');
  const parts = [
    `### ${code(type)}`,
    '',
    info.purpose,
    '',
    `- Current \`schemaVersion\`: **${version}**`,
    `- Identity: ${identityText(info.identity)}`,
    ...info.notes.map((n) => `- ${n}`),
    '',
    rows.length > 0 ? table(FIELD_HEADER, rows) : '_The payload is an empty object `{}`._',
    '',
    'Example:',
    '',
    json(EXAMPLE_EVENTS[type]),
  ];
  for (const upcaster of UPCASTERS.filter((u) => u.type === type)) {
    const old = payloadJsonSchema(type, upcaster.from, { refPointerPrefix: REF_PREFIX });
    parts.push(
      '',
      `Upcasting v${upcaster.from} -> v${upcaster.from + 1}: ${upcaster.description}`,
      '',
      `Payload of v${upcaster.from} (still accepted and read):`,
      '',
      table(FIELD_HEADER, fieldRows(old.schema, old.definitions, 'payload.')),
    );
    const legacy = (
      LEGACY_EXAMPLES as Partial<Record<EventType, { v1: unknown; upcastPayload: unknown }>>
    )[type];
    if (legacy && upcaster.from === 1) {
      parts.push(
        '',
        'A v1 record:',
        '',
        json(legacy.v1),
        '',
        'and its payload after upcasting:',
        '',
        json(legacy.upcastPayload),
      );
    }
  }
  return parts.join('\n');
}

export function renderEventDocs(): string {
  const summary = table(
    ['type', 'schemaVersion', 'identity', 'purpose'],
    EVENT_TYPES.map((t) => [
      `[${code(t)}](#${t.replace(/[^a-z0-9_-]/g, '')})`,
      String(CURRENT_SCHEMA_VERSION[t]),
      identityText(EVENT_TYPE_INFO[t].identity),
      EVENT_TYPE_INFO[t].purpose,
    ]),
  );
  return [
    '# Touchpoint event contract',
    '',
    '<!-- Generated by renderEventDocs() in libs/contracts. Do not edit by hand.',
    '     Regenerate: UPDATE_DOCS=1 npx jest libs/contracts/src/event-docs.spec.ts -->',
    '',
    'The contract every channel uses to send interactions to Touchpoint, over the ingest API or',
    'straight onto Kafka. The machine-readable form is the JSON Schema per type',
    '(`eventJsonSchemas()` in `@touchpoint/contracts`), generated from the same classes that validate.',
    '',
    renderEnvelope(),
    '',
    '## Channels',
    '',
    `\`channel\` is one of: ${CHANNELS.map(code).join(', ')}. The list is closed; a new channel is a contract change.`,
    '',
    renderKafka(),
    '',
    renderCodes(),
    '',
    '## Catalogue',
    '',
    summary,
    '',
    ...EVENT_TYPES.flatMap((t) => [renderType(t), '']),
  ].join('\n');
}
