import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AppError } from '@touchpoint/core';
import { Agent, AgentRoutes } from '../auth/agent-auth.guard';
import type { Principal } from '../auth/jwt';
import {
  type RawQuery,
  parseAsOf,
  parseCursor,
  parseCustomerId,
  parseInteger,
  parseText,
} from '../domain/query-params';
import { isTimelinePageCursor } from '../domain/timeline-page';
import { GetCustomer360Query } from '../queries/customer360.query';
import { GetLoyaltyQuery } from '../queries/loyalty.query';
import { GetNextBestActionQuery } from '../queries/next-best-action.query';
import { GetRecommendationsQuery } from '../queries/recommendations.query';
import {
  type SearchCriterion,
  type SearchCursor,
  SearchCustomersQuery,
} from '../queries/search-customers.query';
import { GetTimelineQuery } from '../queries/timeline.query';
import { type Clock, QUERY_CLOCK } from '../tokens';

const SEARCH_KEYS = ['email', 'phone', 'card', 'name', 'q'] as const;

function isSearchCursor(v: unknown): v is SearchCursor {
  return !!v && typeof v === 'object' && typeof (v as { after?: unknown }).after === 'string';
}

/** The agent API over customers (docs/agent-api.md): validate, map, one query each. */
@Controller('v1/customers')
@AgentRoutes()
export class CustomersController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  search(@Query() query: RawQuery, @Agent() agent: Principal) {
    const given = SEARCH_KEYS.filter((k) => query[k] !== undefined);
    if (given.length !== 1) {
      throw AppError.validation(
        'invalid_query_parameter',
        `search by exactly one of ${SEARCH_KEYS.join(', ')}`,
        [
          {
            path: given[1] ?? 'q',
            code: given.length === 0 ? 'missing' : 'conflicting',
            message: `exactly one of ${SEARCH_KEYS.join(', ')}`,
          },
        ],
      );
    }
    const by = given[0]!;
    const criterion: SearchCriterion = { by, value: parseText(query, by)! };
    return this.queries.execute(
      new SearchCustomersQuery(
        criterion,
        parseInteger(query, 'limit', { min: 1, max: 100, fallback: 20 }),
        parseCursor(query, 'cursor', isSearchCursor),
        agent,
      ),
    );
  }

  @Get(':id')
  view(@Param('id') id: string, @Query() query: RawQuery, @Agent() agent: Principal) {
    return this.queries.execute(
      new GetCustomer360Query(parseCustomerId(id), parseAsOf(query, this.clock()), agent),
    );
  }

  @Get(':id/loyalty')
  loyalty(@Param('id') id: string, @Query() query: RawQuery, @Agent() agent: Principal) {
    return this.queries.execute(
      new GetLoyaltyQuery(parseCustomerId(id), parseAsOf(query, this.clock()), agent),
    );
  }

  @Get(':id/recommendations')
  recommendations(@Param('id') id: string, @Agent() agent: Principal) {
    return this.queries.execute(
      new GetRecommendationsQuery(parseCustomerId(id), this.clock(), agent),
    );
  }

  @Get(':id/timeline')
  timeline(@Param('id') id: string, @Query() query: RawQuery, @Agent() agent: Principal) {
    return this.queries.execute(
      new GetTimelineQuery(
        parseCustomerId(id),
        parseCursor(query, 'before', isTimelinePageCursor),
        parseInteger(query, 'limit', { min: 1, max: 200, fallback: 50 }),
        agent,
      ),
    );
  }

  @Get(':id/next-best-action')
  nextBestAction(@Param('id') id: string, @Query() query: RawQuery, @Agent() agent: Principal) {
    return this.queries.execute(
      new GetNextBestActionQuery(parseCustomerId(id), parseAsOf(query, this.clock()), agent),
    );
  }
}
