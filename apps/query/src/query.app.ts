import { AuthConfig, ProjectorConfig, QueryConfig, RuntimeConfig } from '@touchpoint/config';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { QueryModule } from './query.module';

export const queryApp: AppDefinition = {
  name: 'touchpoint-query',
  sections: [RuntimeConfig, ProjectorConfig, AuthConfig, QueryConfig],
  // A standalone app shares its engines with the other apps, so the embedded ones won't do; and
  // its tokens come from elsewhere, so no development secret either.
  requirement: {
    required: ['KAFKA_BROKERS', 'MONGO_URL', 'AUTH_JWT_SECRET'],
    hint: 'a standalone app needs the real engines and a shared token secret; run `npm start` for the all-in-one embedded mode',
  },
  // The event store only serves timeline pages older than the read model keeps: while it is
  // down those pages answer 503 and everything else keeps serving.
  uses: ['log', 'store'],
  // Hundreds of agent reads a second: concurrent reads by id share store round trips.
  coalesceStoreReads: true,
  module: (ctx) => QueryModule.register(ctx),
  prepare: ensurePlatformTopics,
};
