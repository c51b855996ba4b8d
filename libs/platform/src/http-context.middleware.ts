import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from './request-context';
import type { MetricsService } from './metrics.service';

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request a correlation id (the caller's, if well-formed) for logs, Kafka headers
 * and the response, and records its duration by route.
 */
export function httpContextMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.header(CORRELATION_HEADER);
    const correlationId = given && VALID_ID.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const stop = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ route, status: String(res.statusCode) });
    });
    requestContext.run({ correlationId }, next);
  };
}
