import { type DynamicModule, Module } from '@nestjs/common';
import { type AppContext, PlatformModule } from '@touchpoint/platform';

/** Appends every event to its customer's stream in EventStoreDB (DESIGN §2). */
@Module({})
export class ArchiverModule {
  static register(ctx: AppContext): DynamicModule {
    return { module: ArchiverModule, imports: [PlatformModule.forRoot(ctx)] };
  }
}
