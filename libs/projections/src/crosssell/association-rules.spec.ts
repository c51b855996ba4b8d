import fc from 'fast-check';
import { associationRules, type Rule } from './association-rules';
import { EMPTY_STATS, basketStats, mergeStats, sumStats, type BasketStats } from './basket-stats';
import { customerKey } from '../projection.types';
import { fold, line, purchase } from './crosssell.fixtures';
import { EMPTY_BASKETS_STATE, type CustomerBasketsState } from './crosssell.state';

const BOTTLE = line('BB-260', 'baby/feeding', 8900, 1, 'Anti-colic baby bottle 260 ml');
const FOOD = line('BF-STAGE1', 'baby/food', 1550, 6, 'Organic baby food, stage 1');
const TEAT = line('TEAT-S', 'baby/feeding', 1200);
const SPOON = line('SPOON', 'home/kitchen', 500);
const TOY = line('TOY-1', 'toys', 3000);

/**
 * Ten baskets, one customer each, counted by hand:
 *   BB-260 in 4 (1-4), BF-STAGE1 in 5 (1-3, 5, 6), both in 3; TEAT-S in 1 (with a bottle);
 *   SPOON in 3 (7, 8, 10), TOY-1 in 2 (9, 10), both in 1.
 */
const BASKETS = [
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

function storeStats(): BasketStats {
  return sumStats(
    BASKETS.map((items, i) => {
      const customerId = `c-${i + 1}`;
      const event = purchase({
        id: i + 1,
        customerId,
        orderId: `O-${i + 1}`,
        at: '2025-04-21T10:05:00+08:00',
        items,
      });
      return basketStats(fold([event], customerKey(customerId)));
    }),
  );
}

function pairOf(r: Rule): string {
  return `${r.antecedent}→${r.consequent}`;
}

describe('associationRules', () => {
  describe('Given the ten hand-counted baskets', () => {
    const stats = storeStats();

    it('When rules are mined at item level, Then bottle → food has support 0.3, confidence 0.75, lift 1.5', () => {
      const rules = associationRules(stats, { level: 'item', minSupport: 0, minConfidence: 0 });
      const rule = rules.find((r) => pairOf(r) === 'BB-260→BF-STAGE1');
      expect(rule).toEqual({
        level: 'item',
        antecedent: 'BB-260',
        consequent: 'BF-STAGE1',
        antecedentName: 'Anti-colic baby bottle 260 ml',
        consequentName: 'Organic baby food, stage 1',
        support: 0.3,
        confidence: 0.75,
        lift: 1.5,
        counts: { baskets: 10, antecedent: 4, consequent: 5, both: 3 },
        bothError: null,
      });
    });

    it('When the reverse rule is read, Then food → bottle has confidence 0.6 and the same lift 1.5', () => {
      const rules = associationRules(stats, { level: 'item', minSupport: 0, minConfidence: 0 });
      const rule = rules.find((r) => pairOf(r) === 'BF-STAGE1→BB-260');
      expect(rule).toMatchObject({ support: 0.3, confidence: 0.6, lift: 1.5 });
    });

    it('When sorted by lift (default), Then ties are broken by antecedent then consequent', () => {
      const rules = associationRules(stats, { level: 'item', minSupport: 0, minConfidence: 0 });
      expect(rules.map(pairOf)).toEqual([
        'BB-260→TEAT-S', // lift 1*10/(4*1) = 2.5
        'TEAT-S→BB-260', // 2.5
        'SPOON→TOY-1', // 1*10/(3*2) = 1.67
        'TOY-1→SPOON', // 1.67
        'BB-260→BF-STAGE1', // 1.5
        'BF-STAGE1→BB-260', // 1.5
      ]);
      expect(rules[2]?.lift).toBeCloseTo(10 / 6, 12);
    });

    it('When sorted by confidence, Then 1, 0.75, 0.6, 0.5, 1/3, 0.25', () => {
      const rules = associationRules(stats, {
        level: 'item',
        minSupport: 0,
        minConfidence: 0,
        sortBy: 'confidence',
      });
      expect(rules.map((r) => [pairOf(r), r.confidence])).toEqual([
        ['TEAT-S→BB-260', 1],
        ['BB-260→BF-STAGE1', 0.75],
        ['BF-STAGE1→BB-260', 0.6],
        ['TOY-1→SPOON', 0.5],
        ['SPOON→TOY-1', 1 / 3],
        ['BB-260→TEAT-S', 0.25],
      ]);
    });

    it('When sorted by support, Then the 0.3 pair first, the 0.1 rules by antecedent', () => {
      const rules = associationRules(stats, {
        level: 'item',
        minSupport: 0,
        minConfidence: 0,
        sortBy: 'support',
      });
      expect(rules.map(pairOf)).toEqual([
        'BB-260→BF-STAGE1',
        'BF-STAGE1→BB-260',
        'BB-260→TEAT-S',
        'SPOON→TOY-1',
        'TEAT-S→BB-260',
        'TOY-1→SPOON',
      ]);
    });

    it('When minSupport is 0.3, Then only the bottle/food rules remain (the bound is inclusive)', () => {
      const rules = associationRules(stats, { level: 'item', minSupport: 0.3, minConfidence: 0 });
      expect(rules.map(pairOf)).toEqual(['BB-260→BF-STAGE1', 'BF-STAGE1→BB-260']);
    });

    it('When minConfidence is 0.7, Then only teat → bottle (1.0) and bottle → food (0.75) remain', () => {
      const rules = associationRules(stats, { level: 'item', minSupport: 0, minConfidence: 0.7 });
      expect(rules.map(pairOf)).toEqual(['TEAT-S→BB-260', 'BB-260→BF-STAGE1']);
    });

    it('When both thresholds apply, Then a rule must meet both', () => {
      const rules = associationRules(stats, {
        level: 'item',
        minSupport: 0.2,
        minConfidence: 0.7,
      });
      expect(rules.map(pairOf)).toEqual(['BB-260→BF-STAGE1']);
    });

    it('When a limit is given, Then only the first rules are returned', () => {
      const rules = associationRules(stats, {
        level: 'item',
        minSupport: 0,
        minConfidence: 0,
        limit: 2,
      });
      expect(rules.map(pairOf)).toEqual(['BB-260→TEAT-S', 'TEAT-S→BB-260']);
    });

    it('When mined at category level, Then a basket counts a category once, however many lines', () => {
      // baby/feeding is in baskets 1-4 (basket 4 has two feeding lines), baby/food in 5.
      const rules = associationRules(stats, {
        level: 'category',
        minSupport: 0,
        minConfidence: 0,
      });
      expect(rules.find((r) => pairOf(r) === 'baby/feeding→baby/food')).toEqual({
        level: 'category',
        antecedent: 'baby/feeding',
        consequent: 'baby/food',
        antecedentName: null,
        consequentName: null,
        support: 0.3,
        confidence: 0.75,
        lift: 1.5,
        counts: { baskets: 10, antecedent: 4, consequent: 5, both: 3 },
        bothError: null,
      });
      expect(rules.map(pairOf)).toEqual([
        'home/kitchen→toys',
        'toys→home/kitchen',
        'baby/feeding→baby/food',
        'baby/food→baby/feeding',
      ]);
    });
  });

  describe('Given no baskets', () => {
    it('When rules are mined, Then there are none', () => {
      expect(
        associationRules(EMPTY_STATS, { level: 'item', minSupport: 0, minConfidence: 0 }),
      ).toEqual([]);
    });
  });
});

// ---- property tests: partial sums -----------------------------------------------------------

const SKUS = ['A', 'B', 'C', 'D', 'E'];

const customerArb: fc.Arbitrary<CustomerBasketsState> = fc
  .array(fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 4 }), {
    maxLength: 4,
  })
  .map((baskets) => ({
    ...EMPTY_BASKETS_STATE,
    baskets: baskets.map((skus, n) => ({
      orderId: `O-${n}`,
      eventId: `e-${n}`,
      occurredAt: null,
      at: 0,
      currency: null,
      total: null,
      lines: skus.map((sku) => ({
        sku,
        name: `name ${sku}`,
        category: sku < 'C' ? 'cat/low' : 'cat/high',
        quantity: 1,
        unitPrice: 100,
      })),
    })),
  }));

const statsArb = customerArb.map(basketStats);

describe('mergeStats', () => {
  it('Given any two partials, When merged either way, Then the result is the same', () => {
    fc.assert(
      fc.property(statsArb, statsArb, (a, b) => {
        expect(mergeStats(a, b)).toEqual(mergeStats(b, a));
      }),
    );
  });

  it('Given any three partials, When grouped either way, Then the result is the same', () => {
    fc.assert(
      fc.property(statsArb, statsArb, statsArb, (a, b, c) => {
        expect(mergeStats(mergeStats(a, b), c)).toEqual(mergeStats(a, mergeStats(b, c)));
      }),
    );
  });

  it('Given any partial, When merged with EMPTY_STATS, Then it is unchanged', () => {
    fc.assert(
      fc.property(statsArb, (a) => {
        expect(mergeStats(a, EMPTY_STATS)).toEqual(a);
        expect(mergeStats(EMPTY_STATS, a)).toEqual(a);
      }),
    );
  });

  it('Given per-customer partials, When summed in any grouping and order, Then the rules are the same', () => {
    fc.assert(
      fc.property(
        fc.array(customerArb, { maxLength: 12 }).chain((customers) =>
          fc.tuple(
            fc.constant(customers),
            fc.shuffledSubarray(customers, {
              minLength: customers.length,
              maxLength: customers.length,
            }),
            fc.array(fc.nat(3), { minLength: customers.length, maxLength: customers.length }),
          ),
        ),
        ([customers, shuffled, groupOf]) => {
          const inOrder = customers.map(basketStats).reduce(mergeStats, EMPTY_STATS);
          // Partition the shuffled customers into up to four groups, sum each, then the groups.
          const groups: BasketStats[] = [EMPTY_STATS, EMPTY_STATS, EMPTY_STATS, EMPTY_STATS];
          shuffled.forEach((c, i) => {
            const g = groupOf[i] ?? 0;
            groups[g] = mergeStats(basketStats(c), groups[g] ?? EMPTY_STATS);
          });
          const grouped = groups.reduceRight((acc, g) => mergeStats(g, acc), EMPTY_STATS);
          expect(grouped).toEqual(inOrder);
          expect(sumStats(customers.map(basketStats))).toEqual(inOrder);
          for (const level of ['item', 'category'] as const) {
            const options = { level, minSupport: 0.05, minConfidence: 0.1 };
            expect(associationRules(grouped, options)).toEqual(associationRules(inOrder, options));
          }
        },
      ),
    );
  });
});
