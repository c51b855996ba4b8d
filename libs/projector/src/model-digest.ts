import { createHash } from 'node:crypto';
import { stableStringify } from '@touchpoint/contracts';
import type { ReadModelStore } from '@touchpoint/ports';
import { documents } from '@touchpoint/read-models';

/**
 * A stable hash of what a version computed: ids and states, canonically encoded. Bookkeeping
 * (revisions, partition watermarks) is left out: it records how the documents were written
 * (batch boundaries, partition counts), not what they say.
 */
export async function contentDigest(
  store: ReadModelStore,
  collection: string,
): Promise<{ documents: number; digest: string }> {
  const digest = new ContentDigest();
  for await (const { id, doc } of documents(store, collection)) {
    digest.add(id, JSON.parse(doc.state));
  }
  return { documents: digest.documents, digest: digest.value() };
}

const MODULUS = 1n << 256n;

/**
 * The same contents give the same value in any order: each document's hash is added modulo
 * 2^256 (a multiset hash), so a collection can be read in one unordered pass instead of paged by
 * id, which is quadratic on FerretDB v1. Ids are unique within a collection, so no document is
 * counted twice.
 */
export class ContentDigest {
  private sum = 0n;
  documents = 0;

  add(id: string, state: unknown): void {
    const one = createHash('sha256').update(id).update('\0').update(stableStringify(state));
    this.sum = (this.sum + BigInt('0x' + one.digest('hex'))) % MODULUS;
    this.documents++;
  }

  value(): string {
    return createHash('sha256')
      .update(`${this.documents}:${this.sum.toString(16)}`)
      .digest('hex');
  }
}
