import { BSON } from 'mongodb';
import { num } from './report';
import { percentile } from './support';

/**
 * Bytes of a read-model document's state as the store holds it: the JSON text where the state
 * is stored as a string, the BSON encoding where it is stored as native fields.
 */
export function stateBytes(doc: Record<string, unknown>): number {
  const state = doc.state;
  if (typeof state === 'string') return Buffer.byteLength(state, 'utf8');
  if (typeof state === 'object' && state !== null) return BSON.calculateObjectSize(state);
  return 0;
}

/** Bytes of the whole stored document in BSON (what MongoDB's 16 MiB limit applies to). */
export function documentBytes(doc: Record<string, unknown>): number {
  return BSON.calculateObjectSize(doc);
}

export interface SizeSummary {
  readonly documents: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function summarise(sizes: readonly number[]): SizeSummary {
  const sorted = [...sizes].sort((a, b) => a - b);
  return {
    documents: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function kib(bytes: number): string {
  return `${num(bytes / 1024, 1)} KB`;
}

export function describeSizes(s: SizeSummary): string {
  if (s.documents === 0) return 'no documents';
  return `p50 ${kib(s.p50)}, p90 ${kib(s.p90)}, p99 ${kib(s.p99)}, max ${kib(s.max)} (${num(s.documents)} documents)`;
}
