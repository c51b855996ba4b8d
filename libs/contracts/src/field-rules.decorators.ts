import { IsOptional, ValidateBy, isEmail } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { isCurrencyCode } from './currency.constants';
import { isCalendarDate, isOffsetTimestamp } from './timestamp';
import { type ViolationCode } from './violation-codes.constants';

/**
 * Field decorators for contract DTOs. Each constraint is registered under the violation code it
 * reports, so the validator needs no mapping table, and each carries its JSON Schema fragment,
 * so the schemas and docs are generated from the very rules that validate.
 */

export type SchemaFragment = Record<string, unknown>;
/** Fragments that point at another DTO need the $ref prefix chosen at generation time. */
export type FragmentSource = SchemaFragment | ((refPrefix: string) => SchemaFragment);

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type DtoClass = Function & { prototype: object };

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:/+=@-]{1,128}$/;
export const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9_/-]{0,63}$/;
const PHONE_SHAPE = /^\+[0-9][0-9 ().-]{5,22}[0-9]$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;

interface FieldOptions {
  optional?: boolean;
  doc?: string;
}

type Decorator = PropertyDecorator;

function compose(...decorators: PropertyDecorator[]): Decorator {
  return (target, key) => {
    for (const d of decorators) d(target, key);
  };
}

export type RuleTest = (value: unknown) => boolean;

/** Each rule's test, keyed by the constraints array its class-validator metadata keeps. */
const ruleTests = new WeakMap<object, RuleTest>();

/**
 * The very function class-validator calls (through its wrapper) for a rule declared here, or
 * undefined for a rule declared any other way. Lets a caller run a class's rules directly
 * without keeping a second copy of any of them.
 */
export function ruleTestOf(constraints: unknown): RuleTest | undefined {
  return typeof constraints === 'object' && constraints !== null
    ? ruleTests.get(constraints)
    : undefined;
}

function validateBy(
  code: ViolationCode,
  schema: FragmentSource,
  validate: RuleTest,
  message: string,
): PropertyDecorator {
  // class-validator stores this array on the rule's metadata by reference.
  const constraints = [schema];
  ruleTests.set(constraints, validate);
  return ValidateBy({
    name: code,
    constraints,
    validator: { validate, defaultMessage: () => message },
  });
}

/** Every rule but `required` passes on absent values, so one missing field yields one violation. */
function rule(
  code: ViolationCode,
  test: (value: unknown) => boolean,
  message: string,
  schema: FragmentSource = {},
): PropertyDecorator {
  return validateBy(
    code,
    schema,
    (value) => value === undefined || value === null || test(value),
    message,
  );
}

function presence(options: FieldOptions): PropertyDecorator {
  if (options.optional) return IsOptional();
  return validateBy(
    'required',
    {},
    (value) => value !== undefined && value !== null,
    'is required',
  );
}

/** Descriptions go through JSONSchema metadata, not a constraint, to keep validation lean. */
function describe(options: FieldOptions): PropertyDecorator {
  const doc = options.doc;
  return doc ? (JSONSchema({ description: doc }) as PropertyDecorator) : () => undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const ifString =
  (test: (v: string) => boolean) =>
  (v: unknown): boolean =>
    !isString(v) || test(v);
const isSafeInt = (v: unknown): v is number => Number.isSafeInteger(v);
const ifInt =
  (test: (v: number) => boolean) =>
  (v: unknown): boolean =>
    !isSafeInt(v) || test(v);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

interface StringOptions extends FieldOptions {
  max?: number;
  pattern?: RegExp;
  patternCode?: ViolationCode;
  patternMessage?: string;
}

/** Non-empty string; whitespace-only counts as empty because it carries no information. */
export function Str(options: StringOptions = {}): Decorator {
  const max = options.max ?? 256;
  const decorators = [
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', minLength: 1 }),
    rule(
      'empty',
      ifString((v) => v.trim().length > 0),
      'must not be empty',
    ),
    rule(
      'too_long',
      ifString((v) => v.length <= max),
      `must be at most ${max} characters`,
      {
        maxLength: max,
      },
    ),
  ];
  if (options.pattern) {
    const pattern = options.pattern;
    decorators.push(
      rule(
        options.patternCode ?? 'invalid_item',
        ifString((v) => v.length > max || pattern.test(v)),
        options.patternMessage ?? `must match ${pattern.source}`,
        { pattern: pattern.source },
      ),
    );
  }
  return compose(...decorators);
}

export function Id(options: FieldOptions = {}): Decorator {
  return Str({
    ...options,
    max: 128,
    pattern: ID_PATTERN,
    patternCode: 'invalid_id',
    patternMessage: 'must start with a letter or digit and use only letters, digits and . _ : @ -',
  });
}

export function Category(options: FieldOptions = {}): Decorator {
  return Str({
    ...options,
    max: 64,
    pattern: CATEGORY_PATTERN,
    patternCode: 'invalid_category',
    patternMessage: 'must be a lower-case slug (a-z, 0-9, - _ /), e.g. baby/feeding',
  });
}

export function Uuid(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', format: 'uuid' }),
    rule(
      'invalid_uuid',
      ifString((v) => UUID_PATTERN.test(v)),
      'must be a UUID (RFC 9562)',
      {
        pattern: UUID_PATTERN.source,
      },
    ),
  );
}

export function Timestamp(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', format: 'date-time' }),
    rule(
      'invalid_timestamp',
      ifString(isOffsetTimestamp),
      'must be an ISO-8601 date-time with seconds and an offset, e.g. 2025-05-01T10:15:00+08:00',
    ),
  );
}

export function CalendarDate(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', format: 'date' }),
    rule('invalid_date', ifString(isCalendarDate), 'must be a calendar date YYYY-MM-DD'),
  );
}

export function Email(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', format: 'email' }),
    rule(
      'too_long',
      ifString((v) => v.length <= 254),
      'must be at most 254 characters',
      {
        maxLength: 254,
      },
    ),
    rule(
      'invalid_email',
      ifString((v) => v.length > 254 || isEmail(v)),
      'must be an e-mail address',
    ),
  );
}

function digitCount(v: string): number {
  return v.replace(/\D/g, '').length;
}

export function Phone(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', {
      type: 'string',
      pattern: PHONE_SHAPE.source,
    }),
    rule(
      'invalid_phone',
      ifString((v) => PHONE_SHAPE.test(v) && digitCount(v) >= 7 && digitCount(v) <= 15),
      'must be an international number: +, country code, 7-15 digits; spaces . - ( ) allowed',
    ),
  );
}

function isHttpUrl(v: string): boolean {
  if (v.length > 2048 || !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(v)) return false;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function Url(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', {
      type: 'string',
      format: 'uri',
      maxLength: 2048,
    }),
    rule(
      'invalid_url',
      ifString(isHttpUrl),
      'must be an absolute http(s) URL of at most 2048 characters',
    ),
  );
}

export function Currency(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', {
      type: 'string',
      pattern: '^[A-Z]{3}$',
      description: options.doc ?? 'ISO 4217 currency code, e.g. CNY',
    }),
    rule('invalid_currency', ifString(isCurrencyCode), 'must be an active ISO 4217 code, e.g. CNY'),
  );
}

export function Country(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', {
      type: 'string',
      pattern: COUNTRY_PATTERN.source,
    }),
    rule(
      'invalid_country',
      ifString((v) => COUNTRY_PATTERN.test(v)),
      'must be an ISO 3166-1 alpha-2 code, e.g. CN',
    ),
  );
}

export function Bool(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_boolean', (v) => typeof v === 'boolean', 'must be true or false', {
      type: 'boolean',
    }),
  );
}

interface IntOptions extends FieldOptions {
  min?: number;
  max?: number;
}

/**
 * Safe integers only: amounts and counters are summed across years of events, and a value past
 * 2^53 would silently lose precision in every consumer.
 */
export function Int(options: IntOptions = {}): Decorator {
  const { min, max } = options;
  const decorators = [
    presence(options),
    describe(options),
    rule('not_integer', isSafeInt, 'must be a whole number', { type: 'integer' }),
  ];
  if (min === 0 && max === undefined) {
    decorators.push(
      rule(
        'negative',
        ifInt((v) => v >= 0),
        'must not be negative',
        { minimum: 0 },
      ),
    );
  } else if (min === 1 && max === undefined) {
    decorators.push(
      rule(
        'not_positive',
        ifInt((v) => v >= 1),
        'must be at least 1',
        { minimum: 1 },
      ),
    );
  } else if (min !== undefined || max !== undefined) {
    const lo = min ?? Number.MIN_SAFE_INTEGER;
    const hi = max ?? Number.MAX_SAFE_INTEGER;
    decorators.push(
      rule(
        'out_of_range',
        ifInt((v) => v >= lo && v <= hi),
        `must be between ${lo} and ${hi}`,
        {
          ...(min !== undefined ? { minimum: min } : {}),
          ...(max !== undefined ? { maximum: max } : {}),
        },
      ),
    );
  }
  return compose(...decorators);
}

/** Money: integer minor units, never negative; direction is carried by the event type. */
export function MinorUnits(options: FieldOptions = {}): Decorator {
  return Int({
    ...options,
    min: 0,
    doc: options.doc ?? 'amount in integer minor units of the currency (fen, cents)',
  });
}

export function NonZeroInt(options: FieldOptions = {}): Decorator {
  return compose(
    Int(options),
    rule(
      'zero',
      ifInt((v) => v !== 0),
      'must not be zero',
      { not: { const: 0 } },
    ),
  );
}

/** Legacy decimal amounts (schema v1); kept only so old records can be read and upcast. */
export function DecimalAmount(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_number', (v) => typeof v === 'number' && Number.isFinite(v), 'must be a number', {
      type: 'number',
    }),
    rule('negative', (v) => typeof v !== 'number' || !(v < 0), 'must not be negative', {
      minimum: 0,
    }),
  );
}

export function OneOf<T extends string>(
  values: readonly T[],
  options: FieldOptions & { code?: ViolationCode } = {},
): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_string', isString, 'must be a string', { type: 'string', enum: [...values] }),
    rule(
      options.code ?? 'invalid_enum',
      ifString((v) => (values as readonly string[]).includes(v)),
      `must be one of: ${values.join(', ')}`,
    ),
  );
}

interface StringArrayOptions extends FieldOptions {
  maxItems: number;
  itemMax: number;
  itemPattern?: RegExp;
}

export function StrArray(options: StringArrayOptions): Decorator {
  const { maxItems, itemMax, itemPattern } = options;
  const itemOk = (v: unknown): boolean =>
    isString(v) &&
    v.trim().length > 0 &&
    v.length <= itemMax &&
    (itemPattern === undefined || itemPattern.test(v));
  return compose(
    presence(options),
    describe(options),
    rule('not_array', Array.isArray, 'must be an array', {
      type: 'array',
      items: {
        type: 'string',
        minLength: 1,
        maxLength: itemMax,
        ...(itemPattern ? { pattern: itemPattern.source } : {}),
      },
    }),
    rule(
      'too_many',
      (v) => !Array.isArray(v) || v.length <= maxItems,
      `must have at most ${maxItems} elements`,
      {
        maxItems,
      },
    ),
    rule(
      'invalid_item',
      (v) => !Array.isArray(v) || v.every(itemOk),
      `every element must be a non-empty string of at most ${itemMax} characters${
        itemPattern ? ` matching ${itemPattern.source}` : ''
      }`,
    ),
  );
}

/** A JSON object whose contents are checked elsewhere (the envelope's payload). */
export function AnyObject(options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_object', isPlainObject, 'must be a JSON object', { type: 'object' }),
  );
}

interface NestedField {
  readonly type: () => DtoClass;
  readonly array: boolean;
}

/** Own registry of nested DTOs: the walker hydrates and recurses itself to build exact paths. */
const nestedRegistry = new Map<DtoClass, Map<string, NestedField>>();

function registerNested(target: object, key: string, field: NestedField): void {
  const ctor = (target as { constructor: DtoClass }).constructor;
  let fields = nestedRegistry.get(ctor);
  if (!fields) {
    fields = new Map();
    nestedRegistry.set(ctor, fields);
  }
  fields.set(key, field);
}

export function nestedFields(cls: DtoClass): ReadonlyMap<string, NestedField> {
  const result = new Map<string, NestedField>();
  const chain: DtoClass[] = [];
  for (
    let c: unknown = cls;
    typeof c === 'function' && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    chain.unshift(c);
  }
  for (const c of chain) for (const [k, v] of nestedRegistry.get(c) ?? []) result.set(k, v);
  return result;
}

const ref = (type: () => DtoClass) => (prefix: string) => ({ $ref: `${prefix}${type().name}` });

export function Nested(type: () => DtoClass, options: FieldOptions = {}): Decorator {
  return compose(
    presence(options),
    describe(options),
    rule('not_object', isPlainObject, 'must be a JSON object', ref(type)),
    (target: object, key: string | symbol) =>
      registerNested(target, key as string, { type, array: false }),
  );
}

export function NestedArray(
  type: () => DtoClass,
  options: FieldOptions & { maxItems: number; minItems?: number },
): Decorator {
  const { maxItems, minItems = 0 } = options;
  const decorators = [
    presence(options),
    describe(options),
    rule('not_array', Array.isArray, 'must be an array', (prefix: string) => ({
      type: 'array',
      items: ref(type)(prefix),
    })),
    rule(
      'too_many',
      (v) => !Array.isArray(v) || v.length <= maxItems,
      `must have at most ${maxItems} elements`,
      {
        maxItems,
      },
    ),
    (target: object, key: string | symbol) =>
      registerNested(target, key as string, { type, array: true }),
  ];
  if (minItems > 0) {
    decorators.push(
      rule(
        'empty',
        (v) => !Array.isArray(v) || v.length >= minItems,
        `must have at least ${minItems} element(s)`,
        {
          minItems,
        },
      ),
    );
  }
  return compose(...decorators);
}
