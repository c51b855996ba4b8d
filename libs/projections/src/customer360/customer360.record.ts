import { type Channel, type EventType } from '@touchpoint/contracts';

/** A position in the total order of facts: event time, ties by eventId. */
export interface EventKey {
  readonly ms: number;
  readonly eventId: string;
}

/** When and by which event a fact was stated; `ms` is `at` parsed, kept to avoid re-parsing. */
export interface Stamp extends EventKey {
  readonly at: string;
}

export interface TimelineEntry {
  readonly eventId: string;
  readonly type: EventType;
  readonly channel: Channel;
  readonly at: string;
  readonly ms: number;
  /** Built from structured fields only, never from free text, so erasure needs no rewrite. */
  readonly summary: string;
  /** The business id the entry is about (orderId, complaintId, sessionId, callId, ...). */
  readonly ref: string | null;
}

/** Event time, ties by eventId: the total order every "earliest" and "latest" uses. */
export function compareStamps(a: EventKey, b: EventKey): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * Ids come from outside: defineProperty keeps a key such as `__proto__` an ordinary key. It is
 * the only key whose assignment on a plain object does anything else (every other inherited
 * member is a writable data property, so assignment creates an own one), and defineProperty on
 * every key was the fold's hottest line, so plain assignment takes the rest.
 */
export function setKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key !== '__proto__') {
    record[key] = value;
    return;
  }
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A shallow copy; spread defines own keys (`__proto__` included) like setKey does. */
export function copyRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return { ...record };
}

export function getKey<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
