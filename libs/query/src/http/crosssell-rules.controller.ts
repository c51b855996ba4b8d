import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { ModelPolicies } from '@touchpoint/read-models';
import { Inject } from '@nestjs/common';
import { AgentRoutes, RequireRole } from '../auth/agent-auth.guard';
import {
  type RawQuery,
  parseEnum,
  parseInteger,
  parseRatio,
  parseCursor,
  parseText,
} from '../domain/query-params';
import { ListCrosssellRulesQuery, isRuleCursor } from '../queries/crosssell-rules.query';
import { MODEL_POLICIES } from '../tokens';

@Controller('v1/crosssell/rules')
@AgentRoutes()
@RequireRole('analyst', 'admin')
export class CrosssellRulesController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  @Get()
  list(@Query() query: RawQuery) {
    const policy = this.policies.crosssell;
    return this.queries.execute(
      new ListCrosssellRulesQuery({
        level: parseEnum(query, 'level', ['item', 'category'], 'item'),
        antecedent: parseText(query, 'antecedent', 100),
        minSupport: parseRatio(query, 'minSupport', policy.minSupport),
        minConfidence: parseRatio(query, 'minConfidence', policy.minConfidence),
        sort: parseEnum(query, 'sort', ['lift', 'confidence', 'support'], 'lift'),
        limit: parseInteger(query, 'limit', { min: 1, max: 1000, fallback: 50 }),
        cursor: parseCursor(query, 'cursor', isRuleCursor),
      }),
    );
  }
}
