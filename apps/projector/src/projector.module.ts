import { type DynamicModule, Module } from '@nestjs/common';
import { type AppContext, PlatformModule } from '@touchpoint/platform';
import { ProjectorModule } from '@touchpoint/projector';

/** Consumes the event stream: validates (dead-lettering bad records) and folds read models. */
@Module({})
export class ProjectorAppModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: ProjectorAppModule,
      imports: [PlatformModule.forRoot(ctx), ProjectorModule.register(ctx)],
    };
  }
}
