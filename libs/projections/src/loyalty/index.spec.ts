import * as loyalty from './index';

describe('loyalty public API', () => {
  it('Given the module index, When imported, Then the projection, policy and view helpers are exported', () => {
    expect(Object.keys(loyalty).sort()).toEqual([
      'DAY_MS',
      'DEFAULT_LOYALTY_POLICY',
      'LOYALTY_MODEL',
      'evolveLoyalty',
      'initialLoyaltyState',
      'joinLoyaltyStates',
      'loyaltyFigures',
      'loyaltyKeys',
      'loyaltyModel',
      'loyaltyProjection',
      'loyaltyRelatedKeys',
      'loyaltyView',
      'mergeLoyaltyStates',
      'parseLoyaltyPolicy',
      'pointsForAmount',
    ]);
    expect(loyalty.loyaltyProjection.model).toBe('loyalty');
    expect(loyalty.loyaltyProjection.defaultPolicy).toBe(loyalty.DEFAULT_LOYALTY_POLICY);
  });
});
