import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditService } from '../audit/audit.service';
import { customer360View, loyaltyView } from '@touchpoint/projections';
import { nextBestActions } from '../domain/next-best-action';
import { CrosssellRecommender } from '../read/crosssell-recommender';
import { CustomerReader } from '../read/customer-reader';
import { GetNextBestActionQuery } from './next-best-action.query';

@QueryHandler(GetNextBestActionQuery)
export class GetNextBestActionHandler implements IQueryHandler<GetNextBestActionQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly audit: AuditService,
    private readonly recommender: CrosssellRecommender,
  ) {}

  async execute(q: GetNextBestActionQuery) {
    const c360 = await this.reader.customer360(q.customerId);
    const [loyalty, crosssell] = await Promise.all([
      this.reader.loyalty(q.customerId),
      this.recommender.forCustomer(q.customerId, q.asOf),
    ]);
    const actions = nextBestActions({
      customer: customer360View(c360.state, q.asOf, c360.policy),
      loyalty: loyaltyView(loyalty.state, q.asOf, loyalty.policy),
      occasions: crosssell.view.occasions,
      recommendations: crosssell.recommendations,
      asOf: q.asOf,
    });
    await this.audit.profileRead(q.reader, 'next_best_action', [q.customerId]);
    return {
      data: { actions },
      freshness: [c360.freshness, loyalty.freshness, crosssell.freshness],
    };
  }
}
