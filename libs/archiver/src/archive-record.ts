import type { RecordedEvent } from '@touchpoint/contracts';
import type { NewStreamEvent, StreamEvent } from '@touchpoint/ports';

/** Where the archived copy came from on the log, kept in the stream event's metadata. */
export interface KafkaPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface ArchiveMetadata {
  readonly kafka: KafkaPosition;
  readonly correlationId: string;
  readonly schemaVersion: number;
}

/** An event as a stream event: its eventId is the store's idempotency key. */
export function toStreamEvent(event: RecordedEvent, position: KafkaPosition): NewStreamEvent {
  const metadata: ArchiveMetadata = {
    kafka: { topic: position.topic, partition: position.partition, offset: position.offset },
    correlationId: event.correlationId,
    schemaVersion: event.schemaVersion,
  };
  return {
    id: event.eventId,
    type: event.type,
    data: event as unknown as Record<string, unknown>,
    metadata: metadata as unknown as Record<string, unknown>,
  };
}

export interface ArchivedEvent {
  readonly event: RecordedEvent;
  readonly metadata: ArchiveMetadata;
  readonly streamId: string;
  readonly revision: number;
}

/** The archived envelope is the recorded event exactly as it was on the log. */
export function fromStreamEvent(stored: StreamEvent): ArchivedEvent {
  return {
    event: stored.data as unknown as RecordedEvent,
    metadata: stored.metadata as unknown as ArchiveMetadata,
    streamId: stored.streamId,
    revision: stored.revision,
  };
}
