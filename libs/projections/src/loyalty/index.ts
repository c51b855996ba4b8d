export {
  LOYALTY_MODEL,
  evolveLoyalty,
  initialLoyaltyState,
  loyaltyKeys,
  loyaltyProjection,
} from './loyalty.projection';
export {
  DAY_MS,
  DEFAULT_LOYALTY_POLICY,
  parseLoyaltyPolicy,
  type LoyaltyPolicy,
  type LoyaltyTierRule,
  type ParsePolicyResult as LoyaltyPolicyParseResult,
  type PointsRounding,
} from './loyalty.policy';
export { joinLoyaltyStates, loyaltyRelatedKeys, mergeLoyaltyStates } from './loyalty.merge';
export { loyaltyView, pointsForAmount } from './loyalty.view';
export { loyaltyFigures, type LoyaltyFigures } from './loyalty.figures';
export type * from './loyalty.types';
export { loyaltyModel } from './loyalty.model';
