import { AppError, type FieldViolation } from '@touchpoint/core';
import {
  type EventType,
  type IdentityRule,
  type IncomingEvent,
  type RecordedEvent,
  isEventType,
} from './catalogue.types';
import { EVENT_TYPE_INFO } from './catalogue.constants';
import { IncomingEnvelopeDto, RecordedEnvelopeDto } from './envelope.dto';
import { type DtoClass, isPlainObject } from './field-rules.decorators';
import { CURRENT_SCHEMA_VERSION, payloadDtoClass } from './payload-classes';
import { refinePayload } from './payload-refinements';
import { stableStringify } from './stable-json';
import { parseOffsetTimestamp } from './timestamp';
import { upcastPayload } from './upcast';
import { type ShapeOptions, validateShape } from './validate-shape';

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
  out: FieldViolation[],
): void {
  const customer = given(raw, 'customerId');
  const anonymous = given(raw, 'anonymousId');
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
}

/**
 * Plain deep copy that drops null-valued members (null means "absent" for optional fields),
 * except where `keepTopLevelNulls` says null carries meaning (profile patches: "clear it").
 */
function cleanCopy(value: unknown, keepTopLevelNulls = false): unknown {
  if (Array.isArray(value)) return value.map((v) => cleanCopy(v));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || (v === null && !keepTopLevelNulls)) continue;
    out[key] = cleanCopy(v);
  }
  return out;
}

interface Mode {
  readonly envelope: DtoClass;
  readonly shape: ShapeOptions;
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
  validateShape(mode.envelope, raw, '', violations, mode.shape);

  const type: EventType | undefined = isEventType(raw.type) ? raw.type : undefined;
  identityViolations(
    raw,
    type ? EVENT_TYPE_INFO[type].identity : 'customer_or_anonymous',
    type ?? 'this event',
    violations,
  );

  // Without a limit (a consumer's usual case) occurredAt need not be parsed at all.
  const limit = mode.futureLimit(raw);
  const occurredAt = limit === undefined ? undefined : parseOffsetTimestamp(raw.occurredAt);
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
    // given(), with the cheap tests first: most keys are either absent or plainly set.
    const value = raw[key];
    if (value !== undefined && value !== null && has(raw, key)) event[key] = value;
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
    customerId: typeof envelope.customerId === 'string' ? envelope.customerId : undefined,
    anonymousId: typeof envelope.anonymousId === 'string' ? envelope.anonymousId : undefined,
  };
  for (const v of refinePayload(type, payload, ctx)) violations.push(v);
  return payload;
}

const INCOMING_SHAPE: ShapeOptions = { skipUnknown: new Set(SERVER_SET_FIELDS) };
const RECORDED_KEYS: readonly string[] = [...ENVELOPE_KEYS, ...SERVER_SET_FIELDS];
const NO_LIMIT = (): undefined => undefined;

/** Without a skew the mode is the same for every record, so it is built once. */
const RECORDED_WITHOUT_SKEW: Mode = {
  envelope: RecordedEnvelopeDto,
  shape: {},
  outputKeys: RECORDED_KEYS,
  futureLimit: NO_LIMIT,
};

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
    shape: INCOMING_SHAPE,
    outputKeys: ENVELOPE_KEYS,
    futureLimit: () => opts.now.getTime() + opts.maxFutureSkewMs,
  });
  if (serverFieldViolations.length > 0) {
    const rest = result.ok ? [] : result.violations;
    return { ok: false, violations: [...serverFieldViolations, ...rest] };
  }
  // The validator built the event to the incoming contract; only its static type is wider.
  return result as ValidationResult<unknown> as ValidationResult<IncomingEvent>;
}

/** Validates an event read from the log (or written there directly by a producer). */
export function validateRecordedEvent(
  raw: unknown,
  opts: RecordedValidationOptions = {},
): ValidationResult<RecordedEvent> {
  const skew = opts.maxFutureSkewMs;
  const result = validateEvent(
    raw,
    skew === undefined
      ? RECORDED_WITHOUT_SKEW
      : {
          ...RECORDED_WITHOUT_SKEW,
          futureLimit: (r) => {
            const received = parseOffsetTimestamp(r.receivedAt);
            return received === undefined ? undefined : received + skew;
          },
        },
  );
  // The validator built the event to the recorded contract; only its static type is wider.
  return result as ValidationResult<unknown> as ValidationResult<RecordedEvent>;
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

/** Stable (key-sorted) UTF-8 JSON, so equal events are equal bytes. */
export function encodeRecordedEvent(event: RecordedEvent): Buffer {
  return Buffer.from(stableStringify(event), 'utf8');
}

export interface RecordingContext {
  /** The platform clock at acceptance. */
  readonly receivedAt: Date;
  /** The authenticated channel application. */
  readonly source: string;
  /** From the request header, used when the event carries none. */
  readonly correlationId?: string;
}

/**
 * Turns a validated incoming event into what goes on the log. Without any correlation id the
 * event id stands in, so every recorded event can be traced without inventing randomness here.
 */
export function recordEvent(event: IncomingEvent, ctx: RecordingContext): RecordedEvent {
  return {
    ...event,
    receivedAt: ctx.receivedAt.toISOString(),
    source: ctx.source,
    correlationId: event.correlationId ?? ctx.correlationId ?? event.eventId,
  };
}

/** The 400 body for an invalid event: one AppError carrying every violation. */
export function invalidEventError(violations: readonly FieldViolation[]): AppError {
  return AppError.validation(
    'invalid_event',
    `event rejected: ${violations.length} violation(s)`,
    violations,
  );
}
