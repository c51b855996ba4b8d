// Test oracle (spec files only): the unbounded model as of f29dec1, validated against independent
// tools; the bounded model's views are compared with it. Not part of the library.
import { customerKey, visitorKey } from '../../projection.types';
import { type CrosssellPolicy } from '../crosssell.policy';
import {
  compareStrings,
  normalise,
  withBasket,
  withLinkedVisitor,
  withMergedFrom,
  withMergedInto,
  withRefund,
  type CustomerBasketsState,
} from './crosssell.state.reference';

/**
 * Documents a customer's cross-sell view also needs: the visitors identified as the customer
 * (their anonymous baskets) and the customers merged into it. The reader loads them, asks again
 * of each loaded customer document until no new key appears, then calls `mergeCrosssellStates`.
 */
export function crosssellRelatedKeys(state: CustomerBasketsState): string[] {
  return [...state.linkedAnonymousIds.map(visitorKey), ...state.mergedFrom.map(customerKey)];
}

/**
 * The least upper bound of two basket states: every order and refund of either, one per
 * business key with the same lowest-event-id rule `evolve` applies, so an order present on two
 * documents (bought as a visitor, re-sent after sign-in) is one basket. Erasure absorbs.
 * Derived fields are recomputed, as after every `evolve`.
 */
export function joinCrosssellStates(
  a: CustomerBasketsState,
  b: CustomerBasketsState,
  policy: CrosssellPolicy,
): CustomerBasketsState {
  let out = a;
  for (const basket of b.baskets) out = withBasket(out, basket);
  for (const refund of b.refunds) out = withRefund(out, refund);
  for (const id of b.mergedFrom) out = withMergedFrom(out, id);
  if (b.mergedInto !== null) out = withMergedInto(out, b.mergedInto);
  for (const id of b.linkedAnonymousIds) out = withLinkedVisitor(out, id);
  const lifecycleEventIds = [...new Set([...a.lifecycleEventIds, ...b.lifecycleEventIds])].sort(
    compareStrings,
  );
  return normalise({ ...out, erased: a.erased || b.erased, lifecycleEventIds }, policy);
}

/**
 * One cross-sell state for the person behind `primary`: its baskets plus those of the visitor
 * documents linked to it and of the customers merged into it (`crosssellRelatedKeys`, followed
 * to closure), as if all had been folded into `primary`. Because a pure `evolve` sees one
 * document and a visit can come after the link, this runs at read time; the join is
 * commutative, associative and idempotent, so neither the order of `related`, nor repeats, nor
 * which arrived first matter, and an order on two documents counts once. An erasure of any
 * customer in the set (the same person) erases the result: no dates, amounts or offers. The
 * result keeps the primary's `mergedInto`. Use it with `crosssellProjection.view` and
 * `recommend` as usual; the store-wide statistics (`basketStats` per document) are unchanged.
 */
export function mergeCrosssellStates(
  primary: CustomerBasketsState,
  related: readonly CustomerBasketsState[],
  policy: CrosssellPolicy,
): CustomerBasketsState {
  let merged = normalise(primary, policy);
  for (const other of related) merged = joinCrosssellStates(merged, other, policy);
  return { ...merged, mergedInto: primary.mergedInto };
}
