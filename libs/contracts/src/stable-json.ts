import { isPlainObject } from './field-rules.decorators';

/**
 * JSON with object keys sorted at every level. The same event always encodes to the same
 * bytes, so byte-level comparisons (dedupe, archive checksums, DLQ redrive) are meaningful.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      Object.defineProperty(sorted, key, {
        value: v[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return sorted;
  });
}
