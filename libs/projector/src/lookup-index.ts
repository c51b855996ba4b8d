import { createHash } from 'node:crypto';
import { AppError } from '@touchpoint/core';
import type { ReadModelStore } from '@touchpoint/ports';
import { documents } from './model-digest';
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

interface LookupDoc extends Record<string, unknown> {
  readonly keys: readonly string[];
  readonly revision: number;
}

const COMPLETE = '$complete';
const MAX_ATTEMPTS = 6;

export function lookupCollectionName(collection: string): string {
  return `${collection}_lookup`;
}

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
 * Makes each lookup document list the given document keys (one read of the lookup documents,
 * one write of those that miss a key; a write lost to another writer is read and merged again).
 */
export function addLookups(
  store: ReadModelStore,
  collection: string,
  additions: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<void> {
  return changeLookups(store, collection, additions, (keys, key) => keys.add(key));
}

/** Takes the given document keys off each lookup document (the values left those documents). */
export function removeLookups(
  store: ReadModelStore,
  collection: string,
  removals: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<void> {
  return changeLookups(store, collection, removals, (keys, key) => keys.delete(key));
}

async function changeLookups(
  store: ReadModelStore,
  collection: string,
  changes: ReadonlyMap<string, ReadonlySet<string>>,
  change: (keys: Set<string>, key: string) => void,
): Promise<void> {
  const lookup = lookupCollectionName(collection);
  let pending = [...changes.keys()];
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const stored = await store.getMany<LookupDoc>(lookup, pending);
    const writes = [];
    for (const id of pending) {
      const doc = stored.get(id);
      const keys = new Set(doc?.keys ?? []);
      for (const k of changes.get(id) ?? []) change(keys, k);
      const same =
        keys.size === (doc?.keys.length ?? 0) && (doc?.keys ?? []).every((k) => keys.has(k));
      if (same) continue;
      const revision = (doc?.revision ?? 0) + 1;
      writes.push({ id, doc: { keys: [...keys].sort(), revision }, version: revision });
    }
    if (writes.length === 0) return;
    pending = [...(await store.writeVersioned(lookup, writes)).staleIds];
  }
  if (pending.length > 0) {
    throw AppError.conflict(
      'lookup_contention',
      `${lookup}: lookup documents kept changing under us; the batch will be retried`,
    );
  }
}

/** Fills the lookup from every stored document once, then marks it complete. */
export async function backfillLookups(
  store: ReadModelStore,
  collection: string,
  fields: readonly string[],
): Promise<void> {
  if (fields.length === 0) return;
  const lookup = lookupCollectionName(collection);
  if (await store.get(lookup, COMPLETE)) return;
  let additions = new Map<string, Set<string>>();
  const flush = async () => {
    await addLookups(store, collection, additions);
    additions = new Map();
  };
  for await (const { id, doc } of documents(store, collection)) {
    for (const entry of lookupEntries(fields, doc.search)) {
      additions.set(entry, (additions.get(entry) ?? new Set()).add(id));
    }
    if (additions.size >= 500) await flush();
  }
  await flush();
  await store.writeVersioned(lookup, [{ id: COMPLETE, doc: { complete: true }, version: 1 }]);
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
  const id = lookupId(field, value);
  const found = await store.getMany<LookupDoc>(lookupCollectionName(collection), [COMPLETE, id]);
  if (!found.has(COMPLETE)) {
    return store.findBy<StoredProjectionDoc>(collection, `search.${field}`, value, { limit });
  }
  const keys = found.get(id)?.keys ?? [];
  const docs = await store.getMany<StoredProjectionDoc>(collection, keys);
  return [...docs]
    .filter(([, d]) => d.search?.[field]?.includes(value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([, d]) => d);
}
