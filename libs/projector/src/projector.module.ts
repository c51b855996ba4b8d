import { type DynamicModule, Module } from '@nestjs/common';
import type { AppContext } from '@touchpoint/platform';
import { ProjectorService } from './projector.service';
import { APP_CONTEXT } from './tokens';

@Module({})
export class ProjectorModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [{ provide: APP_CONTEXT, useValue: ctx }, ProjectorService],
      exports: [ProjectorService],
    };
  }
}
