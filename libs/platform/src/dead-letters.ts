import { HEADERS } from '@touchpoint/contracts';
import type { LogMessage, LogRecord } from '@touchpoint/ports';

/** A record set aside: its bytes as they were, with headers naming why and where it came from. */
export function deadLetterOf(
  record: LogRecord,
  code: string,
  reason: string,
  violations: readonly unknown[] = [],
): LogMessage {
  return {
    key: record.key ?? '',
    value: record.value,
    headers: {
      ...record.headers,
      [HEADERS.dlqReason]: reason.slice(0, 2000),
      [HEADERS.dlqErrorCode]: code,
      [HEADERS.dlqViolations]: JSON.stringify(violations).slice(0, 8000),
      [HEADERS.dlqOriginalTopic]: record.topic,
      [HEADERS.dlqOriginalPartition]: String(record.partition),
      [HEADERS.dlqOriginalOffset]: record.offset,
      [HEADERS.dlqFailedAt]: new Date().toISOString(),
    },
  };
}

/**
 * What one dead-letter append may carry. A batch's dead letters used to go to the DLQ in one
 * append, so one record batch: a partition holding a few large invalid records (each accepted
 * by the broker alone) made a request above the broker's message.max.bytes (1 MiB by default).
 * The append was refused, the batch retried and refused again, and the partition stalled behind
 * records the DLQ exists to set aside.
 */
export const MAX_DEAD_LETTER_APPEND_BYTES = 512 * 1024;

function sizeOf(m: LogMessage): number {
  let bytes = m.value.length + Buffer.byteLength(m.key);
  for (const [k, v] of Object.entries(m.headers ?? {})) bytes += k.length + Buffer.byteLength(v);
  return bytes;
}

/**
 * Splits dead letters into appends of at most `limit` bytes, in order; a letter larger than the
 * limit goes alone (as large as the record the broker already took, plus its reason headers).
 */
export function deadLetterAppends(
  letters: readonly LogMessage[],
  limit = MAX_DEAD_LETTER_APPEND_BYTES,
): LogMessage[][] {
  const appends: LogMessage[][] = [];
  let current: LogMessage[] = [];
  let bytes = 0;
  for (const letter of letters) {
    const size = sizeOf(letter);
    if (current.length > 0 && bytes + size > limit) {
      appends.push(current);
      current = [];
      bytes = 0;
    }
    current.push(letter);
    bytes += size;
  }
  if (current.length > 0) appends.push(current);
  return appends;
}
