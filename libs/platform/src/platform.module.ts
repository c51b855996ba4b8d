import {
  type DynamicModule,
  Global,
  Module,
  type OnApplicationShutdown,
  Inject,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { LoadedConfig } from '@touchpoint/config';
import { EVENT_LOG, EVENT_STORE, READ_MODEL_STORE } from '@touchpoint/ports';
import { ALL_ENGINES, type EngineName, type Engines, closeEngines } from './engines';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-error.filter';
import type { JsonLogger } from './json-logger';
import { MetricsService } from './metrics.service';
import type { StartupGate } from './startup-gate';
import { APP_NAME, ENGINES, ENGINES_USED, LOGGER, STARTUP_GATE } from './tokens';

export interface AppContext {
  readonly name: string;
  readonly config: LoadedConfig;
  readonly engines: Engines;
  readonly logger: JsonLogger;
  readonly metrics: MetricsService;
  /** Engines this app works with (connected at start, checked by /health); default all. */
  readonly uses?: readonly EngineName[];
  /**
   * Present while a process rebuilds memory from the embedded log: the port opens only once the
   * groups and tasks registered with it are done (`startApp`). Absent elsewhere (CLI, tests).
   */
  readonly startup?: StartupGate;
}

/**
 * Everything an app needs from the platform, made once at start-up and injected: each loaded
 * configuration section (by its class), the engines (by port token), the logger and metrics.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Inject(ENGINES) private readonly engines: Engines) {}

  static forRoot(ctx: AppContext): DynamicModule {
    const sections: Provider[] = ctx.config
      .entries()
      .map(([cls, value]) => ({ provide: cls, useValue: value }));
    const providers: Provider[] = [
      ...sections,
      { provide: APP_NAME, useValue: ctx.name },
      { provide: ENGINES, useValue: ctx.engines },
      { provide: ENGINES_USED, useValue: ctx.uses ?? ALL_ENGINES },
      { provide: EVENT_LOG, useValue: ctx.engines.log },
      { provide: READ_MODEL_STORE, useValue: ctx.engines.store },
      { provide: EVENT_STORE, useValue: ctx.engines.eventStore },
      { provide: LOGGER, useValue: ctx.logger },
      { provide: MetricsService, useValue: ctx.metrics },
      { provide: STARTUP_GATE, useValue: ctx.startup ?? null },
      { provide: APP_FILTER, useFactory: () => new HttpErrorFilter(ctx.logger) },
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController],
      providers,
      exports: providers.filter(
        (p) => !(typeof p === 'object' && 'provide' in p && p.provide === APP_FILTER),
      ),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await closeEngines(this.engines);
  }
}
