import { Query } from '@nestjs/cqrs';
import type { Recommendation } from '@touchpoint/projections';
import type { Envelope } from './envelope';

/** Next purchases for one customer, each with an explanation an agent can read out. */
export class GetRecommendationsQuery extends Query<Envelope<Recommendation[]>> {
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}
