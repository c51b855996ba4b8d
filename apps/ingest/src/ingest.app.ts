import { IngestConfig, RuntimeConfig } from '@touchpoint/config';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { IngestModule } from './ingest.module';

export const ingestApp: AppDefinition = {
  name: 'touchpoint-ingest',
  sections: [RuntimeConfig, IngestConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do.
  requirement: {
    required: ['KAFKA_BROKERS'],
    hint: 'a standalone app needs the real engines; run `npm start` for the all-in-one embedded mode',
  },
  module: (ctx) => IngestModule.register(ctx),
  prepare: ensurePlatformTopics,
};
