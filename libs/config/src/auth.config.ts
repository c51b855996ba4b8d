import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const AUDIT_SINKS = ['log', 'store', 'log+store'] as const;
export type AuditSink = (typeof AUDIT_SINKS)[number];

/**
 * Agent authentication and the audit trail of the query API. A standalone query app requires
 * AUTH_JWT_SECRET; the all-in-one process and the CLI fall back to a development secret they
 * generate once under DATA_DIR, so `touchpoint tokens create` and `npm start` agree.
 */
export class AuthConfig {
  @IsOptional()
  @IsString({ message: 'a shared HMAC secret of at least 32 characters' })
  @MinLength(32, { message: 'a shared HMAC secret of at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @Matches(new RegExp(`^(${JWT_ALGORITHMS.join('|')})(,(${JWT_ALGORITHMS.join('|')}))*$`), {
    message: `a comma-separated list of ${JWT_ALGORITHMS.join(', ')} ('none' is never accepted)`,
  })
  AUTH_JWT_ALGORITHMS = 'HS256';

  @Type(() => Number)
  @IsInt({ message: 'seconds, an integer between 0 and 300' })
  @Min(0, { message: 'seconds, an integer between 0 and 300' })
  @Max(300, { message: 'seconds, an integer between 0 and 300' })
  AUTH_CLOCK_SKEW_SECONDS = 30;

  @IsIn(AUDIT_SINKS, { message: `one of ${AUDIT_SINKS.join(', ')}` })
  AUDIT_SINK: AuditSink = 'log';

  @Matches(/^[A-Za-z0-9_]{1,60}$/, { message: 'a collection name (letters, digits, _)' })
  AUDIT_COLLECTION = 'audit_log';
}

export function jwtAlgorithms(config: AuthConfig): JwtAlgorithm[] {
  return config.AUTH_JWT_ALGORITHMS.split(',') as JwtAlgorithm[];
}
