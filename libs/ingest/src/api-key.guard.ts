import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { IngestConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { type Principal, parseKey, secretMatches } from './api-key';
import { API_KEY_REPOSITORY, type ApiKeyRepository } from './api-key.repository';
import { CLOCK, type Clock } from './clock';
import { RateLimiter } from './rate-limiter';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** How long a verified key is trusted before it is looked up again (revocation delay). */
const CACHE_MS = 5000;

/** 401 without a valid key, 429 over the key's rate; sets `req.principal` otherwise. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter: RateLimiter;
  private readonly cache = new Map<
    string,
    { principal: Principal; secret: string; until: number }
  >();

  constructor(
    @Inject(API_KEY_REPOSITORY) private readonly keys: ApiKeyRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    config: IngestConfig,
  ) {
    this.limiter = new RateLimiter(
      config.INGEST_RATE_LIMIT_PER_SECOND,
      config.INGEST_RATE_LIMIT_BURST,
    );
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(presentedKey(req));
    const cost = Array.isArray(req.body) ? Math.max(1, req.body.length) : 1;
    const verdict = this.limiter.take(principal.keyId, cost, this.clock().getTime());
    if (!verdict.ok) {
      throw new AppError(
        'rate_limited',
        'rate_limited',
        `API key ${principal.keyId} is over its rate limit; retry after ${verdict.retryAfterSeconds}s`,
        [],
        verdict.retryAfterSeconds,
      );
    }
    req.principal = principal;
    return true;
  }

  private async authenticate(presented: string | undefined): Promise<Principal> {
    if (!presented) {
      throw new AppError(
        'missing_api_key',
        'unauthenticated',
        'send an API key as "Authorization: Bearer <key>" or "x-api-key: <key>"; create one with `touchpoint keys create`',
      );
    }
    const parsed = parseKey(presented);
    if (!parsed)
      throw new AppError('unknown_api_key', 'unauthenticated', 'the API key is not valid');
    const now = this.clock().getTime();
    const cached = this.cache.get(parsed.keyId);
    if (cached && cached.until > now && cached.secret === parsed.secret) return cached.principal;
    const record = await this.keys.find(parsed.keyId);
    if (!record || !secretMatches(record, parsed.secret)) {
      throw new AppError('unknown_api_key', 'unauthenticated', 'the API key is not valid');
    }
    if (record.revokedAt) {
      throw new AppError(
        'revoked_api_key',
        'unauthenticated',
        `API key ${record.keyId} was revoked at ${record.revokedAt}`,
      );
    }
    const principal: Principal = {
      keyId: record.keyId,
      channel: record.channel,
      types: record.types,
      source: record.source,
    };
    this.cache.set(parsed.keyId, { principal, secret: parsed.secret, until: now + CACHE_MS });
    return principal;
  }
}

function presentedKey(req: Request): string | undefined {
  const auth = req.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    return m?.[1] ?? auth;
  }
  return req.header('x-api-key') ?? undefined;
}
