import type { EventStore, StreamEvent } from '@touchpoint/ports';
import { type ArchivedEvent, fromStreamEvent } from './archive-record';
import { customerStream, linkedStreams } from './stream-names';

const PAGE = 500;

export interface CustomerHistory {
  /** Every stream read: the customer's, then the visitor and merged-customer streams it links. */
  readonly streams: readonly string[];
  /** Each event once (an event naming two identities sits in two streams), in store order. */
  readonly events: readonly ArchivedEvent[];
}

/**
 * One customer's whole history from the event store alone: its stream plus, transitively, the
 * streams its `customer.identified` and `customer.merged` events link.
 */
export async function readCustomerHistory(
  store: EventStore,
  customerId: string,
): Promise<CustomerHistory> {
  const streams: string[] = [];
  const queue = [customerStream(customerId)];
  const byId = new Map<string, StreamEvent>();
  for (let stream = queue.shift(); stream !== undefined; stream = queue.shift()) {
    if (streams.includes(stream)) continue;
    streams.push(stream);
    for await (const stored of readStream(store, stream)) {
      const seen = byId.get(stored.id);
      if (!seen || comparePositions(stored, seen) < 0) byId.set(stored.id, stored);
      for (const linked of linkedStreams(fromStreamEvent(stored).event)) {
        if (!streams.includes(linked)) queue.push(linked);
      }
    }
  }
  const events = [...byId.values()].sort(comparePositions).map(fromStreamEvent);
  return { streams, events };
}

async function* readStream(store: EventStore, streamId: string): AsyncGenerator<StreamEvent> {
  for (let from = 0; ; from += PAGE) {
    const page = await store.read(streamId, {
      direction: 'forwards',
      fromRevision: from,
      maxCount: PAGE,
    });
    yield* page;
    if (page.length < PAGE) return;
  }
}

function comparePositions(a: StreamEvent, b: StreamEvent): number {
  if (a.position.commit !== b.position.commit)
    return a.position.commit < b.position.commit ? -1 : 1;
  if (a.position.prepare !== b.position.prepare)
    return a.position.prepare < b.position.prepare ? -1 : 1;
  return 0;
}
