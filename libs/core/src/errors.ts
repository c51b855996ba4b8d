/**
 * Every failure the platform reports carries a stable machine-readable `code` and a
 * `category`; the HTTP layer maps categories to status codes in exactly one place.
 */
export type ErrorCategory =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'too_large'
  | 'unsupported_media'
  | 'internal';

/** One problem with one field of the input; `path` uses dots and brackets (`payload.items[0].sku`). */
export interface FieldViolation {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly category: ErrorCategory,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
    /** Seconds a client should wait before retrying (unavailable, rate_limited). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(code: string, message: string, violations: readonly FieldViolation[] = []) {
    return new AppError(code, 'validation', message, violations);
  }

  static notFound(code: string, message: string) {
    return new AppError(code, 'not_found', message);
  }

  static conflict(code: string, message: string) {
    return new AppError(code, 'conflict', message);
  }

  static unavailable(code: string, message: string, retryAfterSeconds = 1) {
    return new AppError(code, 'unavailable', message, [], retryAfterSeconds);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
