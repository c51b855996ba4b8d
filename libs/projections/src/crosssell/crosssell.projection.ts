import { type RecordedEvent } from '@touchpoint/contracts';
import { type EventHandlers, keysFrom } from '../event-handlers';
import { customerKey, visitorKey, type Projection } from '../projection.types';
import { DEFAULT_CROSSSELL_POLICY, type CrosssellPolicy } from './crosssell.policy';
import { basketBeyondHorizon, foldBaskets } from './crosssell.evolve';
import {
  EMPTY_BASKETS_STATE,
  assertExactAsOf,
  basketsProfile,
  exactFrom,
  type CustomerBasketsState,
} from './crosssell.state';
import { recurringOccasions, type Occasion } from './occasions';

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
  /** Views asked as of an earlier instant are refused (`as_of_beyond_horizon`); null: any. */
  readonly exactFrom: string | null;
}

/** Only these types change the model; for the rest the shell never loads a document. */
const KEYS: EventHandlers<readonly string[]> = {
  // A visitor's basket is as much a basket as a customer's; keeping it under the visitor key lets
  // it count in the aggregates. It is not moved on `customer.identified`: a pure evolve sees one
  // document, and copying it would count the basket twice in the sums. The customer's view joins
  // it when read (`mergeCrosssellStates`).
  'purchase.completed': (event) => {
    if (event.customerId !== undefined) return [customerKey(event.customerId)];
    return event.anonymousId !== undefined ? [visitorKey(event.anonymousId)] : [];
  },
  'purchase.refunded': (event) => ownKey(event),
  'customer.erased': (event) => ownKey(event),
  'customer.identified': (event) => ownKey(event),
  'customer.merged': (event) =>
    event.customerId !== undefined
      ? [customerKey(event.customerId), customerKey(event.payload.mergedCustomerId)]
      : [],
};

function ownKey(event: RecordedEvent): readonly string[] {
  return event.customerId !== undefined ? [customerKey(event.customerId)] : [];
}

export const crosssellProjection: Projection<
  CustomerBasketsState,
  CustomerCrosssellView,
  CrosssellPolicy
> = {
  model: 'crosssell',
  // 2: bounded documents (detail within the horizon, compacted history).
  stateSchema: 3,
  defaultPolicy: DEFAULT_CROSSSELL_POLICY,
  keys: keysFrom(KEYS),
  initial: () => EMPTY_BASKETS_STATE,
  // Ignored types and losing re-sends leave no trace: the document is a function of the events
  // that matter, not of how often or in which order they came.
  evolve: (state, event, key, policy) => foldBaskets(state, [event], key, policy),
  evolveBatch: (state, events, key, policy) => foldBaskets(state, events, key, policy),
  beyondHorizon: (state, event) => basketBeyondHorizon(state, event),
  view(state: CustomerBasketsState, asOf: Date, policy: CrosssellPolicy): CustomerCrosssellView {
    assertExactAsOf(state, asOf);
    const profile = basketsProfile(state, policy);
    const occasions = state.erased ? [] : recurringOccasions(profile.giftPurchases, asOf, policy);
    return {
      erased: state.erased,
      mergedInto: state.mergedInto,
      mergedFrom: state.mergedFrom,
      orders: profile.orders,
      ownedSkus: profile.ownedSkus,
      ownedCategories: profile.ownedCategories,
      returnedSkus: profile.returnedSkus,
      netSpend: profile.netSpend,
      occasions,
      dueReminders: occasions.filter((o) => o.due),
      exactFrom: exactFrom(state),
    };
  },
};
