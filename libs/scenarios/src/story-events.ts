import { EXAMPLE_EVENTS, type EventType } from '@touchpoint/contracts';

/** An event as a channel sends it to the ingest API. */
export type StoryEvent = Record<string, unknown>;

/**
 * Gives each event its id from a label naming what the event is (type, subject, natural key —
 * never its time), so that a caller chooses: fresh ids per call (tests), or the same ids for
 * the same story on any day (`touchpoint demo`, deduplicated by the server on a second run).
 */
export type EventIdFor = (label: string) => string;

export const DAY_MS = 86_400_000;

export const isoAt = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

/** The payload fields that tell two events of one type and subject apart. */
const NATURAL_KEYS = [
  'orderId',
  'sessionId',
  'callId',
  'complaintId',
  'redemptionId',
  'surveyId',
  'messageId',
] as const;

export function labelOf(event: StoryEvent): string {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const key = NATURAL_KEYS.map((k) => payload[k]).find((v) => typeof v === 'string') ?? '';
  return [event.type, event.customerId ?? '', event.anonymousId ?? '', key].join('|');
}

/** Builds events with ids from `eventId`; the story builders below share one of these. */
export class EventFactory {
  constructor(private readonly eventId: EventIdFor) {}

  withId(event: StoryEvent): StoryEvent {
    return { eventId: this.eventId(labelOf(event)), ...event };
  }

  event(
    type: EventType,
    subject: { customerId?: string; anonymousId?: string },
    channel: string,
    atMs: number,
    payload: StoryEvent,
  ): StoryEvent {
    return this.withId({
      type,
      schemaVersion: type === 'purchase.completed' || type === 'web.visited' ? 2 : 1,
      ...subject,
      channel,
      occurredAt: isoAt(atMs),
      payload,
    });
  }

  /** A catalogue example for another customer, time and channel, payload fields overridden. */
  fromExample(
    type: EventType,
    customerId: string,
    atMs: number,
    channel: string,
    payload: StoryEvent = {},
  ): StoryEvent {
    // JSON round trip rather than structuredClone: the latter yields objects of another realm under Jest.
    const example = JSON.parse(JSON.stringify(EXAMPLE_EVENTS[type])) as StoryEvent;
    delete example.eventId;
    delete example.anonymousId;
    delete example.correlationId;
    return this.withId({
      ...example,
      customerId,
      channel,
      occurredAt: isoAt(atMs),
      payload: { ...(example.payload as object), ...payload },
    });
  }
}
