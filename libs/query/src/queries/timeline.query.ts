import { Query } from '@nestjs/cqrs';
import type { TimelineEntry } from '@touchpoint/projections';
import type { Principal } from '../auth/jwt';
import type { TimelinePageCursor } from '../domain/timeline-page';
import type { Envelope } from './envelope';

/** Timeline entries, newest first; `before` pages further back, into the event store. */
export class GetTimelineQuery extends Query<
  Envelope<{ items: readonly TimelineEntry[]; next: string | null }>
> {
  constructor(
    readonly customerId: string,
    readonly before: TimelinePageCursor | undefined,
    readonly limit: number,
    readonly reader: Principal,
  ) {
    super();
  }
}
