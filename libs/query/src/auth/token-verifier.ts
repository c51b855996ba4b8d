import { AppError } from '@touchpoint/core';
import type { JwtAlgorithm } from '@touchpoint/config';
import type { Clock } from '../tokens';
import { type Principal, verifyJwt } from './jwt';

/** Turns a presented bearer token into a principal or a 401 naming what is wrong. */
export class TokenVerifier {
  constructor(
    private readonly secret: string,
    private readonly algorithms: readonly JwtAlgorithm[],
    private readonly clockSkewSeconds: number,
    private readonly clock: Clock,
  ) {}

  verify(token: string | undefined): Principal {
    if (token === undefined || token.length === 0) {
      throw new AppError(
        'token_missing',
        'unauthenticated',
        'send an agent token as "Authorization: Bearer <jwt>"; create one with `touchpoint tokens create --role agent`',
      );
    }
    const result = verifyJwt(token, {
      secret: this.secret,
      algorithms: this.algorithms,
      now: Math.floor(this.clock().getTime() / 1000),
      clockSkewSeconds: this.clockSkewSeconds,
    });
    if (!result.ok) throw new AppError(result.code, 'unauthenticated', result.reason);
    return result.principal;
  }
}
