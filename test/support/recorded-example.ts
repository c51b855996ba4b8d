import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS, type EventType, type RecordedEvent } from '@touchpoint/contracts';

/**
 * The documented example of a type as recorded on the log, with a fresh event id and the
 * identities given (the example's own are dropped); `payload` fields override the example's.
 */
export function recordedExample(
  type: EventType,
  ids: { readonly customerId?: string; readonly anonymousId?: string },
  payload: Record<string, unknown> = {},
): RecordedEvent {
  const raw = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as Record<string, unknown>;
  delete raw.customerId;
  delete raw.anonymousId;
  return {
    ...raw,
    ...ids,
    payload: { ...(raw.payload as Record<string, unknown>), ...payload },
    eventId: randomUUID(),
    receivedAt: '2025-04-20T06:20:01.000Z',
    source: 'test',
    correlationId: (raw.correlationId as string | undefined) ?? `corr-${randomUUID()}`,
  } as unknown as RecordedEvent;
}
