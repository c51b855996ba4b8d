import { isPlainObject } from './field-rules.decorators';

/**
 * JSON with object keys sorted at every level. The same event always encodes to the same
 * bytes, so byte-level comparisons (dedupe, archive checksums, DLQ redrive) are meaningful.
 *
 * Written out by hand rather than through a JSON.stringify replacer: the replacer copied every
 * object with defineProperty and made ingest's encoding of an event eight times slower than
 * JSON.stringify (about 85 against 10 us). The output is the replacer's, byte for byte
 * (`sortedReferenceStringify`, checked by property tests).
 */
export function stableStringify(value: unknown): string {
  return write(value, '', false) as string;
}

function write(value: unknown, key: string, converted: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      // Like JSON.stringify: toJSON once per value, not again on what it returned.
      if (!converted && typeof toJSON === 'function')
        return write(toJSON.call(value, key), key, true);
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += write(value[i], String(i), false) ?? 'null';
        }
        return out + ']';
      }
      if (!isPlainObject(value)) return sortedReferenceStringify(value);
      let out = '{';
      let first = true;
      for (const k of sortedKeys(value)) {
        const v = write(value[k], k, false);
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + v;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      // Throws as JSON.stringify does.
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Keys in the order JSON.stringify emits an object built with sorted keys: array-index keys
 * first in numeric order (the engine's property order), then the others sorted.
 */
function sortedKeys(value: Record<string, unknown>): string[] {
  const keys = Object.keys(value).sort();
  if (!keys.some(isArrayIndex)) return keys;
  const indexes = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...keys.filter((k) => !isArrayIndex(k))];
}

function isArrayIndex(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/** The definition: JSON.stringify with a replacer sorting every plain object's keys. */
export function sortedReferenceStringify(value: unknown): string {
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
