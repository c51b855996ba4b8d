import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IngestConfig, RuntimeConfig } from '@touchpoint/config';
import type { Logger } from '@touchpoint/core';
import { LOGGER } from '@touchpoint/platform';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import { ApiKeyGuard } from './api-key.guard';
import { API_KEY_REPOSITORY, apiKeyRepositoryFor } from './api-key.repository';
import { CLOCK, systemClock } from './clock';
import { EventIdClaims } from './event-id-claims';
import { EventIdRegistryRebuild } from './event-id-registry';
import { IngestController } from './ingest.controller';
import { requireJsonBody } from './json-body.middleware';
import { RecordEventsHandler } from './record-events.handler';

/** The ingest API; imported by apps/ingest and by the all-in-one process. */
@Module({
  imports: [CqrsModule],
  controllers: [IngestController],
  providers: [
    RecordEventsHandler,
    EventIdRegistryRebuild,
    ApiKeyGuard,
    { provide: CLOCK, useValue: systemClock },
    {
      provide: EventIdClaims,
      inject: [READ_MODEL_STORE, LOGGER, IngestConfig, RuntimeConfig],
      useFactory: (
        store: ReadModelStore,
        logger: Logger,
        config: IngestConfig,
        runtime: RuntimeConfig,
      ) =>
        new EventIdClaims(store, logger, {
          knownIds: config.INGEST_KNOWN_EVENT_IDS,
          claimTimeoutMs: config.INGEST_CLAIM_TIMEOUT_SECONDS * 1000,
          // Another ingest's append ends (acknowledged or failed) within its ack timeout.
          waitForOtherMs: runtime.KAFKA_ACK_TIMEOUT_MS + 2000,
        }),
    },
    {
      provide: API_KEY_REPOSITORY,
      inject: [READ_MODEL_STORE, RuntimeConfig],
      useFactory: (store: ReadModelStore, runtime: RuntimeConfig) =>
        apiKeyRepositoryFor(store, runtime.DATA_DIR),
    },
  ],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requireJsonBody).forRoutes(IngestController);
  }
}
