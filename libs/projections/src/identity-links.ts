/**
 * Visitor links a customer's documents keep (DESIGN §4 "Bounded"). Every `customer.identified`
 * adds a visitor id to the customer, and a heavy app user is identified on a new device or
 * browser again and again: kept whole, the links are the one part of a document that grows
 * with history. A document keeps the newest LINKED_VISITORS links, ranked by each link's LATEST
 * identification (time, then a tie-break the caller gives), as identity graphs commonly limit
 * anonymous ids per profile. A visitor beyond the limit keeps its own document (which still
 * names the customer, so a lookup by its id still finds them), but its activity from before
 * identification no longer joins the customer's figures at read time.
 *
 * Ranking by the latest report, not the first, keeps the rule a join: the newest N of a union
 * equals the newest N of the union of each part's newest N, so live folds, replays, batch splits
 * and arrival orders agree. (Ranked by the first report, a dropped link re-reported later would
 * come back with its later time and outrank what a whole-history fold keeps.)
 */
export const LINKED_VISITORS = 10;

/**
 * The `limit` greatest items by `compare` (ascending order of `compare` means older), in the
 * order they came in. Items must already be one per link, each at its latest report.
 */
export function newestLinks<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  limit: number = LINKED_VISITORS,
): readonly T[] {
  if (items.length <= limit) return items;
  const kept = new Set([...items].sort((a, b) => compare(b, a)).slice(0, limit));
  return items.filter((item) => kept.has(item));
}
