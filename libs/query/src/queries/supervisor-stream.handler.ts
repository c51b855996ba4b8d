import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Observable } from 'rxjs';
import { LiveFeed, type SequencedSupervisorEvent } from '../live/live-feed.service';
import type { SseMessage } from '../live/sse';
import { StreamSupervisorQuery } from './supervisor-stream.query';

function toMessage({ id, event }: SequencedSupervisorEvent): SseMessage {
  const { kind, ...data } = event;
  return { event: kind, id, data };
}

@QueryHandler(StreamSupervisorQuery)
export class StreamSupervisorHandler implements IQueryHandler<StreamSupervisorQuery> {
  constructor(private readonly feed: LiveFeed) {}

  execute(q: StreamSupervisorQuery): Promise<Observable<SseMessage>> {
    const feed = this.feed;
    return Promise.resolve(
      new Observable<SseMessage>((subscriber) => {
        const missed = feed.supervisorSince(q.lastEventId);
        const seen = new Set(missed.map((m) => m.id));
        subscriber.next({ comment: 'supervisor stream' });
        missed.forEach((m) => subscriber.next(toMessage(m)));
        const live = feed.supervisor$.subscribe((m) => {
          if (!seen.has(m.id)) subscriber.next(toMessage(m));
        });
        return () => live.unsubscribe();
      }),
    );
  }
}
