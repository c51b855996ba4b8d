import { type ConfigClass, type LoadedConfig, RuntimeConfig, loadConfig } from '@touchpoint/config';
import {
  type EngineName,
  type Engines,
  JsonLogger,
  closeEngines,
  connectEngines,
  createEngines,
} from '@touchpoint/platform';

export interface CliContext {
  readonly config: LoadedConfig;
  readonly engines: Engines;
  readonly out: (line: string) => void;
}

/** The CLI validates the same settings as the apps and talks to the same engines. */
export async function withEngines<T>(
  sections: readonly ConfigClass[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
  body: (ctx: CliContext) => Promise<T>,
  use: readonly EngineName[] = ['log', 'store', 'eventStore'],
): Promise<T> {
  const config = loadConfig([RuntimeConfig, ...sections.filter((s) => s !== RuntimeConfig)], env);
  const runtime = config.get(RuntimeConfig);
  // Diagnostics go to stderr so that stdout stays clean for piping (exports, lists).
  const logger = new JsonLogger(
    runtime.LOG_LEVEL === 'debug' ? 'debug' : 'error',
    { app: 'touchpoint-cli' },
    (l) => process.stderr.write(l + '\n'),
  );
  const engines = createEngines(runtime, logger);
  try {
    // Only what the command needs: a key command must not take the embedded log's lock from a
    // running server, for instance.
    await connectEngines(engines, runtime, use);
    return await body({ config, engines, out });
  } finally {
    await closeEngines(engines);
  }
}
