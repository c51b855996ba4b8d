import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RuntimeConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { type ApiKeyRecord, apiKeyRepositoryFor, newApiKey } from '@touchpoint/ingest';
import type { CliContext } from './cli.context';

export const KEYS_USAGE = `touchpoint keys <create|list|revoke|rotate>
  keys create --channel <channel> --types <type,...|*> [--source <name>]
  keys list
  keys revoke <keyId>
  keys rotate <keyId>      new secret with the same scope; the old key stops working`;

/** API keys for channel applications, in MongoDB or (embedded) in DATA_DIR/api-keys.json. */
export async function keysCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const repo = apiKeyRepositoryFor(ctx.engines.store, ctx.config.get(RuntimeConfig).DATA_DIR);
  const [sub, ...rest] = args;
  const now = new Date();
  switch (sub) {
    case 'create': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          channel: { type: 'string' },
          types: { type: 'string' },
          source: { type: 'string' },
        },
      });
      if (!values.channel || !values.types) {
        throw AppError.validation(
          'usage',
          `keys create needs --channel and --types\n${KEYS_USAGE}`,
        );
      }
      const { record, key } = newApiKey({
        channel: values.channel,
        types: values.types.split(','),
        source: values.source,
        random: { id: randomBytes(8), secret: randomBytes(32) },
        now,
      });
      await repo.save(record);
      ctx.out(key);
      process.stderr.write(
        `created key ${record.keyId} for channel ${record.channel}, types ${record.types.join(',')}, source ${record.source}.\n` +
          'The key above is shown only once: store it in the channel application now.\n',
      );
      return 0;
    }
    case 'list': {
      const keys = await repo.list();
      if (keys.length === 0) {
        ctx.out('no API keys yet: touchpoint keys create --channel <channel> --types <type,...|*>');
        return 0;
      }
      ctx.out(
        [
          'KEY ID'.padEnd(18),
          'CHANNEL'.padEnd(12),
          'SOURCE'.padEnd(20),
          'STATUS'.padEnd(9),
          'CREATED'.padEnd(25),
          'TYPES',
        ].join(' '),
      );
      for (const k of keys) {
        const status = k.revokedAt ? (k.replacedBy ? 'rotated' : 'revoked') : 'active';
        ctx.out(
          [
            k.keyId.padEnd(18),
            k.channel.padEnd(12),
            k.source.padEnd(20),
            status.padEnd(9),
            k.createdAt.padEnd(25),
            k.types.join(','),
          ].join(' '),
        );
      }
      return 0;
    }
    case 'revoke':
    case 'rotate': {
      const keyId = rest[0];
      if (!keyId) throw AppError.validation('usage', `keys ${sub} needs a key id\n${KEYS_USAGE}`);
      const current = await repo.find(keyId);
      if (!current)
        throw AppError.notFound('unknown_key', `no API key ${keyId} (see: touchpoint keys list)`);
      if (current.revokedAt)
        throw AppError.conflict(
          'already_revoked',
          `API key ${keyId} was revoked at ${current.revokedAt}`,
        );
      let replacement: { record: ApiKeyRecord; key: string } | undefined;
      if (sub === 'rotate') {
        replacement = newApiKey({
          channel: current.channel,
          types: current.types,
          source: current.source,
          random: { id: randomBytes(8), secret: randomBytes(32) },
          now,
        });
        await repo.save(replacement.record);
      }
      await repo.save({
        ...current,
        revokedAt: now.toISOString(),
        ...(replacement ? { replacedBy: replacement.record.keyId } : {}),
        revision: current.revision + 1,
      });
      if (replacement) {
        ctx.out(replacement.key);
        process.stderr.write(
          `key ${keyId} replaced by ${replacement.record.keyId}; the key above is shown only once.\n`,
        );
      } else {
        ctx.out(`revoked ${keyId}`);
      }
      return 0;
    }
    case undefined:
    default:
      throw AppError.validation('usage', KEYS_USAGE);
  }
}
