import { customerKey, visitorKey } from '../projection.types';
import { earlier, initialLoyaltyState, insertSorted, upsertEarliest } from './loyalty.projection';
import { type EventTime, type LoyaltyState } from './loyalty.types';

/**
 * Documents a customer's loyalty also needs: the visitors identified as the customer (their
 * anonymous purchases) and the customers merged into it. The reader loads them, asks again of
 * each loaded customer document (an absorbed customer has visitors and absorbed customers of
 * its own) until no new key appears, then calls `mergeLoyaltyStates`.
 */
export function loyaltyRelatedKeys(state: LoyaltyState): string[] {
  return [
    ...state.linkedVisitors.map((l) => visitorKey(l.anonymousId)),
    ...state.absorbed.map((m) => customerKey(m.customerId)),
  ];
}

function union<T extends EventTime>(
  a: readonly T[],
  b: readonly T[],
  keyOf: (t: T) => string,
): readonly T[] {
  let out = a;
  for (const item of b) out = upsertEarliest(out, item, keyOf);
  return out;
}

function unionSorted(a: readonly string[], b: readonly string[]): readonly string[] {
  let out = a;
  for (const id of b) out = insertSorted(out, id);
  return out;
}

function earliestOf<T extends EventTime>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return earlier(a, b);
}

/**
 * The least upper bound of two loyalty states: every fact of either, one per business key
 * (orderId, refund, redemptionId, adjustment key) with the earliest report kept, exactly as
 * `evolve` keeps it — so an order that reached two documents (sent once as a visitor, again
 * after sign-in) counts once. Erasure absorbs: the result is then the tombstone. Identity
 * (`customerId`) is taken from `a`.
 */
export function joinLoyaltyStates(a: LoyaltyState, b: LoyaltyState): LoyaltyState {
  const erased = earliestOf(a.erased, b.erased);
  // Only the tombstone survives, as in `evolve`.
  if (erased !== null) return { ...initialLoyaltyState(''), customerId: a.customerId, erased };
  return {
    schema: 1,
    customerId: a.customerId,
    registration: earliestOf(a.registration, b.registration),
    purchases: union(a.purchases, b.purchases, (p) => p.orderId),
    refunds: union(a.refunds, b.refunds, (r) => `${r.orderId}\u0000${r.refundId}`),
    redemptions: union(a.redemptions, b.redemptions, (r) => r.redemptionId),
    adjustments: union(a.adjustments, b.adjustments, (x) => x.adjustmentKey),
    absorbed: union(a.absorbed, b.absorbed, (m) => m.customerId),
    mergedInto: earliestOf(a.mergedInto, b.mergedInto),
    linkedVisitors: union(a.linkedVisitors, b.linkedVisitors, (l) => l.anonymousId),
    erased: null,
    appliedEventIds: unionSorted(a.appliedEventIds, b.appliedEventIds),
  };
}

/**
 * One loyalty account for the person behind `primary`: its own facts plus those of the visitor
 * documents linked to it and of the customers merged into it (`loyaltyRelatedKeys`, followed to
 * closure), as if every one of those events had been folded into `primary`. Visitor purchases
 * and absorbed accounts live on their own documents because a pure `evolve` sees one document
 * and a visit can arrive after the link; joining here makes the order of link and purchases
 * irrelevant. The join is commutative, associative and idempotent, so the order of `related`,
 * repeats in it, or the same purchase present on two documents change nothing. An erasure of
 * any customer in the set (the same person) leaves only the tombstone. The result keeps the
 * primary's identity: `customerId` and whether the primary itself was retired by a merge.
 * Pass it to `loyaltyView` as usual.
 */
export function mergeLoyaltyStates(
  primary: LoyaltyState,
  related: readonly LoyaltyState[],
): LoyaltyState {
  let merged = primary;
  for (const other of related) merged = joinLoyaltyStates(merged, other);
  if (merged.erased !== null) return merged;
  const own = (m: { customerId: string }): boolean => m.customerId !== primary.customerId;
  return {
    ...merged,
    // A related customer's "merged into the primary" describes it, not the person shown.
    mergedInto: primary.mergedInto,
    absorbed: merged.absorbed.filter(own),
  };
}
