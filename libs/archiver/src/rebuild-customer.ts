import { stableStringify } from '@touchpoint/contracts';
import type { ReadModelStore } from '@touchpoint/ports';
import { type Projection, customerKey, visitorKey } from '@touchpoint/projections';
import { type StoredProjectionDoc, readState } from '@touchpoint/read-models';
import type { CustomerHistory } from './customer-history';
import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from './stream-names';

export type DocumentVerdict = 'same' | 'different' | 'missing_live' | 'not_in_stream';

export interface DocumentComparison {
  readonly model: string;
  readonly collection: string;
  readonly key: string;
  readonly verdict: DocumentVerdict;
  /** Up to a few JSON paths where the states differ (verdict `different`). */
  readonly differences: readonly string[];
  /** The document as the streams give it (absent for `not_in_stream`). */
  readonly recomputed?: RecomputedDocument;
}

const MAX_DIFFERENCES = 10;

/**
 * A model version as the rebuild check needs it: the pure projection and the policy its live
 * documents were folded with. The caller (the CLI) builds these from the catalog, so the archiver
 * knows nothing of the projector that keeps the live documents.
 */
export interface FoldedModel {
  readonly model: string;
  readonly collection: string;
  readonly projection: Projection<unknown, unknown, unknown>;
  readonly policy: unknown;
}

/** Document keys of the identities whose streams the history read. */
export function identityKeys(streams: readonly string[]): string[] {
  return streams.map((s) =>
    s.startsWith(CUSTOMER_STREAM_PREFIX)
      ? customerKey(s.slice(CUSTOMER_STREAM_PREFIX.length))
      : visitorKey(s.slice(VISITOR_STREAM_PREFIX.length)),
  );
}

/** A document folded from the archived streams alone. */
export interface RecomputedDocument {
  readonly state: unknown;
  /** The newest log position per partition among the events folded into it. */
  readonly covered: Readonly<Record<string, string>>;
  /** The latest event time folded into it. */
  readonly newestEventTime: Date;
}

/** Folds the history with each model's pure projection, for the customer's own documents only. */
export function recomputeDocuments(
  history: CustomerHistory,
  model: FoldedModel,
): Map<string, RecomputedDocument> {
  const wanted = new Set(identityKeys(history.streams));
  const docs = new Map<
    string,
    { state: unknown; covered: Record<string, string>; newest: number }
  >();
  for (const archived of history.events) {
    const { partition, offset } = archived.metadata.kafka;
    const positioned = { event: archived.event, position: { partition, offset } };
    const at = Date.parse(archived.event.occurredAt);
    for (const key of model.projection.keys(archived.event)) {
      if (!wanted.has(key)) continue;
      let doc = docs.get(key);
      if (doc === undefined) {
        doc = { state: model.projection.initial(key), covered: {}, newest: at };
        docs.set(key, doc);
      }
      doc.state = model.projection.evolve(doc.state, positioned, key, model.policy);
      const mine = doc.covered[partition];
      if (mine === undefined || BigInt(offset) > BigInt(mine)) doc.covered[partition] = offset;
      doc.newest = Math.max(doc.newest, at);
    }
  }
  const out = new Map<string, RecomputedDocument>();
  for (const [key, d] of docs) {
    out.set(key, { state: d.state, covered: d.covered, newestEventTime: new Date(d.newest) });
  }
  return out;
}

/**
 * Recomputes the customer's documents in every model from the event store alone and compares
 * their states with the live documents (bookkeeping such as watermarks and revisions ignored).
 */
export async function compareCustomerDocuments(
  history: CustomerHistory,
  models: readonly FoldedModel[],
  store: ReadModelStore,
): Promise<DocumentComparison[]> {
  const out: DocumentComparison[] = [];
  const keys = identityKeys(history.streams);
  for (const model of models) {
    const recomputed = recomputeDocuments(history, model);
    const live = await store.getMany<StoredProjectionDoc>(model.collection, keys);
    for (const key of keys) {
      const mine = recomputed.get(key);
      const doc = live.get(key);
      const base = { model: model.model, collection: model.collection, key, recomputed: mine };
      if (mine === undefined && doc === undefined) continue;
      if (doc === undefined) {
        out.push({ ...base, verdict: 'missing_live', differences: [] });
      } else if (mine === undefined) {
        out.push({ ...base, verdict: 'not_in_stream', differences: [] });
      } else {
        const differences = diffPaths(readState(doc, model.projection), mine.state);
        out.push({
          ...base,
          verdict: differences.length === 0 ? 'same' : 'different',
          differences,
        });
      }
    }
  }
  return out;
}

/** JSON paths where two plain-JSON values differ (object key order does not count). */
export function diffPaths(
  live: unknown,
  rebuilt: unknown,
  path = '$',
  out: string[] = [],
): string[] {
  if (out.length >= MAX_DIFFERENCES) return out;
  if (stableStringify(live) === stableStringify(rebuilt)) return out;
  const bothObjects =
    typeof live === 'object' && live !== null && typeof rebuilt === 'object' && rebuilt !== null;
  if (!bothObjects || Array.isArray(live) !== Array.isArray(rebuilt)) {
    out.push(path);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(rebuilt)) {
    if (live.length !== rebuilt.length) {
      out.push(`${path}.length`);
      return out;
    }
    live.forEach((v, i) => diffPaths(v, rebuilt[i], `${path}[${i}]`, out));
    return out;
  }
  const a = live as Record<string, unknown>;
  const b = rebuilt as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    diffPaths(a[k], b[k], `${path}.${k}`, out);
  }
  return out;
}
