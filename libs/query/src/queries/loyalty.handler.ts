import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditService } from '../audit/audit.service';
import { loyaltyView } from '@touchpoint/projections';
import { CustomerReader } from '../read/customer-reader';
import { GetLoyaltyQuery } from './loyalty.query';

@QueryHandler(GetLoyaltyQuery)
export class GetLoyaltyHandler implements IQueryHandler<GetLoyaltyQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly audit: AuditService,
  ) {}

  async execute(q: GetLoyaltyQuery) {
    await this.reader.requireCustomer(q.customerId);
    const served = await this.reader.loyalty(q.customerId);
    await this.audit.profileRead(q.reader, 'loyalty', [q.customerId]);
    return {
      data: loyaltyView(served.state, q.asOf, served.policy),
      freshness: served.freshness,
    };
  }
}
