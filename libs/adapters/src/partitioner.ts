/**
 * Stable key → partition mapping for the embedded log (FNV-1a). Kafka uses its own murmur2;
 * the embedded log only needs the same guarantee: one key always lands in one partition.
 */
export function partitionFor(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
