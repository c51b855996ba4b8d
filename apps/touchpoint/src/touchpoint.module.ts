import { type DynamicModule, Module } from '@nestjs/common';
import { ArchiverModule } from '@touchpoint/archiver';
import { ConsoleModule } from '@touchpoint/console';
import { IngestModule } from '@touchpoint/ingest';
import { type AppContext, PlatformModule } from '@touchpoint/platform';
import { ProjectorModule } from '@touchpoint/projector';
import { AgentApiModule } from '@touchpoint/query';

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
        ArchiverModule.register(ctx),
        AgentApiModule.register(ctx),
        ConsoleModule.register(),
      ],
    };
  }
}
