import type { NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response, json } from 'express';
import { IngestConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import type { AppContext } from '@touchpoint/platform';

/**
 * The JSON parser with the configured body limit, strict (objects and arrays only). Its errors
 * become AppErrors here, so the one HTTP error filter answers them with our codes: 413 above the
 * limit, 400 `malformed_json` for a body that does not parse.
 */
export function configureIngestHttp(app: NestExpressApplication, ctx: AppContext): void {
  const limit = ctx.config.get(IngestConfig).INGEST_MAX_BODY_BYTES;
  app.use(json({ limit, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use((err: unknown, _req: Request, _res: Response, next: NextFunction) =>
    next(fromBodyParser(err, limit)),
  );
}

function fromBodyParser(err: unknown, limit: number): unknown {
  const type = (err as { type?: unknown } | undefined)?.type;
  const message = err instanceof Error ? err.message : String(err);
  switch (type) {
    case 'entity.too.large':
      return new AppError(
        'payload_too_large',
        'too_large',
        `the body exceeds ${limit} bytes (INGEST_MAX_BODY_BYTES); split it into smaller batches`,
      );
    case 'entity.parse.failed':
      return AppError.validation('malformed_json', `the body is not valid JSON: ${message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', 'unsupported_media', message);
    case 'request.aborted':
    case 'request.size.invalid':
      return AppError.validation('incomplete_body', message);
    default:
      return err;
  }
}
