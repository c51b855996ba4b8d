import { getMetadataStorage, validateSync } from 'class-validator';
import { type FieldViolation } from '@touchpoint/core';
import { type DtoClass, isPlainObject, nestedFields } from './field-rules.decorators';

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

  const errors = validateSync(instance, {
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
