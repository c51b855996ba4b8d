import { type DynamicModule, Module } from '@nestjs/common';
import { type AppContext, PlatformModule } from '@touchpoint/platform';

/** Folds the event stream into the read models in MongoDB (DESIGN §2, §5). */
@Module({})
export class ProjectorModule {
  static register(ctx: AppContext): DynamicModule {
    return { module: ProjectorModule, imports: [PlatformModule.forRoot(ctx)] };
  }
}
