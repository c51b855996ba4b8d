// Test oracle (spec files only): the unbounded model as of f29dec1, validated against independent
// tools; the bounded model's views are compared with it. Not part of the library.
import { type RecordedEvent } from '@touchpoint/contracts';
import { assertNever } from '@touchpoint/core';
import {
  customerKey,
  visitorKey,
  type PositionedEvent,
  type Projection,
} from '../../projection.types';
import { DEFAULT_CROSSSELL_POLICY, type CrosssellPolicy } from '../crosssell.policy';
import {
  EMPTY_BASKETS_STATE,
  hasApplied,
  normalise,
  withBasket,
  withLifecycleEvent,
  withLinkedVisitor,
  withMergedFrom,
  withMergedInto,
  withRefund,
  type CustomerBasketsState,
} from './crosssell.state.reference';
import { recurringOccasions, type Occasion } from './occasions.reference';

export interface CustomerCrosssellView {
  readonly erased: boolean;
  readonly mergedInto: string | null;
  readonly mergedFrom: readonly string[];
  readonly orders: number;
  readonly ownedSkus: readonly string[];
  readonly ownedCategories: readonly string[];
  readonly returnedSkus: readonly string[];
  readonly netSpend: Readonly<Record<string, number>>;
  readonly occasions: readonly Occasion[];
  /** The occasions due at asOf, for the next-best-action panel. */
  readonly dueReminders: readonly Occasion[];
}

/**
 * Only these types change the model; for the rest `keys` is empty so the shell never loads a
 * document for them. The list is checked against the catalogue by the exhaustive switch below.
 */
function keysOf(event: RecordedEvent): readonly string[] {
  switch (event.type) {
    case 'purchase.completed':
      // A visitor's basket is as much a basket as a customer's; keeping it under the visitor key
      // lets it count in the aggregates. It is not moved on `customer.identified`: a pure evolve
      // sees one document, and copying it would count the basket twice in the sums. The
      // customer's view joins it when read (`mergeCrosssellStates`).
      if (event.customerId !== undefined) return [customerKey(event.customerId)];
      return event.anonymousId !== undefined ? [visitorKey(event.anonymousId)] : [];
    case 'purchase.refunded':
    case 'customer.erased':
    case 'customer.identified':
      return event.customerId !== undefined ? [customerKey(event.customerId)] : [];
    case 'customer.merged':
      return event.customerId !== undefined
        ? [customerKey(event.customerId), customerKey(event.payload.mergedCustomerId)]
        : [];
    case 'customer.registered':
    case 'customer.profile_updated':
    case 'call.logged':
    case 'email.sent':
    case 'email.opened':
    case 'email.clicked':
    case 'email.received':
    case 'web.visited':
    case 'complaint.opened':
    case 'complaint.resolved':
    case 'feedback.submitted':
    case 'loyalty.points_redeemed':
    case 'loyalty.points_adjusted':
      return [];
    default:
      return assertNever(event, 'event type');
  }
}

function apply(
  state: CustomerBasketsState,
  event: RecordedEvent,
  key: string,
): CustomerBasketsState | undefined {
  switch (event.type) {
    case 'purchase.completed':
      return withBasket(state, {
        orderId: event.payload.orderId,
        eventId: event.eventId,
        occurredAt: event.occurredAt,
        currency: event.payload.currency,
        total: event.payload.total,
        lines: event.payload.items.map(({ sku, name, category, quantity, unitPrice }) => ({
          sku,
          name,
          category,
          quantity,
          unitPrice,
        })),
      });
    case 'purchase.refunded':
      return withRefund(state, {
        orderId: event.payload.orderId,
        refundId: event.payload.refundId,
        eventId: event.eventId,
        amount: event.payload.amount,
        currency: event.payload.currency,
        items:
          event.payload.items === undefined
            ? null
            : event.payload.items.map(({ sku, quantity }) => ({ sku, quantity })),
      });
    case 'customer.erased':
      return { ...withLifecycleEvent(state, event.eventId), erased: true };
    case 'customer.merged': {
      // The survivor cannot read the duplicate's document (one document per evolve, no
      // cross-document transactions), so each side records its half: the survivor who it
      // absorbed, the duplicate that it is retired. The duplicate's baskets stay where they are
      // and keep counting once in the aggregates.
      const survivor = event.customerId;
      if (survivor === undefined) return undefined;
      const seen = withLifecycleEvent(state, event.eventId);
      return key === customerKey(survivor)
        ? withMergedFrom(seen, event.payload.mergedCustomerId)
        : withMergedInto(seen, survivor);
    }
    case 'customer.identified':
      return event.anonymousId === undefined
        ? undefined
        : withLinkedVisitor(withLifecycleEvent(state, event.eventId), event.anonymousId);
    case 'customer.registered':
    case 'customer.profile_updated':
    case 'call.logged':
    case 'email.sent':
    case 'email.opened':
    case 'email.clicked':
    case 'email.received':
    case 'web.visited':
    case 'complaint.opened':
    case 'complaint.resolved':
    case 'feedback.submitted':
    case 'loyalty.points_redeemed':
    case 'loyalty.points_adjusted':
      return undefined;
    default:
      return assertNever(event, 'event type');
  }
}

export const crosssellProjection: Projection<
  CustomerBasketsState,
  CustomerCrosssellView,
  CrosssellPolicy
> = {
  model: 'crosssell',
  defaultPolicy: DEFAULT_CROSSSELL_POLICY,
  keys: keysOf,
  initial: () => EMPTY_BASKETS_STATE,
  evolve(state: CustomerBasketsState, { event }: PositionedEvent, key: string, policy) {
    if (hasApplied(state, event.eventId)) return state;
    const next = apply(state, event, key);
    // Ignored types and losing re-sends leave no trace: the document is a function of the
    // events that matter, not of how often or in which order they came.
    if (next === undefined || next === state) return state;
    return normalise(next, policy);
  },
  view(state: CustomerBasketsState, asOf: Date, policy: CrosssellPolicy): CustomerCrosssellView {
    const occasions = state.erased ? [] : recurringOccasions(state, asOf, policy);
    return {
      erased: state.erased,
      mergedInto: state.mergedInto,
      mergedFrom: state.mergedFrom,
      orders: state.baskets.length,
      ownedSkus: state.ownedSkus,
      ownedCategories: state.ownedCategories,
      returnedSkus: state.returnedSkus,
      netSpend: state.netSpend,
      occasions,
      dueReminders: occasions.filter((o) => o.due),
    };
  },
};
