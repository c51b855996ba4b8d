import type { ChangeNotice } from '@touchpoint/read-models';

/** A notice with its own position in the changes topic (what resume tokens count). */
export interface PositionedNotice {
  readonly notice: ChangeNotice;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Where a stream stands in the changes topic: the next offset per partition. Sent as the SSE
 * event id, so `Last-Event-ID` resumes exactly after the last event the client received.
 */
export type StreamPosition = ReadonlyMap<number, bigint>;

export function encodePosition(position: StreamPosition): string {
  return [...position.entries()]
    .sort(([a], [b]) => a - b)
    .map(([p, o]) => `${p}:${o}`)
    .join('.');
}

/** Undefined when the text is not a token this API gave out. */
export function decodePosition(text: string): StreamPosition | undefined {
  if (!/^\d{1,4}:\d{1,19}(\.\d{1,4}:\d{1,19})*$/.test(text)) return undefined;
  const out = new Map<number, bigint>();
  for (const part of text.split('.')) {
    const [p, o] = part.split(':') as [string, string];
    out.set(Number(p), BigInt(o));
  }
  return out;
}

/** True when the stream at `position` has not yet passed this notice. */
export function isAfter(position: StreamPosition, partition: number, offset: string): boolean {
  const next = position.get(partition);
  return next === undefined || BigInt(offset) >= next;
}
