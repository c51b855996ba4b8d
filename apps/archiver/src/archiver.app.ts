import { RuntimeConfig } from '@touchpoint/config';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { ArchiverModule } from './archiver.module';

export const archiverApp: AppDefinition = {
  name: 'touchpoint-archiver',
  sections: [RuntimeConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do.
  requirement: {
    required: ['KAFKA_BROKERS', 'EVENTSTORE_URL'],
    hint: 'a standalone app needs the real engines; run `npm start` for the all-in-one embedded mode',
  },
  module: (ctx) => ArchiverModule.register(ctx),
  prepare: ensurePlatformTopics,
};
