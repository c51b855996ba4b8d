import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';

/** One Server-Sent Events message; `comment` lines keep proxies and clients from timing out. */
export interface SseMessage {
  readonly event?: string;
  readonly id?: string;
  readonly data?: unknown;
  readonly comment?: string;
}

export const HEARTBEAT_MS = 15_000;

export function formatSse(m: SseMessage): string {
  let out = '';
  if (m.comment !== undefined) out += `: ${m.comment.replace(/\n/g, ' ')}\n`;
  if (m.event !== undefined) out += `event: ${m.event}\n`;
  if (m.id !== undefined) out += `id: ${m.id}\n`;
  if (m.data !== undefined) out += `data: ${JSON.stringify(m.data)}\n`;
  return out + '\n';
}

/** Streams messages to the client until it goes away; a comment heartbeat every 15 s. */
export function pipeSse(
  req: Request,
  res: Response,
  source: Observable<SseMessage>,
  heartbeatMs = HEARTBEAT_MS,
): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write(`retry: 3000\n\n`);
  const heartbeat = setInterval(() => res.write(formatSse({ comment: 'heartbeat' })), heartbeatMs);
  const subscription = source.subscribe({
    next: (m) => res.write(formatSse(m)),
    error: () => res.end(),
    complete: () => res.end(),
  });
  req.on('close', () => {
    clearInterval(heartbeat);
    subscription.unsubscribe();
  });
}
