import {
  EXAMPLE_EVENTS,
  type EventType,
  type RecordedEvent,
  recordEvent,
} from '@touchpoint/contracts';
import { DAY_MS } from './loyalty.calendar';
import {
  adjusted,
  callLogged,
  complaintOpened,
  complaintResolved,
  feedback,
  identified,
  purchase,
  redeemed,
  refund,
  registered,
  uuid,
} from './loyalty.fixtures';

/**
 * Seeded, realistic customer histories for the size bounds: every event type a customer
 * produces, most of which loyalty ignores (web visits, e-mails, calls), in event-time order with
 * some late arrivals, as the log delivers them.
 */

/** xorshift32: a small seeded generator, so every run folds the same histories. */
export function seeded(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

const recorded = (type: EventType): RecordedEvent =>
  recordEvent(EXAMPLE_EVENTS[type], { receivedAt: new Date(0), source: 'fixture-app' });

const SILENT: readonly RecordedEvent[] = [
  recorded('web.visited'),
  recorded('email.sent'),
  recorded('email.opened'),
  recorded('email.clicked'),
  recorded('customer.profile_updated'),
];

/** A customer's event with a new id and time, from a catalogue example loyalty ignores. */
function silent(base: RecordedEvent, customerId: string, eventId: string, at: string) {
  return {
    ...base,
    eventId,
    correlationId: eventId,
    occurredAt: at,
    ...(base.anonymousId === undefined ? { customerId } : { anonymousId: `v-${customerId}` }),
  } as RecordedEvent;
}

export interface HistoryOptions {
  readonly customerId: string;
  readonly events: number;
  readonly startMs: number;
  readonly years: number;
  readonly seed: number;
}

/**
 * `events` events over `years`, in time order except ~0.2 % delivered late (after ~1 000 more
 * events, or at the end):
 * ~70 % web visits and e-mails, 11 % purchases (1 in 30 refunded within a month), calls,
 * complaints (half resolved with points), feedback, redemptions, adjustments, a few visitor links.
 * Yields batches of `batchSize` in arrival order.
 */
export function* customerHistory(o: HistoryOptions, batchSize = 1_000): Generator<RecordedEvent[]> {
  const rnd = seeded(o.seed);
  const span = o.years * 365 * DAY_MS;
  const step = span / o.events;
  const at = (ms: number): string => new Date(Math.floor(ms)).toISOString();
  const orders: { id: string; total: number; ms: number }[] = [];
  let late: RecordedEvent[] = [];
  let batch: RecordedEvent[] = [];
  let n = 0;
  const id = (): string => uuid(o.seed * 10_000_000 + ++n);
  const env = { customerId: o.customerId };
  for (let i = 0; i < o.events; i++) {
    const ms = o.startMs + i * step + rnd() * step;
    const r = rnd();
    let e: RecordedEvent;
    if (i === 0) e = registered({ ...env, at: at(ms), eventId: id() });
    else if (r < 0.11) {
      const total = 500 + Math.floor(rnd() * 60_000);
      const orderId = `O-${o.seed}-${i}`;
      orders.push({ id: orderId, total, ms });
      if (orders.length > 300) orders.shift();
      e = purchase({ ...env, at: at(ms), eventId: id(), orderId, total });
    } else if (r < 0.1137 && orders.length > 0) {
      const order = orders[Math.floor(rnd() * orders.length)] as { id: string; total: number };
      const amount = rnd() < 0.5 ? order.total : Math.floor(order.total / 3);
      e = refund({
        ...env,
        at: at(ms),
        eventId: id(),
        orderId: order.id,
        refundId: `R-${i}`,
        amount,
      });
    } else if (r < 0.16) e = callLogged({ ...env, at: at(ms), eventId: id() });
    else if (r < 0.17)
      e = complaintOpened({ ...env, at: at(ms), eventId: id(), complaintId: `K-${i}` });
    else if (r < 0.18) {
      const points = rnd() < 0.5 ? 100 + Math.floor(rnd() * 400) : undefined;
      e = complaintResolved({ ...env, at: at(ms), eventId: id(), complaintId: `K-${i}`, points });
    } else if (r < 0.2)
      e = feedback({ ...env, at: at(ms), eventId: id(), csat: 1 + Math.floor(rnd() * 5) });
    else if (r < 0.21) {
      e = redeemed({ ...env, at: at(ms), eventId: id(), redemptionId: `RD-${i}`, points: 500 });
    } else if (r < 0.215) {
      const points = Math.floor(rnd() * 400) - 100 || 1;
      e = adjusted({
        ...env,
        at: at(ms),
        eventId: id(),
        adjustmentId: `A-${i}`,
        points,
        reason: 'Goodwill',
      });
    } else if (r < 0.2152) {
      // Mostly a new device or browser, sometimes one seen before: links must stay bounded.
      const anonymousId = `v-${o.customerId}-${rnd() < 0.8 ? i : Math.floor(rnd() * 5)}`;
      e = identified({ customerId: o.customerId, anonymousId, at: at(ms), eventId: id() });
    } else {
      e = silent(
        SILENT[Math.floor(rnd() * SILENT.length)] as RecordedEvent,
        o.customerId,
        id(),
        at(ms),
      );
    }
    // One draw decides lateness and the release of late events (its digits are independent
    // enough for a fixture): ~0.2 % late, released ~every 1 000 events.
    const fate = rnd();
    if (fate < 0.002) {
      // Delivered well after it happened (a replayed backlog, a late channel).
      late.push(e);
      continue;
    }
    batch.push(e);
    if (late.length > 0 && fate > 0.999) {
      batch.push(...late);
      late = [];
    }
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  batch.push(...late);
  if (batch.length > 0) yield batch;
}
