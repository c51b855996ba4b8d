import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { customer360View } from '@touchpoint/projections';
import { AuditService } from '../audit/audit.service';
import { maskCustomer360, unmaskedFields } from '../domain/masking';
import { CustomerReader } from '../read/customer-reader';
import { GetCustomer360Query } from './customer360.query';

@QueryHandler(GetCustomer360Query)
export class GetCustomer360Handler implements IQueryHandler<GetCustomer360Query> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly audit: AuditService,
  ) {}

  async execute(q: GetCustomer360Query) {
    const served = await this.reader.customer360(q.customerId);
    const view = customer360View(served.state, q.asOf, served.policy);
    await this.audit.profileRead(
      q.reader,
      'customer360',
      [q.customerId],
      unmaskedFields(view, q.reader.pii),
    );
    return { data: maskCustomer360(view, q.reader.pii), freshness: served.freshness };
  }
}
