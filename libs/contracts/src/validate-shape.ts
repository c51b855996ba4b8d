import {
  type ValidationArguments,
  ValidationTypes,
  type ValidatorConstraintInterface,
  getMetadataStorage,
  validateSync,
} from 'class-validator';
import { type FieldViolation } from '@touchpoint/core';
import { type DtoClass, isPlainObject, nestedFields } from './field-rules.decorators';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Dotted path with brackets for indices and for keys that are not identifiers. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** One constraint of one property, called with arguments allocated once per plan. */
interface Check {
  readonly property: string;
  readonly constraint: ValidatorConstraintInterface;
  readonly args: ValidationArguments;
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
   * Every constraint class-validator would run, or null when the class uses a kind of rule the
   * plan cannot call directly (it then always takes the full check). The contract's rules are
   * plain synchronous custom constraints (`ValidateBy`) plus `IsOptional`; `IsOptional` is not
   * consulted because every rule passes on absent values anyway, and ignoring it can only send
   * a record to the full check, never let one through.
   */
  readonly checks: readonly Check[] | null;
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
  let checks: Check[] | null = [];
  for (const meta of metas) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION || meta.each || meta.validateIf) {
      checks = null;
      break;
    }
    for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
      checks.push({
        property: meta.propertyName,
        constraint: constraint.instance,
        args: {
          targetName: cls.name,
          property: meta.propertyName,
          object: {},
          value: undefined,
          constraints: meta.constraints as unknown[],
        },
      });
    }
  }
  const nested = [...nestedFields(cls)].map(([property, { type, array }]) => ({
    property,
    type,
    array,
  }));
  return { declared, nested, checks };
}

/** True when every constraint of the plan holds for `object`; no message is built. */
function constraintsHold(checks: readonly Check[], object: Record<string, unknown>): boolean {
  for (const check of checks) {
    const value = object[check.property];
    const args = check.args;
    // Reused rather than allocated per call: validation is synchronous, no rule keeps them.
    args.object = object;
    args.value = value;
    // A promise (async rule) is not a pass: the full check decides.
    if (check.constraint.validate(value, args) !== true) return false;
  }
  return true;
}

/**
 * The fast path: true only when the full check of `raw` (and of everything nested in it) would
 * report nothing. It declines anything unusual, even what would pass: an undeclared key (also
 * one the caller skips), or an object not inheriting from Object.prototype. So the constraints
 * see `raw` itself with exactly the own properties the full check's instance would get, and
 * every field read from it resolves as on that instance.
 */
function acceptsAll(plan: ShapePlan, raw: Record<string, unknown>): boolean {
  if (plan.checks === null || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  for (const key of Object.keys(raw)) if (!plan.declared.has(key)) return false;
  if (!constraintsHold(plan.checks, raw)) return false;
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
    plan.checks !== null && constraintsHold(plan.checks, instance)
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
