import { EmbeddedEventStore } from '@touchpoint/adapters';
import { customerStream, toStreamEvent } from '@touchpoint/archiver';
import type { EventType, RecordedEvent } from '@touchpoint/contracts';
import type { EventStore } from '@touchpoint/ports';
import {
  DEFAULT_CUSTOMER360_POLICY,
  type Customer360State,
  TIMELINE_RETAINED,
  type TimelineEntry,
  customer360TimelineEntry,
  customerKey,
  evolveCustomer360,
  initialCustomer360State,
  retainedTimeline,
} from '@touchpoint/projections';
import { recordedExample } from '@touchpoint/testing';
import type { TimelinePageCursor } from '../domain/timeline-page';
import type { Freshness } from './freshness';
import { ArchivedTimeline } from './timeline-source';

const CUSTOMER = 'c-42';
const freshness: Freshness = {
  model: 'customer360',
  version: 'v1',
  position: null,
  occurredAt: null,
  lagMs: 0,
};

/** `n`-th event of the history, one minute apart so event time and arrival order agree. */
function nth(type: EventType, i: number, payload: Record<string, unknown> = {}): RecordedEvent {
  const e = recordedExample(type, { customerId: CUSTOMER }, payload);
  return { ...e, occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString() };
}

/** The events archived in arrival order and folded into the customer's read-model document. */
async function customerWith(events: readonly RecordedEvent[]) {
  const store = new EmbeddedEventStore();
  let state: Customer360State = initialCustomer360State(customerKey(CUSTOMER));
  for (const [i, e] of events.entries()) {
    await store.append(
      customerStream(CUSTOMER),
      [toStreamEvent(e, { topic: 't', partition: 0, offset: String(i) })],
      i === 0 ? 'no_stream' : i - 1,
    );
    state = evolveCustomer360(state, e, customerKey(CUSTOMER), DEFAULT_CUSTOMER360_POLICY);
  }
  const reader = {
    customer360: () =>
      Promise.resolve({ state, version: 'v1', policy: DEFAULT_CUSTOMER360_POLICY, freshness }),
  };
  return { store, state, reader };
}

async function pageAll(timeline: ArchivedTimeline, limit: number) {
  const pages: { items: readonly TimelineEntry[]; stream: boolean }[] = [];
  let before: TimelinePageCursor | undefined;
  for (let n = 0; n < 100; n++) {
    const page = await timeline.page(CUSTOMER, before, limit);
    pages.push({ items: page.items, stream: before !== undefined && 'source' in before });
    if (page.next === null) return pages;
    before = page.next;
  }
  throw new Error('the timeline never ended');
}

describe('ArchivedTimeline', () => {
  it('Given more history than the read model retains, When paged to the end, Then the read-model pages come first and the stream pages continue with the same entries customer360 builds, every event once', async () => {
    const events = Array.from({ length: TIMELINE_RETAINED + 37 }, (_, i) => nth('call.logged', i));
    const { store, state, reader } = await customerWith(events);
    const pages = await pageAll(new ArchivedTimeline(reader, store), 50);

    const shown = pages.flatMap((p) => p.items);
    expect(shown.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId).reverse());
    const fromReadModel = pages.filter((p) => !p.stream).flatMap((p) => p.items);
    expect(fromReadModel).toEqual(retainedTimeline(state));
    const fromStream = pages.filter((p) => p.stream).flatMap((p) => p.items);
    expect(fromStream).toEqual(
      events
        .slice(0, 37)
        .reverse()
        .map((e) => customer360TimelineEntry(e, customerKey(CUSTOMER))),
    );
  });

  it('Given no more history than the read model retains, When paged to the end, Then no page reads the event store', async () => {
    const events = Array.from({ length: TIMELINE_RETAINED - 1 }, (_, i) => nth('call.logged', i));
    const { reader } = await customerWith(events);
    const pages = await pageAll(new ArchivedTimeline(reader, unreadable()), 7);
    expect(pages.every((p) => !p.stream)).toBe(true);
    expect(pages.flatMap((p) => p.items)).toHaveLength(TIMELINE_RETAINED - 1);
  });

  it('Given an erased customer whose old events carry personal data, When the stream pages are read, Then they show the structured summaries only, as the read model does', async () => {
    const personal = [
      nth('customer.registered', 0),
      nth('customer.profile_updated', 1),
      nth('complaint.opened', 2),
      nth('feedback.submitted', 3),
      nth('purchase.refunded', 4),
    ];
    const recent = Array.from({ length: TIMELINE_RETAINED - 1 }, (_, i) =>
      nth('call.logged', 10 + i),
    );
    const erased = nth('customer.erased', 1000);
    const { store, reader } = await customerWith([...personal, ...recent, erased]);
    const pages = await pageAll(new ArchivedTimeline(reader, store), 100);

    const fromStream = pages.filter((p) => p.stream).flatMap((p) => p.items);
    expect(fromStream.map((e) => e.type)).toEqual(personal.map((e) => e.type).reverse());
    const archived = JSON.stringify(personal);
    const text = JSON.stringify(fromStream);
    for (const secret of [
      'mei.lin@example.cn',
      'Mei',
      'Lin',
      '138 0013',
      'Century Avenue',
      'Xinle Road',
      'two weeks late',
      'Thank you',
      'Delivery fee refunded',
    ]) {
      expect({ secret, archived: archived.includes(secret), shown: text.includes(secret) }).toEqual(
        {
          secret,
          archived: true,
          shown: false,
        },
      );
    }
  });

  it('Given the event store cannot be read, When the read-model pages and then a stream page are asked for, Then the first are served and the stream page is an unavailable error event_store_unavailable', async () => {
    const events = Array.from({ length: TIMELINE_RETAINED + 1 }, (_, i) => nth('call.logged', i));
    const { reader } = await customerWith(events);
    const timeline = new ArchivedTimeline(reader, unreadable());
    const last = await timeline.page(CUSTOMER, undefined, TIMELINE_RETAINED);
    expect(last.items).toHaveLength(TIMELINE_RETAINED);
    expect(last.next).toMatchObject({ source: 'stream', revision: null });
    await expect(timeline.page(CUSTOMER, last.next!, 10)).rejects.toMatchObject({
      code: 'event_store_unavailable',
      category: 'unavailable',
    });
  });
});

/** A store whose reads fail the way a lost connection does (not an AppError). */
function unreadable(): EventStore {
  const store = new EmbeddedEventStore();
  store.read = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:2113'));
  return store;
}
