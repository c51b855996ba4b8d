import { type DynamicModule, Module } from '@nestjs/common';
import { ConsoleModule } from '@touchpoint/console';
import { type AppContext, PlatformModule } from '@touchpoint/platform';
import { AgentApiModule } from '@touchpoint/query';

/** Serves the agent API and live updates from the read models (DESIGN §1). */
@Module({})
export class QueryModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: QueryModule,
      imports: [
        PlatformModule.forRoot(ctx),
        AgentApiModule.register(ctx),
        ConsoleModule.register(),
      ],
    };
  }
}
