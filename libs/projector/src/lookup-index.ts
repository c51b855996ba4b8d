import { AppError } from '@touchpoint/core';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  LOOKUP_COMPLETE,
  type LookupDoc,
  documents,
  lookupCollectionName,
  lookupEntries,
} from '@touchpoint/read-models';

/**
 * The write side of the exact lookups (the format and the reads: @touchpoint/read-models
 * lookup.ts): the runner adds a document's keys before it writes the document and removes them
 * after the document no longer carries the value.
 */

const MAX_ATTEMPTS = 6;

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
  if (await store.get(lookup, LOOKUP_COMPLETE)) return;
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
  await store.writeVersioned(lookup, [
    { id: LOOKUP_COMPLETE, doc: { complete: true }, version: 1 },
  ]);
}
