import { customerKey, visitorKey } from '../projection.types';
import { copyRecord, getKey, setKey, type Stamp } from './customer360.record';
import { type Customer360State, joinCustomer360States } from './customer360.state';

/**
 * Documents a customer view also needs: visitor documents linked to it and customers merged
 * into it. The reader loads them, asks again of each (absorbed customers have visitors of their
 * own) until no new key appears, then calls `mergeCustomerStates`.
 */
export function relatedKeys(state: Customer360State): string[] {
  if (state.kind !== 'customer') return [];
  return [
    ...Object.keys(state.linkedAnonymousIds).sort().map(visitorKey),
    ...Object.keys(state.absorbedCustomerIds).sort().map(customerKey),
  ];
}

function withKey(
  record: Readonly<Record<string, Stamp>>,
  key: string,
  stamp: Stamp | undefined,
): Readonly<Record<string, Stamp>> {
  if (stamp === undefined || getKey(record, key) !== undefined) return record;
  const out = copyRecord(record);
  setKey(out, key, stamp);
  return out;
}

/**
 * One state for the person behind `primary`, as if every event of the linked visitor documents
 * and of the absorbed customers had been folded into it. Visitor and customer documents evolve
 * separately (a visit with an old anonymousId can arrive after the link and lands only on the
 * visitor document), so this runs at read time. Related documents hold disjoint events, so
 * their compacted histories add; each document counts once (a second copy of a key, the
 * primary's included, would add its history twice and is skipped). The join is commutative,
 * so the result does not depend on the order of `others`; an erasure anywhere in the set
 * removes personal data from the whole result. A business id reported on two documents is
 * recognised while both still hold it in detail.
 */
export function mergeCustomerStates(
  primary: Customer360State,
  others: readonly Customer360State[],
): Customer360State {
  let merged = primary;
  let linkedAnonymousIds = primary.linkedAnonymousIds;
  let absorbedCustomerIds = primary.absorbedCustomerIds;
  const seen = new Set([primary.key]);
  for (const other of [...others].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (seen.has(other.key)) continue;
    seen.add(other.key);
    merged = joinCustomer360States(merged, other);
    // The link event reaches both documents; if the primary's copy is still in flight, the
    // other side's record of it is as good.
    if (other.kind === 'visitor') {
      linkedAnonymousIds = withKey(
        linkedAnonymousIds,
        other.id,
        getKey(other.linkedCustomerIds, primary.id),
      );
    } else {
      absorbedCustomerIds = withKey(
        absorbedCustomerIds,
        other.id,
        getKey(other.mergedInto, primary.id),
      );
    }
  }
  return {
    ...merged,
    // Identity stays the primary's own: a visitor's "belongs to c-1" or an absorbed customer's
    // "merged into c-1" describe the others, not the person now shown.
    linkedAnonymousIds: mergeStampRecords(merged.linkedAnonymousIds, linkedAnonymousIds),
    absorbedCustomerIds: mergeStampRecords(merged.absorbedCustomerIds, absorbedCustomerIds),
    linkedCustomerIds: primary.linkedCustomerIds,
    mergedInto: primary.mergedInto,
  };
}

function mergeStampRecords(
  a: Readonly<Record<string, Stamp>>,
  b: Readonly<Record<string, Stamp>>,
): Readonly<Record<string, Stamp>> {
  let out = a;
  for (const [k, v] of Object.entries(b)) out = withKey(out, k, v);
  return out;
}
