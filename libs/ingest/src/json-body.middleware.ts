import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@touchpoint/core';

/** 415 for anything but JSON: the JSON parser silently skips other types, which would read as {}. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is(['application/json', 'application/*+json'])) {
    next(
      new AppError(
        'unsupported_media_type',
        'unsupported_media',
        `send the body as application/json (got ${req.header('content-type') ?? 'no content type'})`,
      ),
    );
    return;
  }
  next();
}
