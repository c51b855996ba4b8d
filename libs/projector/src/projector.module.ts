import { type DynamicModule, Module } from '@nestjs/common';
import type { AppContext } from '@touchpoint/platform';
import { LIVE_MODELS } from './live-models';
import { ProjectorService } from './projector.service';
import { APP_CONTEXT, MODELS } from './tokens';

@Module({})
export class ProjectorModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        { provide: APP_CONTEXT, useValue: ctx },
        { provide: MODELS, useValue: LIVE_MODELS },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}
