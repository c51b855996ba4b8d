import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CrosssellRecommender } from '../read/crosssell-recommender';
import { CustomerReader } from '../read/customer-reader';
import { GetRecommendationsQuery } from './recommendations.query';

@QueryHandler(GetRecommendationsQuery)
export class GetRecommendationsHandler implements IQueryHandler<GetRecommendationsQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly recommender: CrosssellRecommender,
  ) {}

  async execute(q: GetRecommendationsQuery) {
    await this.reader.requireCustomer(q.customerId);
    const { recommendations, freshness } = await this.recommender.forCustomer(q.customerId, q.asOf);
    return { data: recommendations, freshness };
  }
}
