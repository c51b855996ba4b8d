import { Query } from '@nestjs/cqrs';
import type { Rule, RuleLevel, RuleSort } from '@touchpoint/projections';
import type { Envelope } from './envelope';

export interface RuleFilter {
  readonly level: RuleLevel;
  readonly antecedent: string | undefined;
  readonly minSupport: number;
  readonly minConfidence: number;
  readonly sort: RuleSort;
  readonly limit: number;
}

/** The current association rules over every basket, for analysts and merchandisers. */
export class ListCrosssellRulesQuery extends Query<Envelope<Rule[]>> {
  constructor(readonly filter: RuleFilter) {
    super();
  }
}
