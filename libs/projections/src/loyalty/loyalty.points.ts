import { currencyExponent } from '@touchpoint/contracts';
import { type LoyaltyPolicy } from './loyalty.policy';

/**
 * Points for a net amount, in exact integer arithmetic (a float `Math.floor(x * 0.01)` can land
 * one point short). Undefined when the currency's exponent is unknown.
 */
export function pointsForAmount(
  amountMinor: number,
  currency: string,
  earning: LoyaltyPolicy['earning'],
): number | undefined {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return undefined;
  const divisor = 10 ** exponent;
  const scaled = Math.max(0, amountMinor) * earning.pointsPerMajorUnit;
  const remainder = scaled % divisor;
  const whole = (scaled - remainder) / divisor;
  switch (earning.rounding) {
    case 'floor':
      return whole;
    case 'half_up':
      return 2 * remainder >= divisor ? whole + 1 : whole;
  }
}
