import { Query } from '@nestjs/cqrs';
import type { Rule, RuleLevel, RuleSort } from '@touchpoint/projections';
import type { Envelope } from './envelope';

/** Where the previous page ended: its last rule, in the page order (sort measure, then names). */
export interface RuleCursor {
  readonly value: number;
  readonly antecedent: string;
  readonly consequent: string;
}

export function isRuleCursor(v: unknown): v is RuleCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.value === 'number' &&
    Number.isFinite(c.value) &&
    typeof c.antecedent === 'string' &&
    typeof c.consequent === 'string'
  );
}

export interface RuleFilter {
  readonly level: RuleLevel;
  readonly antecedent: string | undefined;
  readonly minSupport: number;
  readonly minConfidence: number;
  readonly sort: RuleSort;
  /** Rules per page; the next page starts after `cursor`. */
  readonly limit: number;
  readonly cursor: RuleCursor | undefined;
}

/** The current association rules over every basket, for analysts and merchandisers, a page at a time. */
export class ListCrosssellRulesQuery extends Query<Envelope<Rule[]>> {
  constructor(readonly filter: RuleFilter) {
    super();
  }
}
