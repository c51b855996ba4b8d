import {
  ArchiverConfig,
  AuthConfig,
  ProjectorConfig,
  RuntimeConfig,
  loadConfig,
} from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { exitWith } from '@touchpoint/platform';
import { withEngines } from './cli.context';
import { initCommand } from './init.command';
import { DLQ_USAGE, dlqCommand } from './dlq.command';
import { KEYS_USAGE, keysCommand } from './keys.command';
import { CUSTOMER_USAGE, exportCustomerCommand, rebuildCustomerCommand } from './customer.command';
import { TOKENS_USAGE, tokensCommand } from './tokens.command';
import { MODELS_USAGE, modelsCommand } from './models.command';
import { DEMO_USAGE, demoCommand } from './demo.command';

const USAGE = `touchpoint <command> [options]

Commands:
  init        create the Kafka topics (and read-model indexes) described by the configuration
  keys        manage channel API keys (create, list, revoke, rotate)
  dlq         inspect and re-drive dead-lettered records
  export-customer   write every event of one customer as JSON lines (subject access)
  rebuild-customer  recompute one customer's documents from the event store and compare
  tokens      issue agent tokens for the agent API (development and tests)
  models, replay, diff, promote, rollback, drop, export
              versioned read models (see below)
  demo        publish the SCENARIOS.md customer stories to a running server (try the console)
  help        show this text

${KEYS_USAGE}

${DLQ_USAGE}

${CUSTOMER_USAGE}

${TOKENS_USAGE}

${MODELS_USAGE}

${DEMO_USAGE}

Engines are chosen by KAFKA_BROKERS, MONGO_URL and EVENTSTORE_URL, as for the apps;
without them the embedded log in DATA_DIR (default ./data) is used.`;

export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      case 'init':
        return await withEngines([], env, out, initCommand);
      case 'dlq':
        return await withEngines([], env, out, (ctx) => dlqCommand(ctx, rest), ['log', 'store']);
      case 'keys':
        return await withEngines([], env, out, (ctx) => keysCommand(ctx, rest), ['store']);
      case 'export-customer':
        return await withEngines(
          [ArchiverConfig],
          env,
          out,
          (ctx) => exportCustomerCommand(ctx, rest),
          [],
        );
      case 'rebuild-customer':
        return await withEngines(
          [ArchiverConfig, ProjectorConfig],
          env,
          out,
          (ctx) => rebuildCustomerCommand(ctx, rest),
          [],
        );
      case 'tokens':
        return tokensCommand(loadConfig([RuntimeConfig, AuthConfig], env), rest, out);
      case 'models':
      case 'replay':
      case 'diff':
      case 'promote':
      case 'rollback':
      case 'drop':
      case 'export':
        return await withEngines(
          [ProjectorConfig],
          env,
          out,
          (ctx) => modelsCommand(ctx, command, rest),
          ['log', 'store'],
        );
      case 'demo':
        return await withEngines([AuthConfig], env, out, (ctx) => demoCommand(ctx, rest), [
          'store',
        ]);
      default:
        process.stderr.write(`touchpoint: unknown command '${command}'\n\n${USAGE}\n`);
        return 64;
    }
  } catch (e) {
    if (e instanceof AppError) {
      // A refused request (usage, unknown version, active version…), not a start-up failure.
      process.stderr.write(`touchpoint: ${e.message}\n`);
      return e.category === 'validation' ? 64 : 1;
    }
    return exitWith('touchpoint', e);
  }
}
