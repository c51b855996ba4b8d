import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthConfig } from '@touchpoint/config';

export const DEV_SECRET_FILE = 'auth-dev-secret';

/**
 * The HMAC secret tokens are signed with: AUTH_JWT_SECRET when set, else a development secret
 * generated once and kept (owner-only) in DATA_DIR, so the CLI and the all-in-one server agree
 * without configuration. Standalone apps require the variable (see apps/query).
 */
export function resolveJwtSecret(auth: AuthConfig, dataDir: string): string {
  if (auth.AUTH_JWT_SECRET) return auth.AUTH_JWT_SECRET;
  const file = join(dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then theirs wins.
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}
