import { type DynamicModule, Module } from '@nestjs/common';
import { ProjectorConfig } from '@touchpoint/config';
import type { AppContext } from '@touchpoint/platform';
import { loadModelPolicies } from '@touchpoint/read-models';
import { liveModels } from './live-models';
import { ProjectorService } from './projector.service';
import { APP_CONTEXT, MODELS } from './tokens';

@Module({})
export class ProjectorModule {
  static register(ctx: AppContext): DynamicModule {
    const models = liveModels(loadModelPolicies(ctx.config.get(ProjectorConfig).MODELS_CONFIG));
    return {
      module: ProjectorModule,
      providers: [
        { provide: APP_CONTEXT, useValue: ctx },
        { provide: MODELS, useValue: models },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}
