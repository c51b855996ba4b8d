import { type DynamicModule, Module } from '@nestjs/common';
import { type AppContext, PlatformModule } from '@touchpoint/platform';

/** Channels publish interactions over HTTP; accepted events go to Kafka (DESIGN §2). */
@Module({})
export class IngestModule {
  static register(ctx: AppContext): DynamicModule {
    return { module: IngestModule, imports: [PlatformModule.forRoot(ctx)] };
  }
}
