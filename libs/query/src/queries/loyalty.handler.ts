import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { loyaltyView } from '@touchpoint/projections';
import type { ModelPolicies } from '@touchpoint/projector';
import { CustomerReader } from '../read/customer-reader';
import { MODEL_POLICIES } from '../tokens';
import { GetLoyaltyQuery } from './loyalty.query';

@QueryHandler(GetLoyaltyQuery)
export class GetLoyaltyHandler implements IQueryHandler<GetLoyaltyQuery> {
  constructor(
    private readonly reader: CustomerReader,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  async execute(q: GetLoyaltyQuery) {
    await this.reader.requireCustomer(q.customerId);
    const served = await this.reader.loyalty(q.customerId);
    return {
      data: loyaltyView(served.state, q.asOf, this.policies.loyalty),
      freshness: served.freshness,
    };
  }
}
