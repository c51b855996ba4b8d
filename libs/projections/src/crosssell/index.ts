export { crosssellProjection, type CustomerCrosssellView } from './crosssell.projection';
export { crosssellRelatedKeys, joinCrosssellStates, mergeCrosssellStates } from './crosssell.merge';
export {
  EMPTY_BASKETS_STATE,
  EMPTY_PAST,
  basketsProfile,
  type Basket,
  type BasketLine,
  type BasketsProfile,
  type CustomerBasketsState,
  type PastBaskets,
  type RefundRecord,
} from './crosssell.state';
export { foldBaskets, type BasketContribution, type ContributionSink } from './crosssell.evolve';
export {
  applyCopurchaseDeltas,
  copurchaseDeltas,
  copurchaseDocId,
  copurchaseStats,
  type CopurchaseDelta,
  type CopurchaseDoc,
  type CopurchaseLevel,
  type Neighbour,
} from './copurchase';
export {
  DEFAULT_CROSSSELL_POLICY,
  parseCrosssellPolicy,
  type CategoryChain,
  type CrosssellPolicy,
  type ParsePolicyResult as CrosssellPolicyParseResult,
  type ValueSegmentChain,
} from './crosssell.policy';
export {
  EMPTY_STATS,
  basketStats,
  mergeStats,
  sumStats,
  type BasketStats,
  type KeyCount,
  type LevelStats,
  type PairBound,
  type PairCount,
} from './basket-stats';
export {
  associationRules,
  type Rule,
  type RuleLevel,
  type RuleOptions,
  type RuleSort,
} from './association-rules';
export {
  recommend,
  spendDecileThreshold,
  type Recommendation,
  type RecommendationSource,
  type RecommendContext,
  type Trigger,
} from './recommendations';
export { recurringOccasions, type Occasion } from './occasions';
export { crosssellModel } from './crosssell.model';
