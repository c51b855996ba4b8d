import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { currentCorrelationId } from '@touchpoint/platform';
import { customer360View } from '@touchpoint/projections';
import type { ModelPolicies } from '@touchpoint/projector';
import { AuditService } from '../audit/audit.service';
import { maskCustomer360, unmaskedFields } from '../domain/masking';
import { CustomerReader } from '../read/customer-reader';
import { MODEL_POLICIES } from '../tokens';
import { GetCustomer360Query } from './customer360.query';

@QueryHandler(GetCustomer360Query)
export class GetCustomer360Handler implements IQueryHandler<GetCustomer360Query> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly audit: AuditService,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  async execute(q: GetCustomer360Query) {
    const served = await this.reader.customer360(q.customerId);
    const view = customer360View(served.state, q.asOf, this.policies.customer360);
    await this.audit.record({
      principal: q.reader,
      action: 'customer360',
      customerIds: [q.customerId],
      unmasked: unmaskedFields(view, q.reader.pii),
      at: new Date(),
      correlationId: currentCorrelationId() ?? null,
    });
    return { data: maskCustomer360(view, q.reader.pii), freshness: served.freshness };
  }
}
