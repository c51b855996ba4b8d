import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { consoleAssetsDir } from './console-assets';
import { consoleHandler } from './console.middleware';

const CONSOLE_DIR = Symbol('CONSOLE_DIR');

/** The agent console (apps/console), served at `/` by the apps that serve the agent API. */
@Module({})
export class ConsoleModule implements NestModule {
  constructor(@Inject(CONSOLE_DIR) private readonly dir: string) {}

  /** `dir` defaults to the bundle `npm run build` writes (dist/console). */
  static register(dir: string = consoleAssetsDir()): DynamicModule {
    return { module: ConsoleModule, providers: [{ provide: CONSOLE_DIR, useValue: dir }] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(consoleHandler(this.dir)).forRoutes('*');
  }
}
