import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  AuthConfig,
  ProjectorConfig,
  QueryConfig,
  RuntimeConfig,
  jwtAlgorithms,
} from '@touchpoint/config';
import type { AppContext } from '@touchpoint/platform';
import { loadModelPolicies } from '@touchpoint/read-models';
import { AuditService } from './audit/audit.service';
import { AgentAuthGuard } from './auth/agent-auth.guard';
import { resolveJwtSecret } from './auth/jwt-secret';
import { TokenVerifier } from './auth/token-verifier';
import { CrosssellRulesController } from './http/crosssell-rules.controller';
import { CustomersController } from './http/customers.controller';
import { MeController } from './http/me.controller';
import { StreamsController } from './http/streams.controller';
import { LiveFeed } from './live/live-feed.service';
import { StreamCustomerHandler } from './queries/customer-stream.handler';
import { StreamSupervisorHandler } from './queries/supervisor-stream.handler';
import { GetCustomer360Handler } from './queries/customer360.handler';
import { ListCrosssellRulesHandler } from './queries/crosssell-rules.handler';
import { GetLoyaltyHandler } from './queries/loyalty.handler';
import { GetNextBestActionHandler } from './queries/next-best-action.handler';
import { GetRecommendationsHandler } from './queries/recommendations.handler';
import { SearchCustomersHandler } from './queries/search-customers.handler';
import { GetTimelineHandler } from './queries/timeline.handler';
import { CrosssellAggregatesCache } from './read/crosssell-aggregates.cache';
import { CrosssellRecommender } from './read/crosssell-recommender';
import { CustomerReader } from './read/customer-reader';
import { EventTimes } from './read/event-times';
import { ModelLag } from './read/model-lag.service';
import { ArchivedTimeline, TIMELINE_SOURCE } from './read/timeline-source';
import { ViewCache } from './read/view-cache';
import { viewCacheMetrics } from './read/view-cache.metrics';
import { JWT_VERIFIER, MODEL_POLICIES, QUERY_CLOCK, systemClock } from './tokens';

/**
 * The agent API (docs/agent-api.md): customer views, search, loyalty, recommendations,
 * timeline, next best action, co-purchase rules and live updates, behind agent tokens.
 * Imported by apps/query and by the all-in-one apps/touchpoint.
 */
@Module({})
export class AgentApiModule {
  static register(ctx: AppContext): DynamicModule {
    const runtime = ctx.config.get(RuntimeConfig);
    const auth = ctx.config.get(AuthConfig);
    const policies = loadModelPolicies(ctx.config.get(ProjectorConfig).MODELS_CONFIG);
    const query = ctx.config.get(QueryConfig);
    const providers: Provider[] = [
      { provide: QUERY_CLOCK, useValue: systemClock },
      { provide: MODEL_POLICIES, useValue: policies },
      {
        provide: JWT_VERIFIER,
        useValue: new TokenVerifier(
          resolveJwtSecret(auth, runtime.DATA_DIR),
          jwtAlgorithms(auth),
          auth.AUTH_CLOCK_SKEW_SECONDS,
          systemClock,
        ),
      },
      {
        provide: AuditService,
        useValue: new AuditService(
          auth.AUDIT_SINK,
          ctx.engines.store,
          auth.AUDIT_COLLECTION,
          systemClock,
        ),
      },
      { provide: EventTimes, useValue: new EventTimes() },
      AgentAuthGuard,
      ModelLag,
      {
        provide: ViewCache,
        inject: [LiveFeed],
        useFactory: (live: LiveFeed) => {
          const cache = new ViewCache({
            maxBytes: query.QUERY_CACHE_MB * 1024 * 1024,
            ttlMs: query.QUERY_CACHE_TTL_MS,
            negativeTtlMs: query.QUERY_CACHE_NEGATIVE_TTL_MS,
            now: () => systemClock().getTime(),
            metrics: viewCacheMetrics(ctx.metrics),
          });
          // Subscribed before any stream can be: an agent's refetch after a notice must find
          // the entry already dropped.
          live.notices$.subscribe(({ notice }) => cache.noticed(notice));
          return cache;
        },
      },
      CustomerReader,
      CrosssellAggregatesCache,
      CrosssellRecommender,
      {
        provide: TIMELINE_SOURCE,
        inject: [CustomerReader],
        useFactory: (reader: CustomerReader) =>
          new ArchivedTimeline(reader, ctx.engines.eventStore),
      },
      GetCustomer360Handler,
      SearchCustomersHandler,
      GetLoyaltyHandler,
      GetRecommendationsHandler,
      GetTimelineHandler,
      GetNextBestActionHandler,
      ListCrosssellRulesHandler,
      LiveFeed,
      StreamCustomerHandler,
      StreamSupervisorHandler,
    ];
    return {
      module: AgentApiModule,
      imports: [CqrsModule],
      controllers: [CustomersController, CrosssellRulesController, MeController, StreamsController],
      providers,
    };
  }
}
