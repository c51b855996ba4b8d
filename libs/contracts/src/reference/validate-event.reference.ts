// Test oracle: the event validator as of 81249f3, kept verbatim but for imports; spec files only.
import { type FieldViolation } from '@touchpoint/core';
import {
  type EventType,
  type IdentityRule,
  type IncomingEvent,
  type RecordedEvent,
  isEventType,
} from '../catalogue.types';
import { EVENT_TYPE_INFO } from '../catalogue.constants';
import { IncomingEnvelopeDto, RecordedEnvelopeDto } from '../envelope.dto';
import { type DtoClass, isPlainObject } from '../field-rules.decorators';
import { CURRENT_SCHEMA_VERSION, payloadDtoClass } from '../payload-classes';
import { refinePayload } from '../payload-refinements';
import { parseOffsetTimestamp } from './timestamp.reference';
import { upcastPayload } from '../upcast';
import { validateShape } from './validate-shape.reference';

export type ValidationResult<E> =
  | { readonly ok: true; readonly event: E }
  | { readonly ok: false; readonly violations: FieldViolation[] };

export interface IncomingValidationOptions {
  /** The caller's clock; the library never reads one. */
  readonly now: Date;
  /** How far `occurredAt` may lie ahead of `now` (sender clocks drift). */
  readonly maxFutureSkewMs: number;
}

export interface RecordedValidationOptions {
  /**
   * When given, `occurredAt` may lie at most this far after `receivedAt`. Comparing with
   * `receivedAt` rather than a clock keeps the verdict identical on every replay.
   */
  readonly maxFutureSkewMs?: number;
}

/** Fields only the platform may set; a client sending them is told so rather than ignored. */
export const SERVER_SET_FIELDS: readonly string[] = ['receivedAt', 'source'];

const ENVELOPE_KEYS = [
  'eventId',
  'type',
  'schemaVersion',
  'customerId',
  'anonymousId',
  'channel',
  'occurredAt',
  'correlationId',
] as const;

const has = (o: Record<string, unknown>, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(o, key);
const given = (o: Record<string, unknown>, key: string): boolean =>
  has(o, key) && o[key] !== undefined && o[key] !== null;

function identityViolations(
  raw: Record<string, unknown>,
  rule: IdentityRule,
  type: string,
): FieldViolation[] {
  const customer = given(raw, 'customerId');
  const anonymous = given(raw, 'anonymousId');
  const out: FieldViolation[] = [];
  switch (rule) {
    case 'customer':
      if (!customer)
        out.push({ path: 'customerId', code: 'required', message: `is required for ${type}` });
      break;
    case 'customer_or_anonymous':
      if (!customer && !anonymous) {
        out.push({
          path: 'customerId',
          code: 'required',
          message: 'is required unless anonymousId is given',
        });
      }
      break;
    case 'customer_and_anonymous':
      if (!customer)
        out.push({ path: 'customerId', code: 'required', message: `is required for ${type}` });
      if (!anonymous)
        out.push({ path: 'anonymousId', code: 'required', message: `is required for ${type}` });
      break;
  }
  return out;
}

/**
 * Plain deep copy that drops null-valued members (null means "absent" for optional fields),
 * except where `keepTopLevelNulls` says null carries meaning (profile patches: "clear it").
 */
function cleanCopy(value: unknown, keepTopLevelNulls = false): unknown {
  if (Array.isArray(value)) return value.map((v) => cleanCopy(v));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || (v === null && !keepTopLevelNulls)) continue;
    out[key] = cleanCopy(v);
  }
  return out;
}

interface Mode {
  readonly envelope: DtoClass;
  readonly skipUnknown: ReadonlySet<string>;
  readonly outputKeys: readonly string[];
  /** Instant that occurredAt is compared with, or undefined for no check. */
  readonly futureLimit: (raw: Record<string, unknown>) => number | undefined;
}

function validateEvent(raw: unknown, mode: Mode): ValidationResult<Record<string, unknown>> {
  if (!isPlainObject(raw)) {
    return {
      ok: false,
      violations: [{ path: '$', code: 'not_object', message: 'the event must be a JSON object' }],
    };
  }
  const violations: FieldViolation[] = [];
  validateShape(mode.envelope, raw, '', violations, { skipUnknown: mode.skipUnknown });

  const type: EventType | undefined = isEventType(raw.type) ? raw.type : undefined;
  violations.push(
    ...identityViolations(
      raw,
      type ? EVENT_TYPE_INFO[type].identity : 'customer_or_anonymous',
      type ?? 'this event',
    ),
  );

  const occurredAt = parseOffsetTimestamp(raw.occurredAt);
  const limit = mode.futureLimit(raw);
  if (occurredAt !== undefined && limit !== undefined && occurredAt > limit) {
    violations.push({
      path: 'occurredAt',
      code: 'too_far_in_future',
      message: 'lies further in the future than the allowed clock skew',
    });
  }

  const version = raw.schemaVersion;
  let payload: unknown;
  if (type && Number.isSafeInteger(version) && (version as number) >= 1) {
    const current = CURRENT_SCHEMA_VERSION[type];
    const sent = version as number;
    if (sent > current) {
      violations.push({
        path: 'schemaVersion',
        code: 'unsupported_schema_version',
        message: `${type} is known up to schemaVersion ${current}`,
      });
    } else if (isPlainObject(raw.payload)) {
      payload = validatePayload(type, sent, raw.payload, raw, violations);
    }
  }

  if (violations.length > 0 || !type) return { ok: false, violations };

  const event: Record<string, unknown> = {};
  for (const key of mode.outputKeys) {
    if (given(raw, key)) event[key] = raw[key];
  }
  event.eventId = (raw.eventId as string).toLowerCase();
  event.schemaVersion = CURRENT_SCHEMA_VERSION[type];
  event.payload = cleanCopy(payload, type === 'customer.profile_updated');
  return { ok: true, event };
}

function validatePayload(
  type: EventType,
  version: number,
  rawPayload: Record<string, unknown>,
  envelope: Record<string, unknown>,
  violations: FieldViolation[],
): unknown {
  const sentClass = payloadDtoClass(type, version);
  const currentVersion = CURRENT_SCHEMA_VERSION[type];
  const currentClass = payloadDtoClass(type, currentVersion);
  if (!sentClass || !currentClass) return undefined;

  const before = violations.length;
  validateShape(sentClass, rawPayload, 'payload', violations);
  if (violations.length > before) return undefined;

  let payload: unknown = rawPayload;
  if (version < currentVersion) {
    const upcast = upcastPayload(type, version, rawPayload);
    if (!upcast.ok) {
      violations.push(...upcast.violations);
      return undefined;
    }
    payload = upcast.payload;
    // An upcaster bug must surface as a rejection, never as a malformed event downstream.
    const afterUpcast: FieldViolation[] = [];
    validateShape(currentClass, payload as Record<string, unknown>, 'payload', afterUpcast);
    for (const v of afterUpcast) {
      violations.push({ ...v, message: `${v.message} (after upcasting from v${version})` });
    }
    if (afterUpcast.length > 0) return undefined;
  }
  const ctx = {
    ...(typeof envelope.customerId === 'string' ? { customerId: envelope.customerId } : {}),
    ...(typeof envelope.anonymousId === 'string' ? { anonymousId: envelope.anonymousId } : {}),
  };
  violations.push(...refinePayload(type, payload, ctx));
  return payload;
}

const INCOMING_SKIP = new Set(SERVER_SET_FIELDS);
const NOTHING = new Set<string>();

/**
 * Validates what a channel submits: upcasts old schema versions and reports every violation
 * with a dotted path and a code. `receivedAt` and `source` are rejected (`server_field`):
 * silently dropping them would hide a client's belief that it controls them.
 */
export function validateIncomingEvent(
  raw: unknown,
  opts: IncomingValidationOptions,
): ValidationResult<IncomingEvent> {
  const serverFieldViolations: FieldViolation[] = isPlainObject(raw)
    ? SERVER_SET_FIELDS.filter((key) => has(raw, key)).map((key) => ({
        path: key,
        code: 'server_field',
        message: 'is set by the platform from the request and credentials; do not send it',
      }))
    : [];
  const result = validateEvent(raw, {
    envelope: IncomingEnvelopeDto,
    skipUnknown: INCOMING_SKIP,
    outputKeys: ENVELOPE_KEYS,
    futureLimit: () => opts.now.getTime() + opts.maxFutureSkewMs,
  });
  if (serverFieldViolations.length > 0) {
    const rest = result.ok ? [] : result.violations;
    return { ok: false, violations: [...serverFieldViolations, ...rest] };
  }
  return result.ok ? { ok: true, event: result.event as unknown as IncomingEvent } : result;
}

/** Validates an event read from the log (or written there directly by a producer). */
export function validateRecordedEvent(
  raw: unknown,
  opts: RecordedValidationOptions = {},
): ValidationResult<RecordedEvent> {
  const skew = opts.maxFutureSkewMs;
  const result = validateEvent(raw, {
    envelope: RecordedEnvelopeDto,
    skipUnknown: NOTHING,
    outputKeys: [...ENVELOPE_KEYS, ...SERVER_SET_FIELDS],
    futureLimit: (r) => {
      if (skew === undefined) return undefined;
      const received = parseOffsetTimestamp(r.receivedAt);
      return received === undefined ? undefined : received + skew;
    },
  });
  return result.ok ? { ok: true, event: result.event as unknown as RecordedEvent } : result;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes from Kafka to a validated, upcast event; never throws. */
export function decodeRecordedEvent(
  bytes: Uint8Array,
  opts: RecordedValidationOptions = {},
): ValidationResult<RecordedEvent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch (e) {
    const reason = e instanceof SyntaxError ? 'is not valid JSON' : 'is not valid UTF-8';
    return {
      ok: false,
      violations: [{ path: '$', code: 'not_json', message: `the record value ${reason}` }],
    };
  }
  return validateRecordedEvent(parsed, opts);
}
