import { DEFAULT_CROSSSELL_POLICY, categoryWithin, parseCrosssellPolicy } from './crosssell.policy';

describe('parseCrosssellPolicy', () => {
  it('Given the default policy as JSON, When parsed, Then it comes back unchanged', () => {
    const raw: unknown = JSON.parse(JSON.stringify(DEFAULT_CROSSSELL_POLICY));
    expect(parseCrosssellPolicy(raw)).toEqual({ ok: true, policy: DEFAULT_CROSSSELL_POLICY });
  });

  it('Given an empty object, When parsed, Then every field takes its default', () => {
    expect(parseCrosssellPolicy({})).toEqual({ ok: true, policy: DEFAULT_CROSSSELL_POLICY });
  });

  it('Given a partial policy, When parsed, Then the given fields override the defaults', () => {
    const result = parseCrosssellPolicy({
      topN: 3,
      minConfidence: 0.5,
      categoryChains: [
        { from: 'pets/dogs', to: 'pets/dog-food', withinDays: 30 },
        { from: 'a', to: 'b' },
      ],
      giftCategories: ['gifts', 'flowers', 'gifts'],
    });
    expect(result).toEqual({
      ok: true,
      policy: {
        ...DEFAULT_CROSSSELL_POLICY,
        topN: 3,
        minConfidence: 0.5,
        categoryChains: [
          { from: 'pets/dogs', to: 'pets/dog-food', withinDays: 30 },
          { from: 'a', to: 'b', withinDays: null },
        ],
        giftCategories: ['flowers', 'gifts'],
      },
    });
  });

  it('Given a value that is not an object, When parsed, Then the error says an object was expected', () => {
    expect(parseCrosssellPolicy([1])).toEqual({ ok: false, errors: ['$: expected a JSON object'] });
    expect(parseCrosssellPolicy(null)).toEqual({
      ok: false,
      errors: ['$: expected a JSON object'],
    });
  });

  it('Given many wrong fields, When parsed, Then every error names its field and the expected form', () => {
    const result = parseCrosssellPolicy({
      minSupport: 1.5,
      minConfidence: '0.2',
      topN: 0,
      occasionMinYears: 1,
      categoryChains: [{ from: 'Baby Feeding', to: 'baby/food', extra: true }, 'x'],
      valueSegmentChains: [{ from: 'electronics/laptops', to: 'electronics/laptops' }],
      giftCategories: 'gifts',
      currency: 'cny',
      minSuport: 0.1,
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'minSuport: unknown field; expected one of minSupport, minConfidence, topN, categoryChains, valueSegmentChains, giftCategories, occasionMinYears, currency, horizonDays, detailRecords, pastSkus, neighbours',
        'minSupport: expected a number between 0 and 1',
        'minConfidence: expected a number between 0 and 1',
        'topN: expected an integer from 1 to 100',
        'occasionMinYears: expected an integer from 2 to 50',
        'categoryChains[0].extra: unknown field; expected { from, to, withinDays? } (withinDays a positive integer or null)',
        'categoryChains[0].from: expected a lower-case category slug like "baby/food"',
        'categoryChains[1]: expected an object { from, to, withinDays? } (withinDays a positive integer or null)',
        'valueSegmentChains[0].withinDays: expected a positive integer number of days',
        'valueSegmentChains[0]: expected "to" to differ from "from"',
        'giftCategories: expected an array of a lower-case category slug like "baby/food"',
        'currency: expected an ISO 4217 code like "CNY"',
      ],
    });
  });
});

describe('categoryWithin', () => {
  it.each([
    ['gifts', 'gifts', true],
    ['gifts/food', 'gifts', true],
    ['giftsets', 'gifts', false],
    ['baby/food', 'baby/feeding', false],
  ])('Given %s under %s, When checked, Then %s', (category, root, expected) => {
    expect(categoryWithin(category, root)).toBe(expected);
  });
});
