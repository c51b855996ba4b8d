export { crosssellProjection, type CustomerCrosssellView } from './crosssell.projection';
export { crosssellRelatedKeys, joinCrosssellStates, mergeCrosssellStates } from './crosssell.merge';
export {
  EMPTY_BASKETS_STATE,
  type Basket,
  type BasketLine,
  type CustomerBasketsState,
  type RefundRecord,
} from './crosssell.state';
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
