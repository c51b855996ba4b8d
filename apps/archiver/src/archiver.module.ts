import { type DynamicModule, Module } from '@nestjs/common';
import { ArchiverModule } from '@touchpoint/archiver';
import { type AppContext, PlatformModule } from '@touchpoint/platform';

/** Appends every event to its identity streams in EventStoreDB (DESIGN §2). */
@Module({})
export class ArchiverAppModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: ArchiverAppModule,
      imports: [PlatformModule.forRoot(ctx), ArchiverModule.register(ctx)],
    };
  }
}
