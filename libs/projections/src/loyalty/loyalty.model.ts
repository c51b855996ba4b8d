import type { ModelDescriptor } from '../model.types';
import { loyaltyFigures } from './loyalty.figures';
import { loyaltyRelatedKeys, mergeLoyaltyStates } from './loyalty.merge';
import { type LoyaltyPolicy, parseLoyaltyPolicy } from './loyalty.policy';
import { loyaltyProjection } from './loyalty.projection';
import type { LoyaltyState, LoyaltyView } from './loyalty.types';

export const loyaltyModel = {
  projection: loyaltyProjection,
  parsePolicy: parseLoyaltyPolicy,
  liveByDefault: true,
  codeDir: 'loyalty',
  identity: { relatedKeys: loyaltyRelatedKeys, merge: mergeLoyaltyStates },
  figures: loyaltyFigures,
  // "Loyal, and still loyal now": the tier at asOf and the instant it first changes.
  indexes: [{ fields: ['figures.tierAtAsOf', 'figures.tierUntil'] }],
  facets: (v) => ({ tier: v.tier, status: v.status }),
} satisfies ModelDescriptor<LoyaltyState, LoyaltyView, LoyaltyPolicy>;
