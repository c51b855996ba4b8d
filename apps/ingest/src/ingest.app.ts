import { IngestConfig, RuntimeConfig } from '@touchpoint/config';
import { configureIngestHttp, setupOpenApi } from '@touchpoint/ingest';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { IngestAppModule } from './ingest.module';

export const ingestApp: AppDefinition = {
  name: 'touchpoint-ingest',
  sections: [RuntimeConfig, IngestConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do.
  requirement: {
    required: ['KAFKA_BROKERS', 'MONGO_URL'],
    hint: 'a standalone app needs the real engines; run `npm start` for the all-in-one embedded mode',
  },
  uses: ['log', 'store'],
  module: (ctx) => IngestAppModule.register(ctx),
  prepare: ensurePlatformTopics,
  configure: (app, ctx) => {
    configureIngestHttp(app, ctx);
    setupOpenApi(app, 'Touchpoint ingest');
  },
};
