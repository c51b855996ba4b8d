import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';

/** Paths that belong to the API and operations endpoints, never to the single-page app. */
const SERVER_PREFIXES = ['/v1', '/health', '/metrics', '/docs'];

const isUnder = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(`${prefix}/`);

// The console loads only its own script and stylesheet and talks only to its own origin.
const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

const NOT_BUILT =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Touchpoint console</title>' +
  '<p>The console has not been built. Run <code>npm run build</code>, then reload this page.</p>';

/**
 * Serves the console from `dir`: hashed files under /assets are immutable for a year; any other
 * page a browser asks for (Accept: text/html), outside the API prefixes, gets index.html so the
 * app's own routes (/customers/…) survive a reload. Everything else falls through to Nest, so
 * unknown API paths still answer with the JSON 404.
 */
export function consoleHandler(dir: string): RequestHandler {
  const index = join(dir, 'index.html');
  const assets = express.static(join(dir, 'assets'), {
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: true,
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Nest mounts middleware under its route pattern, so only originalUrl is the full path.
    const url = req.originalUrl;
    const path = url.split('?')[0] ?? '/';
    if (isUnder(path, '/assets')) {
      const before = req.url;
      req.url = url.slice('/assets'.length);
      assets(req, res, () => {
        req.url = before;
        next();
      });
      return;
    }
    if (SERVER_PREFIXES.some((p) => isUnder(path, p))) return next();
    const wantsPage = path === '/' || (req.header('accept') ?? '').includes('text/html');
    if (!wantsPage) return next();
    if (!existsSync(index)) {
      res.status(503).set(PAGE_HEADERS).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(index, { headers: PAGE_HEADERS, cacheControl: false }, (e?: Error) => {
      if (e && !res.headersSent) next(e);
    });
  };
}
