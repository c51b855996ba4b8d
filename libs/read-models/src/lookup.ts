import { createHash } from 'node:crypto';
import type { ReadModelStore } from '@touchpoint/ports';
import { lookupCollectionName } from './names';
import type { StoredProjectionDoc } from './stored-document';

/**
 * Exact lookups (a customer by e-mail, phone, card) through documents keyed by `_id`.
 *
 * The store answers a filter on `_id` from its index, but a filter on any other field (even an
 * indexed `search.emails` on FerretDB v1) reads and decodes the whole collection. So the write
 * path keeps, next to each collection, `<collection>_lookup`: one document per searched value,
 * its `_id` a hash of field and value (no address in clear in an id), holding the keys of the
 * documents that carry that value. A key is added before the document that carries the value is
 * written and taken off after the document no longer does, so the lookup always holds every
 * current match; between the two a stale hint is dropped by readers, who check the document.
 * A marker document says the lookup covers every document of the collection: collections that
 * predate it are backfilled once by the projector, and readers scan until the marker exists.
 */
export interface LookupDoc extends Record<string, unknown> {
  readonly keys: readonly string[];
  readonly revision: number;
}

/** The id of the marker document: present once the lookup covers the whole collection. */
export const LOOKUP_COMPLETE = '$complete';

export function lookupId(field: string, value: string): string {
  return createHash('sha256').update(`${field}\n${value}`).digest('base64url');
}

/** Lookup ids of every value of the given search fields, mapped to the document key. */
export function lookupEntries(
  fields: readonly string[],
  search: Record<string, readonly string[]> | undefined,
): string[] {
  if (!search) return [];
  return fields.flatMap((f) => (search[f] ?? []).map((v) => lookupId(f, v)));
}

/**
 * Keys of the documents that may hold the value in their search field (one read by `_id`): a
 * superset of the matches (a key is taken off after its document drops the value), so each
 * document must still be checked for the value; undefined while the lookup does not cover the
 * whole collection yet.
 */
export async function lookupCandidates(
  store: ReadModelStore,
  collection: string,
  field: string,
  value: string,
): Promise<readonly string[] | undefined> {
  const id = lookupId(field, value);
  const found = await store.getMany<LookupDoc>(lookupCollectionName(collection), [
    LOOKUP_COMPLETE,
    id,
  ]);
  return found.has(LOOKUP_COMPLETE) ? (found.get(id)?.keys ?? []) : undefined;
}

/**
 * Documents whose search field holds the value, in id order: through the lookup when it is
 * complete (two reads by `_id`), else by the field itself (a collection scan on FerretDB).
 */
export async function findByLookup(
  store: ReadModelStore,
  collection: string,
  field: string,
  value: string,
  limit: number,
): Promise<StoredProjectionDoc[]> {
  const keys = await lookupCandidates(store, collection, field, value);
  if (keys === undefined) {
    return store.findBy<StoredProjectionDoc>(collection, `search.${field}`, value, { limit });
  }
  const docs = await store.getMany<StoredProjectionDoc>(collection, keys);
  return [...docs]
    .filter(([, d]) => d.search?.[field]?.includes(value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([, d]) => d);
}
