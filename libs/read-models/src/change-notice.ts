/**
 * A read model's change notice on `<prefix>.changes`: one per document a fold wrote, after the
 * write. The projector encodes it; the agent API's live feed decodes it.
 */
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

export function encodeChangeNotice(notice: ChangeNotice): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: notice.model,
      version: notice.version,
      key: notice.key,
      revision: notice.revision,
      partition: notice.partition,
      offset: notice.offset,
      occurredAt: notice.occurredAt,
      receivedAt: notice.receivedAt,
      committedAt: notice.committedAt,
    }),
  );
}

/** Undefined for anything that is not a well-formed notice (readers skip it). */
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
