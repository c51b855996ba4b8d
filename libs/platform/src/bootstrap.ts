import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  ConfigError,
  type ConfigClass,
  type EngineRequirement,
  type LoadedConfig,
  RuntimeConfig,
  loadConfig,
} from '@touchpoint/config';
import { errorMessage } from '@touchpoint/core';
import {
  ALL_ENGINES,
  type EngineName,
  StartupError,
  closeEngines,
  connectEngines,
  createEngines,
} from './engines';
import { httpContextMiddleware } from './http-context.middleware';
import { JsonLogger } from './json-logger';
import { MetricsService } from './metrics.service';
import { CoalescingReadModelStore } from './coalescing-store';
import { MeteredReadModelStore } from './metered-store';
import type { AppContext } from './platform.module';
import { StartupGate } from './startup-gate';

export interface AppDefinition {
  /** Process name used in logs, metrics and error lines (e.g. `touchpoint-ingest`). */
  readonly name: string;
  readonly sections: readonly ConfigClass[];
  readonly requirement?: EngineRequirement;
  /**
   * Engines the app works with: connected at start and checked by /health (default: all). An app
   * that never touches the event store must keep serving while it is down.
   */
  readonly uses?: readonly EngineName[];
  /**
   * Concurrent reads by id share store round trips (CoalescingReadModelStore): for apps that
   * serve many small reads at once and never change a document they read (the agent API).
   */
  readonly coalesceStoreReads?: boolean;
  readonly module: (ctx: AppContext) => DynamicModule;
  /** Work after the engines are connected and before the HTTP port opens (topics, indexes…). */
  readonly prepare?: (ctx: AppContext) => Promise<void>;
  readonly configure?: (app: NestExpressApplication, ctx: AppContext) => void;
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly ctx: AppContext;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds and starts one app. Every way start-up can fail ends in a StartupError or ConfigError
 * whose message names the setting to fix; `runMain` prints it as one line.
 */
export async function startApp(
  def: AppDefinition,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningApp> {
  const config: LoadedConfig = loadConfig(def.sections, env, def.requirement);
  const runtime = config.get(RuntimeConfig);
  const logger = new JsonLogger(runtime.LOG_LEVEL, { app: def.name });
  const metrics = new MetricsService(def.name);
  const created = createEngines(runtime, logger);
  // The embedded store's calls are memory; a real store's round trips are what a process waits on.
  // Metered inside the coalescing layer, so the metrics count the round trips that happen.
  const metered =
    created.store.kind === 'mongodb'
      ? new MeteredReadModelStore(created.store, metrics)
      : undefined;
  const engines = metered
    ? {
        ...created,
        store: def.coalesceStoreReads ? new CoalescingReadModelStore(metered) : metered,
      }
    : created;
  const uses = def.uses ?? ALL_ENGINES;
  // With the embedded log every group re-reads the log on start: memory is rebuilt before the
  // port opens, so nothing is served (or answered "ready") from half-folded models.
  const startup =
    engines.log.kind === 'embedded'
      ? new StartupGate(engines.log, logger.child({ component: 'startup' }))
      : undefined;
  const ctx: AppContext = { name: def.name, config, engines, logger, metrics, uses, startup };
  let root: DynamicModule;
  try {
    await connectEngines(engines, runtime, uses);
    await def.prepare?.(ctx);
    root = def.module(ctx);
  } catch (e) {
    // A client still retrying a dead engine may take long to close; don't let it delay the message.
    await Promise.race([
      closeEngines(engines),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
    throw e instanceof StartupError ? e : new StartupError(errorMessage(e));
  }
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger,
    bufferLogs: false,
    abortOnError: false,
    // Apps that take bodies register the parser with their own limits (see configure).
    bodyParser: false,
  });
  app.use(httpContextMiddleware(metrics));
  def.configure?.(app, ctx);
  try {
    // init runs the bootstrap hooks, which start the consumer groups the gate follows.
    await app.init();
    await startup?.pass();
  } catch (e) {
    startup?.stop();
    await app.close();
    throw e;
  }
  try {
    await app.listen(runtime.PORT);
  } catch (e) {
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(
        `port ${runtime.PORT} is already in use: stop the other process or choose another port`,
        'PORT',
      );
    }
    throw e;
  }
  const address = app.getHttpServer().address() as { port: number } | null;
  const url = `http://localhost:${address?.port ?? runtime.PORT}`;
  logger.info('listening', {
    url,
    engines: {
      log: engines.log.kind,
      store: engines.store.kind,
      eventStore: engines.eventStore.kind,
    },
  });
  return { app, ctx, url, close: () => app.close() };
}

/** Entry point of every app's main.ts: one clear line and a non-zero exit on failure. */
export function runMain(
  def: AppDefinition,
  env: Readonly<Record<string, string | undefined>>,
): void {
  startApp(def, env).then(
    (running) => {
      // Our own handlers rather than Nest's shutdown hooks, which re-raise the signal after
      // cleanup: orchestrators should see a clean exit 0 after a graceful stop.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        running.ctx.logger.info('stopping', { signal });
        running.close().then(
          () => process.exit(0),
          (e: unknown) => {
            running.ctx.logger.error('unclean stop', { error: errorMessage(e) });
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (e: unknown) => {
      // Exit now: engine clients may hold retry timers that would keep a failed process alive.
      process.exit(exitWith(def.name, e));
    },
  );
}

export function exitWith(name: string, e: unknown): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) process.stderr.write(`${name}: configuration error: ${p}\n`);
    return 2;
  }
  if (e instanceof StartupError) {
    const hint = e.variable ? ` (check ${e.variable})` : '';
    process.stderr.write(`${name}: ${e.message}${hint}\n`);
    return 1;
  }
  process.stderr.write(`${name}: failed to start: ${errorMessage(e)}\n`);
  return 1;
}
