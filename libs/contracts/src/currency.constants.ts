/**
 * Active ISO 4217 codes and their minor-unit exponents. The exponent matters beyond validation:
 * upcasting legacy decimal amounts into minor units needs to know that JPY has none and KWD three.
 */
const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 = [
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN',
  'BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP',
  'GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK',
  'LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK',
  'NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD',
  'SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG',
  'YER ZAR ZMW ZWG ZWL',
].join(' ');

function table(codes: string, exponent: number): [string, number][] {
  return codes.split(' ').map((code) => [code, exponent]);
}

export const CURRENCY_MINOR_UNITS: ReadonlyMap<string, number> = new Map([
  ...table(EXPONENT_0, 0),
  ...table(EXPONENT_2, 2),
  ...table(EXPONENT_3, 3),
  ...table(EXPONENT_4, 4),
]);

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_MINOR_UNITS.has(value);
}

export function currencyExponent(currency: string): number | undefined {
  return CURRENCY_MINOR_UNITS.get(currency);
}
