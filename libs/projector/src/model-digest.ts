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
  const h = createHash('sha256');
  let count = 0;
  for await (const { id, doc } of documents(store, collection)) {
    h.update(id)
      .update('\0')
      .update(stableStringify(JSON.parse(doc.state)))
      .update('\n');
    count++;
  }
  return { documents: count, digest: h.digest('hex') };
}
