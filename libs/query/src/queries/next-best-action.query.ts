import { Query } from '@nestjs/cqrs';
import type { NextBestAction } from '../domain/next-best-action';
import type { Envelope } from './envelope';

/** What the agent should do now, from the 360 view, loyalty and cross-sell together. */
export class GetNextBestActionQuery extends Query<Envelope<{ actions: NextBestAction[] }>> {
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}
