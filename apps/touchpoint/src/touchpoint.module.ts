import { type DynamicModule, Module } from '@nestjs/common';
import { ConsoleModule } from '@touchpoint/console';
import { IngestModule } from '@touchpoint/ingest';
import { type AppContext, PlatformModule } from '@touchpoint/platform';
import { ProjectorModule } from '@touchpoint/projector';

/** Every app's routes in one process: the embedded mode a newcomer starts with `npm start`. */
@Module({})
export class TouchpointModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: TouchpointModule,
      imports: [
        PlatformModule.forRoot(ctx),
        IngestModule,
        ProjectorModule.register(ctx),
        ConsoleModule.register(),
      ],
    };
  }
}
