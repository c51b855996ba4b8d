import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { currentCorrelationId } from '@touchpoint/platform';
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
    await this.audit.record({
      principal: q.reader,
      action: 'timeline',
      customerIds: [q.customerId],
      // Timeline summaries are built from structured fields only: no personal data in them.
      unmasked: [],
      at: new Date(),
      correlationId: currentCorrelationId() ?? null,
    });
    return {
      data: { items: page.items, next: page.next ? encodeCursor(page.next) : null },
      freshness: page.freshness,
    };
  }
}
