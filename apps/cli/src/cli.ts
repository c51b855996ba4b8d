import { AuthConfig, RuntimeConfig, loadConfig } from '@touchpoint/config';
import { exitWith } from '@touchpoint/platform';
import { withEngines } from './cli.context';
import { initCommand } from './init.command';
import { DLQ_USAGE, dlqCommand } from './dlq.command';
import { KEYS_USAGE, keysCommand } from './keys.command';
import { TOKENS_USAGE, tokensCommand } from './tokens.command';

const USAGE = `touchpoint <command> [options]

Commands:
  init        create the Kafka topics (and read-model indexes) described by the configuration
  keys        manage channel API keys (create, list, revoke, rotate)
  dlq         inspect and re-drive dead-lettered records
  tokens      issue agent tokens for the agent API (development and tests)
  help        show this text

${KEYS_USAGE}

${DLQ_USAGE}

${TOKENS_USAGE}

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
      case 'tokens':
        return tokensCommand(loadConfig([RuntimeConfig, AuthConfig], env), rest, out);
      default:
        process.stderr.write(`touchpoint: unknown command '${command}'\n\n${USAGE}\n`);
        return 64;
    }
  } catch (e) {
    return exitWith('touchpoint', e);
  }
}
