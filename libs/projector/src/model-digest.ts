import { createHash } from 'node:crypto';
import { stableStringify } from '@touchpoint/contracts';
import type { ReadModelStore } from '@touchpoint/ports';
import type { StoredProjectionDoc } from './projection-runner';

const PAGE = 500;

/** Every document of a collection in id order, a page at a time. */
export async function* documents(
  store: ReadModelStore,
  collection: string,
): AsyncGenerator<{ id: string; doc: StoredProjectionDoc }> {
  let afterId: string | undefined;
  for (;;) {
    const page = await store.page<StoredProjectionDoc>(collection, { afterId, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    afterId = page[page.length - 1]!.id;
  }
}

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

/** Fed documents in id order; the same contents give the same value. */
export class ContentDigest {
  private readonly hash = createHash('sha256');
  documents = 0;

  add(id: string, state: unknown): void {
    this.hash.update(id).update('\0').update(stableStringify(state)).update('\n');
    this.documents++;
  }

  value(): string {
    return this.hash.digest('hex');
  }
}
