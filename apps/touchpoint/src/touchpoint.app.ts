import {
  ArchiverConfig,
  AuthConfig,
  IngestConfig,
  ProjectorConfig,
  QueryConfig,
  RuntimeConfig,
} from '@touchpoint/config';
import { configureIngestHttp, setupOpenApi } from '@touchpoint/ingest';
import { type AppDefinition, ensurePlatformTopics } from '@touchpoint/platform';
import { TouchpointModule } from './touchpoint.module';

export const touchpointApp: AppDefinition = {
  name: 'touchpoint',
  sections: [RuntimeConfig, IngestConfig, ProjectorConfig, ArchiverConfig, AuthConfig, QueryConfig],
  module: (ctx) => TouchpointModule.register(ctx),
  prepare: ensurePlatformTopics,
  configure: (app, ctx) => {
    configureIngestHttp(app, ctx);
    setupOpenApi(app, 'Touchpoint');
  },
};
