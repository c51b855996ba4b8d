import { ArchiverConfig, RuntimeConfig } from '@touchpoint/config';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { ArchiverAppModule } from './archiver.module';

export const archiverApp: AppDefinition = {
  name: 'touchpoint-archiver',
  sections: [RuntimeConfig, ArchiverConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do.
  requirement: {
    required: ['KAFKA_BROKERS', 'EVENTSTORE_URL'],
    hint: 'a standalone app needs the real engines; run `npm start` for the all-in-one embedded mode',
  },
  uses: ['log', 'eventStore'],
  module: (ctx) => ArchiverAppModule.register(ctx),
  prepare: ensurePlatformTopics,
};
