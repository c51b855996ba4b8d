import { ValidationTypes, getMetadataStorage, validateSync } from 'class-validator';
import { type FieldViolation } from '@touchpoint/core';
import {
  type DtoClass,
  type RuleTest,
  isPlainObject,
  nestedFields,
  ruleTestOf,
} from './field-rules.decorators';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Dotted path with brackets for indices and for keys that are not identifiers. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A property and the tests of all its rules. */
interface FieldCheck {
  readonly property: string;
  readonly tests: readonly RuleTest[];
}

interface NestedCheck {
  readonly property: string;
  readonly type: () => DtoClass;
  readonly array: boolean;
}

/**
 * A class's rules collected once: `validateSync` re-collects, groups and filters the rule
 * metadata on every call, which made it most of a consumer's time per record.
 */
interface ShapePlan {
  readonly declared: ReadonlySet<string>;
  readonly nested: readonly NestedCheck[];
  /**
   * Runs every test class-validator would run, or is null when the class has a rule the
   * plan cannot call directly (it then always takes the full check). The contract's rules are
   * synchronous `ValidateBy` constraints declared in field-rules.decorators (whose tests read
   * only the value) plus `IsOptional`. `IsOptional` is not consulted: every rule passes on
   * absent values anyway, and ignoring it can only send a record to the full check, never let
   * one through.
   */
  readonly rulesHold: RulesHold | null;
}

const plans = new Map<DtoClass, ShapePlan>();

function shapePlan(cls: DtoClass): ShapePlan {
  let plan = plans.get(cls);
  if (plan === undefined) {
    plan = buildPlan(cls);
    plans.set(cls, plan);
  }
  return plan;
}

function buildPlan(cls: DtoClass): ShapePlan {
  const storage = getMetadataStorage();
  const declared = new Set(
    storage.getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName),
  );
  // Same arguments validateSync uses with our options (always: false, strictGroups: false).
  const metas = storage.getTargetValidationMetadatas(cls, '', false, false);
  let tests: Map<string, RuleTest[]> | null = new Map();
  for (const meta of metas) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
    const test = ruleTestOf(meta.constraints);
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION || meta.each || meta.validateIf || !test) {
      tests = null;
      break;
    }
    const list = tests.get(meta.propertyName) ?? [];
    list.push(test);
    tests.set(meta.propertyName, list);
  }
  const nested = [...nestedFields(cls)].map(([property, { type, array }]) => ({
    property,
    type,
    array,
  }));
  const fields = tests && [...tests].map(([property, list]) => ({ property, tests: list }));
  return { declared, nested, rulesHold: fields && compileRules(fields) };
}

type RulesHold = (object: Record<string, unknown>) => boolean;

/**
 * True when every rule of the plan holds for `object`; no message is built. Generated as one
 * straight-line function per class: a loop over the tests is a single call site with hundreds
 * of targets, which V8 cannot inline, and that call overhead was most of an accepted record's
 * cost. The source holds only the declared property names (as JSON string literals) and
 * indices into `tests`; the tests themselves are the rules' own functions.
 */
function compileRules(fields: readonly FieldCheck[]): RulesHold {
  const tests = fields.flatMap((field) => field.tests);
  const lines: string[] = [];
  let index = 0;
  for (const field of fields) {
    lines.push(`v = o[${JSON.stringify(field.property)}];`);
    for (let i = 0; i < field.tests.length; i++) lines.push(`if (!t${index++}(v)) return false;`);
  }
  const source = [
    ...tests.map((_, i) => `const t${i} = tests[${i}];`),
    'return function rulesHold(o) {',
    '  let v;',
    ...lines.map((line) => `  ${line}`),
    '  return true;',
    '};',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: no input reaches the source
  const build = new Function('tests', source) as (tests: readonly RuleTest[]) => RulesHold;
  return build(tests);
}

/**
 * The fast path: true only when the full check of `raw` (and of everything nested in it) would
 * report nothing. It declines anything unusual, even what would pass: an undeclared key (also
 * one the caller skips), or an object not inheriting from Object.prototype. So the rules see
 * `raw` itself with exactly the own properties the full check's instance would get, and every
 * field read from it resolves as on that instance.
 */
function acceptsAll(plan: ShapePlan, raw: Record<string, unknown>): boolean {
  if (plan.rulesHold === null || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  for (const key of Object.keys(raw)) if (!plan.declared.has(key)) return false;
  if (!plan.rulesHold(raw)) return false;
  for (const field of plan.nested) {
    const value = raw[field.property];
    if (field.array) {
      if (!Array.isArray(value)) continue;
      const elementPlan = shapePlan(field.type());
      for (const element of value) {
        if (!isPlainObject(element) || !acceptsAll(elementPlan, element)) return false;
      }
    } else if (isPlainObject(value) && !acceptsAll(shapePlan(field.type()), value)) {
      return false;
    }
  }
  return true;
}

export interface ShapeOptions {
  /** Keys reported elsewhere with a more specific code. */
  readonly skipUnknown?: ReadonlySet<string>;
}

/**
 * Validates one JSON object against a DTO class and recurses into nested DTOs itself.
 * Only declared keys are copied onto the instance, so hostile keys such as `__proto__` or
 * `constructor` can never reach class-validator; they are reported as unknown fields instead.
 */
export function validateShape(
  cls: DtoClass,
  raw: Record<string, unknown>,
  path: string,
  out: FieldViolation[],
  options: ShapeOptions = {},
): void {
  const plan = shapePlan(cls);
  if (acceptsAll(plan, raw)) return;

  // Something is wrong here or below: the full check, whose violations are class-validator's.
  const instance = Object.create(cls.prototype as object) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (plan.declared.has(key)) {
      instance[key] = raw[key];
    } else if (!options.skipUnknown?.has(key)) {
      out.push({
        path: joinPath(path, key),
        code: 'unknown_field',
        message: 'is not part of this schema (misspelt, or from another schema version)',
      });
    }
  }

  const errors =
    plan.rulesHold !== null && plan.rulesHold(instance)
      ? []
      : validateSync(instance, {
          forbidUnknownValues: false,
          validationError: { target: false, value: false },
        });
  for (const error of errors) {
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path: joinPath(path, error.property), code, message });
    }
  }

  for (const field of plan.nested) {
    const value = instance[field.property];
    const fieldPath = joinPath(path, field.property);
    if (field.array) {
      if (!Array.isArray(value)) continue;
      value.forEach((element: unknown, index) => {
        const elementPath = joinPath(fieldPath, index);
        if (isPlainObject(element)) validateShape(field.type(), element, elementPath, out);
        else out.push({ path: elementPath, code: 'not_object', message: 'must be a JSON object' });
      });
    } else if (isPlainObject(value)) {
      validateShape(field.type(), value, fieldPath, out);
    }
  }
}
