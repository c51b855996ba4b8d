import { Query } from '@nestjs/cqrs';
import type { LoyaltyView } from '@touchpoint/projections';
import type { Envelope } from './envelope';

/** Tier as of an instant, tier history, points ledger and eligible outreach. */
export class GetLoyaltyQuery extends Query<Envelope<LoyaltyView>> {
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}
