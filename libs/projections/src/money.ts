import { currencyExponent } from '@touchpoint/contracts';

/** Integer minor units as a decimal amount with its ISO code, e.g. 42000 CNY → `420.00 CNY`. */
export function formatMinorUnits(amount: number, currency: string): string {
  const exponent = currencyExponent(currency) ?? 0;
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits} ${currency}`;
  const cut = digits.length - exponent;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)} ${currency}`;
}
