import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditService } from '../audit/audit.service';
import { encodeCursor } from '../domain/query-params';
import { TIMELINE_SOURCE, type TimelineSource } from '../read/timeline-source';
import { GetTimelineQuery } from './timeline.query';

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler implements IQueryHandler<GetTimelineQuery> {
  constructor(
    @Inject(TIMELINE_SOURCE) private readonly timeline: TimelineSource,
    private readonly audit: AuditService,
  ) {}

  async execute(q: GetTimelineQuery) {
    const page = await this.timeline.page(q.customerId, q.before, q.limit);
    await this.audit.profileRead(q.reader, 'timeline', [q.customerId]);
    return {
      data: { items: page.items, next: page.next ? encodeCursor(page.next) : null },
      freshness: page.freshness,
    };
  }
}
