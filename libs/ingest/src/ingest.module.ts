import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RuntimeConfig } from '@touchpoint/config';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import { ApiKeyGuard } from './api-key.guard';
import { API_KEY_REPOSITORY, apiKeyRepositoryFor } from './api-key.repository';
import { CLOCK, systemClock } from './clock';
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
