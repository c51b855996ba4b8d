import { ProjectorConfig, RuntimeConfig } from '@touchpoint/config';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { ProjectorAppModule } from './projector.module';

export const projectorApp: AppDefinition = {
  name: 'touchpoint-projector',
  sections: [RuntimeConfig, ProjectorConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do.
  requirement: {
    required: ['KAFKA_BROKERS', 'MONGO_URL'],
    hint: 'a standalone app needs the real engines; run `npm start` for the all-in-one embedded mode',
  },
  uses: ['log', 'store'],
  module: (ctx) => ProjectorAppModule.register(ctx),
  prepare: ensurePlatformTopics,
};
