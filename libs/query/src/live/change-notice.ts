/** A read model's change notice as the projector writes it to `<prefix>.changes`. */
export interface ChangeNotice {
  readonly model: string;
  readonly version: string;
  /** Document key, e.g. `customer:c-1` or `visitor:v-77f`. */
  readonly key: string;
  readonly revision: number;
  /** Position in the events log of the newest event applied. */
  readonly partition: number;
  readonly offset: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly committedAt: string;
}

/** A notice with its own position in the changes topic (what resume tokens count). */
export interface PositionedNotice {
  readonly notice: ChangeNotice;
  readonly partition: number;
  readonly offset: string;
}

export function parseChangeNotice(bytes: Buffer): ChangeNotice | undefined {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const n = v as Record<string, unknown>;
  const str = (k: string) => typeof n[k] === 'string';
  if (
    !str('model') ||
    !str('version') ||
    !str('key') ||
    !str('offset') ||
    !str('occurredAt') ||
    !str('receivedAt') ||
    !str('committedAt') ||
    typeof n.partition !== 'number' ||
    typeof n.revision !== 'number'
  ) {
    return undefined;
  }
  return n as unknown as ChangeNotice;
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
