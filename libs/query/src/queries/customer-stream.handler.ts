import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Observable } from 'rxjs';
import { customerKey, relatedKeys } from '@touchpoint/projections';
import { type PositionedNotice, encodePosition, isAfter } from '../live/change-notice';
import { LiveFeed } from '../live/live-feed.service';
import type { SseMessage } from '../live/sse';
import { CustomerReader } from '../read/customer-reader';
import { StreamCustomerQuery } from './customer-stream.query';

@QueryHandler(StreamCustomerQuery)
export class StreamCustomerHandler implements IQueryHandler<StreamCustomerQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly feed: LiveFeed,
  ) {}

  async execute(q: StreamCustomerQuery): Promise<Observable<SseMessage>> {
    // 404 before the stream opens; the documents folded into the view are watched too.
    const served = await this.reader.customer360(q.customerId);
    const keys = new Set([customerKey(q.customerId), ...relatedKeys(served.state)]);
    const feed = this.feed;
    return new Observable<SseMessage>((subscriber) => {
      const position = new Map(q.resumeFrom ?? feed.current());
      const pending: PositionedNotice[] = [];
      let replaying = true;
      // Notices are forwarded in order, each after its active-version check.
      let chain = Promise.resolve();
      const forward = (n: PositionedNotice) => {
        chain = chain.then(async () => {
          if (!isAfter(position, n.partition, n.offset)) return;
          position.set(n.partition, BigInt(n.offset) + 1n);
          const { notice } = n;
          if (!keys.has(notice.key)) return;
          if (!(await feed.isActive(notice.model, notice.version))) return;
          subscriber.next({
            event: 'change',
            id: encodePosition(position),
            data: {
              model: notice.model,
              version: notice.version,
              customerId: q.customerId,
              key: notice.key,
              position: { partition: notice.partition, offset: notice.offset },
              occurredAt: notice.occurredAt,
              committedAt: notice.committedAt,
            },
          });
        });
      };
      const live = feed.notices$.subscribe((n) => (replaying ? pending.push(n) : forward(n)));
      subscriber.next({
        event: 'ready',
        id: encodePosition(position),
        data: { customerId: q.customerId },
      });
      void (async () => {
        try {
          if (q.resumeFrom) for (const n of await feed.since(q.resumeFrom)) forward(n);
          pending.forEach(forward);
          pending.length = 0;
          replaying = false;
        } catch (e) {
          subscriber.error(e);
        }
      })();
      return () => live.unsubscribe();
    });
  }
}
