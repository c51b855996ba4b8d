import { type DynamicModule, Module } from '@nestjs/common';
import { IngestModule } from '@touchpoint/ingest';
import { type AppContext, PlatformModule } from '@touchpoint/platform';

/** Channels publish interactions over HTTP; accepted events go to Kafka (DESIGN §2). */
@Module({})
export class IngestAppModule {
  static register(ctx: AppContext): DynamicModule {
    return { module: IngestAppModule, imports: [PlatformModule.forRoot(ctx), IngestModule] };
  }
}
