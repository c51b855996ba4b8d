/**
 * Where a model version lives. The projector writes these names and every reader (the agent API,
 * the CLI, the archiver's rebuild check) finds them again, so each is spelt once, here.
 */
export function collectionName(model: string, version: string): string {
  return `${model}_${version}`;
}

/** Exact-lookup documents of a collection (lookup.ts). */
export function lookupCollectionName(collection: string): string {
  return `${collection}_lookup`;
}

/** Co-purchase aggregate documents of a crosssell collection (crosssell-aggregates.ts). */
export function copurchaseCollectionName(collection: string): string {
  return `${collection}_copurchase`;
}

/**
 * The consumer group of one model version: live processing and its replay share it, and readers
 * measure the version's lag by its committed offsets.
 */
export function projectorGroupId(prefix: string, model: string, version: string): string {
  return `${prefix}.projector.${model}.${version}`;
}
