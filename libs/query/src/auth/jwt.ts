import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JwtAlgorithm } from '@touchpoint/config';

export const ROLES = ['agent', 'supervisor', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking, from a verified token. */
export interface Principal {
  readonly sub: string;
  readonly role: Role;
  /** May see unmasked personal data (email, phone, birth date, address). */
  readonly pii: boolean;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat: number | null;
}

export type TokenProblem = 'token_missing' | 'token_invalid' | 'token_expired';

export type VerifyResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly code: TokenProblem; readonly reason: string };

export interface VerifyOptions {
  readonly secret: string;
  /** The allow-list; `none` can never be in it (the type has no such member). */
  readonly algorithms: readonly JwtAlgorithm[];
  /** Seconds since the epoch: the caller's clock. */
  readonly now: number;
  readonly clockSkewSeconds: number;
}

const HASH: Record<JwtAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function sign(alg: JwtAlgorithm, input: string, secret: string): Buffer {
  return createHmac(HASH[alg], secret).update(input).digest();
}

export function signJwt(
  claims: Omit<Principal, 'iat'> & { readonly iat: number },
  secret: string,
  alg: JwtAlgorithm = 'HS256',
): string {
  const input = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign(alg, input, secret))}`;
}

function parsePart(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const invalid = (reason: string): VerifyResult => ({ ok: false, code: 'token_invalid', reason });

/**
 * Verifies a compact HMAC JWT. The algorithm is taken from the allow-list, never trusted from
 * the header alone: a header naming anything else (including `none`) is refused before any
 * signature work, and the signature is compared in constant time.
 */
export function verifyJwt(token: string, options: VerifyOptions): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return invalid('not a compact JWT (header.payload.signature)');
  const [h, p, s] = parts as [string, string, string];
  const header = parsePart(h);
  if (!header) return invalid('the header is not base64url JSON');
  const alg = header.alg;
  if (typeof alg !== 'string' || !(options.algorithms as readonly string[]).includes(alg)) {
    return invalid(`algorithm ${JSON.stringify(alg)} is not accepted`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return invalid('the signature is missing or malformed');
  const expected = sign(alg as JwtAlgorithm, `${h}.${p}`, options.secret);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('the signature does not match');
  }
  const claims = parsePart(p);
  if (!claims) return invalid('the payload is not base64url JSON');
  const { sub, role, pii, exp, iat } = claims;
  if (typeof sub !== 'string' || sub.length === 0) return invalid('claim sub is missing');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    return invalid(`claim role must be one of ${ROLES.join(', ')}`);
  }
  if (pii !== undefined && typeof pii !== 'boolean') return invalid('claim pii must be a boolean');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return invalid('claim exp is missing');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
    return invalid('claim iat must be a number');
  }
  if (typeof iat === 'number' && iat > options.now + options.clockSkewSeconds) {
    return invalid('the token was issued in the future');
  }
  if (exp <= options.now - options.clockSkewSeconds) {
    return { ok: false, code: 'token_expired', reason: 'the token has expired' };
  }
  return {
    ok: true,
    principal: { sub, role: role as Role, pii: pii === true, exp, iat: iat ?? null },
  };
}

/** `8h`, `30m`, `45s`, `2d` → seconds; undefined when malformed. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}
