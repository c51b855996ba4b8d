import { Injectable } from '@nestjs/common';
import {
  type CustomerCrosssellView,
  type Recommendation,
  type Rule,
  associationRules,
  crosssellProjection,
  recommend,
  spendDecileThreshold,
} from '@touchpoint/projections';
import { collectionName } from '@touchpoint/read-models';
import { CrosssellAggregatesCache } from './crosssell-aggregates.cache';
import { CustomerReader } from './customer-reader';
import type { Freshness } from './freshness';

/** Per-customer cross-sell: recommendations from the cached totals, and recurring occasions. */
@Injectable()
export class CrosssellRecommender {
  constructor(
    private readonly reader: CustomerReader,
    private readonly aggregates: CrosssellAggregatesCache,
  ) {}

  async forCustomer(
    customerId: string,
    asOf: Date,
  ): Promise<{
    recommendations: Recommendation[];
    view: CustomerCrosssellView;
    freshness: Freshness;
  }> {
    const served = await this.reader.crosssell(customerId);
    const policy = served.policy;
    // The version that served the customer's document, not a second catalog read.
    const collection = collectionName('crosssell', served.version);
    const { stats, spends } = await this.aggregates.get(collection, policy);
    const options = { minSupport: policy.minSupport, minConfidence: policy.minConfidence };
    // Item rules are more specific than category rules, so they are preferred.
    const rules: Rule[] = [
      ...associationRules(stats, { ...options, level: 'item' }),
      ...associationRules(stats, { ...options, level: 'category' }),
    ];
    const recommendations = recommend(
      served.state,
      { rules, spendDecileThreshold: spendDecileThreshold(spends), asOf },
      policy,
    );
    return {
      recommendations,
      view: crosssellProjection.view(served.state, asOf, policy),
      freshness: served.freshness,
    };
  }
}
