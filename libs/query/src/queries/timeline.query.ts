import { Query } from '@nestjs/cqrs';
import type { TimelineEntry } from '@touchpoint/projections';
import type { Principal } from '../auth/jwt';
import type { TimelineCursor } from '../domain/timeline-page';
import type { Envelope } from './envelope';

/** Recent timeline entries, newest first; `before` pages further back. */
export class GetTimelineQuery extends Query<
  Envelope<{ items: readonly TimelineEntry[]; next: string | null }>
> {
  constructor(
    readonly customerId: string,
    readonly before: TimelineCursor | undefined,
    readonly limit: number,
    readonly reader: Principal,
  ) {
    super();
  }
}
