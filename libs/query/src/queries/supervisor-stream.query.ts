import { Query } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import type { SseMessage } from '../live/sse';

/** New complaints (opened, resolved) and tier changes, for supervisors. */
export class StreamSupervisorQuery extends Query<Observable<SseMessage>> {
  constructor(readonly lastEventId: string | undefined) {
    super();
  }
}
