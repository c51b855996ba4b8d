import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { customer360View, loyaltyView } from '@touchpoint/projections';
import type { ModelPolicies } from '@touchpoint/projector';
import { nextBestActions } from '../domain/next-best-action';
import { CrosssellRecommender } from '../read/crosssell-recommender';
import { CustomerReader } from '../read/customer-reader';
import { MODEL_POLICIES } from '../tokens';
import { GetNextBestActionQuery } from './next-best-action.query';

@QueryHandler(GetNextBestActionQuery)
export class GetNextBestActionHandler implements IQueryHandler<GetNextBestActionQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly recommender: CrosssellRecommender,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  async execute(q: GetNextBestActionQuery) {
    const c360 = await this.reader.customer360(q.customerId);
    const [loyalty, crosssell] = await Promise.all([
      this.reader.loyalty(q.customerId),
      this.recommender.forCustomer(q.customerId, q.asOf),
    ]);
    const actions = nextBestActions({
      customer: customer360View(c360.state, q.asOf, this.policies.customer360),
      loyalty: loyaltyView(loyalty.state, q.asOf, this.policies.loyalty),
      occasions: crosssell.view.occasions,
      recommendations: crosssell.recommendations,
      asOf: q.asOf,
    });
    return {
      data: { actions },
      freshness: [c360.freshness, loyalty.freshness, crosssell.freshness],
    };
  }
}
