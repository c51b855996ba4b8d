import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  type AppError,
  type ErrorCategory,
  assertNever,
  isAppError,
  type Logger,
} from '@touchpoint/core';
import { currentCorrelationId } from './request-context';

export function statusFor(category: ErrorCategory): number {
  switch (category) {
    case 'validation':
      return HttpStatus.BAD_REQUEST;
    case 'unauthenticated':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
      return HttpStatus.CONFLICT;
    case 'too_large':
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'unsupported_media':
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'rate_limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
    case 'internal':
      return HttpStatus.INTERNAL_SERVER_ERROR;
    default:
      return assertNever(category, 'error category');
  }
}

/** Framework-raised HTTP errors (body parser, routing) get the same body shape as ours. */
function fromHttpException(e: HttpException): { status: number; code: string; message: string } {
  const status = e.getStatus();
  const body = e.getResponse();
  const cause = (e as { cause?: { type?: string } }).cause;
  const byStatus: Record<number, string> = {
    400: cause?.type === 'entity.parse.failed' ? 'malformed_json' : 'bad_request',
    404: 'route_not_found',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
  };
  const message =
    typeof body === 'object' && body && 'message' in body ? String(body.message) : e.message;
  return { status, code: byStatus[status] ?? 'http_error', message };
}

/** The one place where errors become HTTP answers. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const correlationId = currentCorrelationId();
    if (isAppError(exception)) {
      const e: AppError = exception;
      if (e.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      const status = statusFor(e.category);
      if (status >= 500) this.logger.warn(e.message, { code: e.code });
      res.status(status).json({
        error: { code: e.code, category: e.category, message: e.message, violations: e.violations },
        correlationId,
      });
      return;
    }
    if (exception instanceof HttpException) {
      const { status, code, message } = fromHttpException(exception);
      res.status(status).json({ error: { code, message, violations: [] }, correlationId });
      return;
    }
    this.logger.error('unhandled error', {
      error: exception instanceof Error ? exception.stack : String(exception),
    });
    res.status(500).json({
      error: { code: 'internal', category: 'internal', message: 'internal error', violations: [] },
      correlationId,
    });
  }
}
