import { Query } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import type { StreamPosition } from '../live/change-notice';
import type { SseMessage } from '../live/sse';

/** Live change notices for one customer (and the visitors folded into them), resumable. */
export class StreamCustomerQuery extends Query<Observable<SseMessage>> {
  constructor(
    readonly customerId: string,
    readonly resumeFrom: StreamPosition | undefined,
  ) {
    super();
  }
}
