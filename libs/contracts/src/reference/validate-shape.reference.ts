// Test oracle: the DTO shape walker as of 81249f3, kept verbatim but for imports; spec files only.
import {
  type ValidationArguments,
  ValidationTypes,
  getMetadataStorage,
  validateSync,
} from 'class-validator';
import { type FieldViolation } from '@touchpoint/core';
import { type DtoClass, isPlainObject, nestedFields } from '../field-rules.decorators';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Dotted path with brackets for indices and for keys that are not identifiers. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

const declaredCache = new Map<DtoClass, ReadonlySet<string>>();

export function declaredProperties(cls: DtoClass): ReadonlySet<string> {
  let props = declaredCache.get(cls);
  if (!props) {
    const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    props = new Set(metas.map((m) => m.propertyName));
    declaredCache.set(cls, props);
  }
  return props;
}

/** True when every rule of the class holds for the instance; no message is built. */
type AcceptsAll = (instance: Record<string, unknown>) => boolean;

const acceptorCache = new Map<DtoClass, AcceptsAll | null>();

/**
 * `validateSync` re-collects, groups and filters a class's rule metadata on every call, which
 * made it most of the consumer's time per record. The contract's rules are plain synchronous
 * custom constraints (`ValidateBy`) plus `IsOptional`, so their tests are collected once here
 * and called directly. This only ever accepts: when a test fails, class-validator itself
 * runs and produces the violations, so every reported path, code and message is its own.
 * `IsOptional` is not consulted; our rules pass on absent values anyway, and ignoring it can
 * only send a record to the full check, never let one through. A class using any other kind
 * of rule gets no acceptor and always takes the full check.
 */
function acceptor(cls: DtoClass): AcceptsAll | null {
  const cached = acceptorCache.get(cls);
  if (cached !== undefined) return cached;
  const storage = getMetadataStorage();
  // Same arguments validateSync uses with our options (always: false, strictGroups: false).
  const metas = storage.getTargetValidationMetadatas(cls, '', false, false);
  const tests: ((instance: Record<string, unknown>) => boolean)[] = [];
  let supported = true;
  for (const meta of metas) {
    if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) continue;
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION || meta.each || meta.validateIf) {
      supported = false;
      break;
    }
    for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
      const { propertyName, constraints } = meta;
      const validator = constraint.instance;
      tests.push((instance) => {
        const value = instance[propertyName];
        const args: ValidationArguments = {
          targetName: cls.name,
          property: propertyName,
          object: instance,
          value,
          constraints: constraints as unknown[],
        };
        // A promise (async rule) is not a pass: the full check decides.
        return validator.validate(value, args) === true;
      });
    }
  }
  const accepts = supported
    ? (instance: Record<string, unknown>) => tests.every((test) => test(instance))
    : null;
  acceptorCache.set(cls, accepts);
  return accepts;
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
  const declared = declaredProperties(cls);
  const instance = Object.create(cls.prototype as object) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (declared.has(key)) {
      instance[key] = raw[key];
    } else if (!options.skipUnknown?.has(key)) {
      out.push({
        path: joinPath(path, key),
        code: 'unknown_field',
        message: 'is not part of this schema (misspelt, or from another schema version)',
      });
    }
  }

  const errors = acceptor(cls)?.(instance)
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

  for (const [key, field] of nestedFields(cls)) {
    const value = instance[key];
    const fieldPath = joinPath(path, key);
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
