import { type DynamicModule, Module } from '@nestjs/common';
import type { AppContext } from '@touchpoint/platform';
import { ARCHIVER_CONTEXT, ArchiverService } from './archiver.service';

@Module({})
export class ArchiverModule {
  static register(ctx: AppContext): DynamicModule {
    return {
      module: ArchiverModule,
      providers: [{ provide: ARCHIVER_CONTEXT, useValue: ctx }, ArchiverService],
      exports: [ArchiverService],
    };
  }
}
