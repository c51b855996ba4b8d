import { parseArgs } from 'node:util';
import { AuthConfig, type LoadedConfig, RuntimeConfig, jwtAlgorithms } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { ROLES, type Role, parseTtl, resolveJwtSecret, signJwt } from '@touchpoint/query';

export const TOKENS_USAGE = `touchpoint tokens create --role <${ROLES.join('|')}> [--pii] [--sub <name>] [--ttl 8h]
  prints an agent token (JWT) for the agent API; --pii lets it see personal data unmasked.
  Signed with AUTH_JWT_SECRET, or the development secret kept in DATA_DIR (as npm start does).`;

/** Agent tokens for development and tests; production tokens come from the identity provider. */
export function tokensCommand(
  config: LoadedConfig,
  args: readonly string[],
  out: (line: string) => void,
  now: Date = new Date(),
): number {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw AppError.validation('usage', TOKENS_USAGE);
  const { values } = parseArgs({
    args: [...rest],
    options: {
      role: { type: 'string' },
      pii: { type: 'boolean', default: false },
      sub: { type: 'string', default: 'dev-agent' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
    throw AppError.validation(
      'usage',
      `--role must be one of ${ROLES.join(', ')}\n${TOKENS_USAGE}`,
    );
  }
  const ttl = parseTtl(values.ttl);
  if (ttl === undefined) {
    throw AppError.validation('usage', `--ttl must look like 45s, 30m, 8h or 2d\n${TOKENS_USAGE}`);
  }
  const auth = config.get(AuthConfig);
  const secret = resolveJwtSecret(auth, config.get(RuntimeConfig).DATA_DIR);
  const iat = Math.floor(now.getTime() / 1000);
  out(
    signJwt(
      { sub: values.sub, role: values.role as Role, pii: values.pii, exp: iat + ttl, iat },
      secret,
      jwtAlgorithms(auth)[0],
    ),
  );
  return 0;
}
