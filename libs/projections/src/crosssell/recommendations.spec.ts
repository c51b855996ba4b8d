import { customerKey } from '../projection.types';
import { associationRules, type Rule } from './association-rules';
import { basketStats, sumStats } from './basket-stats';
import { fold, line, purchase, refund } from './crosssell.fixtures';
import { DEFAULT_CROSSSELL_POLICY, type CrosssellPolicy } from './crosssell.policy';
import { recommend, spendDecileThreshold } from './recommendations';

const BOTTLE = line('BB-260', 'baby/feeding', 8900, 1, 'Anti-colic baby bottle 260 ml');
const FOOD = line('BF-STAGE1', 'baby/food', 1550, 6, 'Organic baby food, stage 1');
const TEAT = line('TEAT-S', 'baby/feeding', 1200);
const SPOON = line('SPOON', 'home/kitchen', 500);
const TOY = line('TOY-1', 'toys', 3000);
const LAPTOP = line('LT-X1-PRO', 'electronics/laptops', 1299900, 1, 'X1 Pro 16" laptop');
const CAMERA = line('CAM-R5', 'electronics/cameras/premium', 2599900, 1, 'R5 mirrorless camera');

/** The same ten baskets as association-rules.spec: bottle 4, food 5, both 3. */
function storeRules(): Rule[] {
  const baskets = [
    [BOTTLE, FOOD],
    [BOTTLE, FOOD],
    [BOTTLE, FOOD],
    [BOTTLE, TEAT],
    [FOOD],
    [FOOD],
    [SPOON],
    [SPOON],
    [TOY],
    [SPOON, TOY],
  ];
  const stats = sumStats(
    baskets.map((items, i) =>
      basketStats(
        fold(
          [
            purchase({
              id: i + 1,
              customerId: `s-${i}`,
              orderId: `O-${i}`,
              at: '2025-01-05T10:00:00+08:00',
              items,
            }),
          ],
          customerKey(`s-${i}`),
        ),
      ),
    ),
  );
  return associationRules(stats, { level: 'item', minSupport: 0.1, minConfidence: 0.5 });
}

const ONLY_RULES: CrosssellPolicy = {
  ...DEFAULT_CROSSSELL_POLICY,
  categoryChains: [],
  valueSegmentChains: [],
};
const AS_OF = new Date('2025-05-01T12:00:00+08:00');
const NOBODY = Number.POSITIVE_INFINITY;

describe('recommend — scenario 4, simple chain', () => {
  const rules = storeRules();
  const newParent = fold([
    purchase({ id: 100, orderId: 'O-100', at: '2025-04-28T10:00:00+08:00', items: [BOTTLE] }),
  ]);

  it('Given a new customer who just bought a baby bottle, When recommended from mined rules only, Then baby food is recommended, naming the rule and its measures', () => {
    const recs = recommend(
      newParent,
      { rules, spendDecileThreshold: NOBODY, asOf: AS_OF },
      ONLY_RULES,
    );
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      kind: 'sku',
      target: 'BF-STAGE1',
      name: 'Organic baby food, stage 1',
      source: 'association_rule',
      rule: {
        antecedent: 'BB-260',
        consequent: 'BF-STAGE1',
        support: 0.3,
        confidence: 0.75,
        lift: 1.5,
      },
      trigger: { orderId: 'O-100', sku: 'BB-260', category: 'baby/feeding' },
    });
    expect(recs[0]?.explanation).toBe(
      'Association rule BB-260 → BF-STAGE1 (item level): support 30.0% (3 of 10 baskets), ' +
        'confidence 75.0% (3 of 4 baskets with BB-260), lift 1.50; ' +
        'the customer bought BB-260 "Anti-colic baby bottle 260 ml" (baby/feeding) on 2025-04-28.',
    );
  });

  it('Given the same customer, When recommended with no rules but the default policy, Then the configured chain recommends baby food and says so', () => {
    const recs = recommend(
      newParent,
      { rules: [], spendDecileThreshold: NOBODY, asOf: AS_OF },
      DEFAULT_CROSSSELL_POLICY,
    );
    expect(recs.map((r) => [r.source, r.kind, r.target])).toEqual([
      ['category_chain', 'category', 'baby/food'],
    ]);
    expect(recs[0]?.explanation).toBe(
      'Configured chain baby/feeding → baby/food: the customer bought BB-260 "Anti-colic baby bottle 260 ml" (baby/feeding) on 2025-04-28.',
    );
  });

  it('Given both the chain and the rule apply, When recommended, Then the configured chain ranks before the mined rule', () => {
    const recs = recommend(
      newParent,
      { rules, spendDecileThreshold: NOBODY, asOf: AS_OF },
      DEFAULT_CROSSSELL_POLICY,
    );
    expect(recs.map((r) => [r.source, r.target])).toEqual([
      ['category_chain', 'baby/food'],
      ['association_rule', 'BF-STAGE1'],
    ]);
  });

  it('Given a customer who already owns baby food, When recommended, Then neither the food sku nor the food category is offered', () => {
    const owner = fold([
      purchase({ id: 100, orderId: 'O-100', at: '2025-04-28T10:00:00+08:00', items: [BOTTLE] }),
      purchase({ id: 101, orderId: 'O-101', at: '2025-02-01T10:00:00+08:00', items: [FOOD] }),
    ]);
    expect(
      recommend(
        owner,
        { rules, spendDecileThreshold: NOBODY, asOf: AS_OF },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given a customer who returned the bottle, When recommended, Then the returned bottle triggers nothing', () => {
    const returned = fold([
      purchase({ id: 100, orderId: 'O-100', at: '2025-04-28T10:00:00+08:00', items: [BOTTLE] }),
      refund({
        id: 101,
        orderId: 'O-100',
        refundId: 'R-1',
        amount: 8900,
        at: '2025-04-29T10:00:00+08:00',
        items: [{ sku: 'BB-260', quantity: 1 }],
      }),
    ]);
    expect(
      recommend(
        returned,
        { rules, spendDecileThreshold: NOBODY, asOf: AS_OF },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given a customer who returned baby food, When a rule points at it, Then the returned sku is not offered again', () => {
    const state = fold([
      purchase({ id: 100, orderId: 'O-100', at: '2025-04-28T10:00:00+08:00', items: [BOTTLE] }),
      purchase({ id: 101, orderId: 'O-101', at: '2025-04-28T11:00:00+08:00', items: [FOOD] }),
      refund({
        id: 102,
        orderId: 'O-101',
        refundId: 'R-1',
        amount: 9300,
        at: '2025-04-29T10:00:00+08:00',
        items: [{ sku: 'BF-STAGE1', quantity: 6 }],
      }),
    ]);
    const recs = recommend(state, { rules, spendDecileThreshold: NOBODY, asOf: AS_OF }, ONLY_RULES);
    expect(recs.map((r) => r.target)).not.toContain('BF-STAGE1');
  });
});

describe('recommend — scenario 4, value-segment chain', () => {
  const laptopAt = '2025-03-01T10:00:00+08:00';
  const buyer = fold([purchase({ id: 200, orderId: 'O-200', at: laptopAt, items: [LAPTOP] })]);
  const topCut = 1_000_000;

  it('Given a top-decile customer who bought a laptop 61 days ago, When recommended, Then a premium camera is recommended by the value-segment chain', () => {
    const recs = recommend(
      buyer,
      { rules: [], spendDecileThreshold: topCut, asOf: AS_OF },
      DEFAULT_CROSSSELL_POLICY,
    );
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      kind: 'category',
      target: 'electronics/cameras/premium',
      source: 'value_segment_chain',
      chain: { from: 'electronics/laptops', to: 'electronics/cameras/premium', withinDays: 90 },
      trigger: { sku: 'LT-X1-PRO', orderId: 'O-200', purchasedAt: laptopAt },
    });
    expect(recs[0]?.explanation).toBe(
      'Value-segment chain electronics/laptops → electronics/cameras/premium: a top-decile customer ' +
        '(net spend 1299900 ≥ cut 1000000, CNY minor units) who bought LT-X1-PRO "X1 Pro 16" laptop" ' +
        '(electronics/laptops) on 2025-03-01, 61 days ago (within 90).',
    );
  });

  it('Given the same buyer below the top-decile cut, When recommended, Then no camera', () => {
    expect(
      recommend(
        buyer,
        { rules: [], spendDecileThreshold: 2_000_000, asOf: AS_OF },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given the laptop was bought more than 90 days before asOf, When recommended, Then no camera', () => {
    // 2025-03-01 10:00 → 2025-05-30 10:00 is exactly 90 days; one day later is 91.
    const day90 = new Date('2025-05-30T10:00:00+08:00');
    const day91 = new Date('2025-05-31T10:00:00+08:00');
    expect(
      recommend(
        buyer,
        { rules: [], spendDecileThreshold: topCut, asOf: day90 },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toHaveLength(1);
    expect(
      recommend(
        buyer,
        { rules: [], spendDecileThreshold: topCut, asOf: day91 },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given asOf before the laptop purchase, When recommended, Then the future purchase triggers nothing', () => {
    const before = new Date('2025-02-01T00:00:00+08:00');
    expect(
      recommend(
        buyer,
        { rules: [], spendDecileThreshold: topCut, asOf: before },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given a top-decile laptop buyer who already owns a premium camera, When recommended, Then no camera', () => {
    const owner = fold([
      purchase({ id: 200, orderId: 'O-200', at: laptopAt, items: [LAPTOP] }),
      purchase({ id: 201, orderId: 'O-201', at: '2024-12-01T10:00:00+08:00', items: [CAMERA] }),
    ]);
    expect(
      recommend(
        owner,
        { rules: [], spendDecileThreshold: topCut, asOf: AS_OF },
        DEFAULT_CROSSSELL_POLICY,
      ),
    ).toEqual([]);
  });

  it('Given a customer who qualifies for every source, When recommended with topN 2, Then value-segment first, then the chain', () => {
    const both = fold([
      purchase({ id: 200, orderId: 'O-200', at: laptopAt, items: [LAPTOP] }),
      purchase({ id: 201, orderId: 'O-201', at: '2025-04-28T10:00:00+08:00', items: [BOTTLE] }),
    ]);
    const policy = { ...DEFAULT_CROSSSELL_POLICY, topN: 2 };
    const recs = recommend(
      both,
      { rules: storeRules(), spendDecileThreshold: topCut, asOf: AS_OF },
      policy,
    );
    expect(recs.map((r) => [r.source, r.target])).toEqual([
      ['value_segment_chain', 'electronics/cameras/premium'],
      ['category_chain', 'baby/food'],
    ]);
  });
});

describe('spendDecileThreshold', () => {
  it.each([
    ['no customers: nobody qualifies', [], Number.POSITIVE_INFINITY],
    ['one customer', [500], 500],
    ['ten customers: the top one', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10],
    ['eleven customers: the top two', [11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10],
    ['twenty customers: the top two', Array.from({ length: 20 }, (_, i) => (i + 1) * 100), 1900],
    ['ties at the cut are all in', [5, 1, 5, 5], 5],
  ])(
    'Given %s, When the cut is taken, Then it is the smallest top-decile spend',
    (_label, spends, cut) => {
      expect(spendDecileThreshold(spends)).toBe(cut);
    },
  );
});
