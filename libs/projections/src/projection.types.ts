import type { RecordedEvent } from '@touchpoint/contracts';

/** Where an event sits in the log. */
export interface EventPosition {
  readonly partition: number;
  readonly offset: string;
}

export interface PositionedEvent {
  readonly event: RecordedEvent;
  readonly position: EventPosition;
}

/**
 * A read model as pure functions (DESIGN §2): no I/O, no clock, no randomness. The streaming
 * shell (generic, in the projector) groups a batch by document key, loads each document, folds
 * the batch with `evolve`, and writes the changed documents with a per-document watermark
 * (partition → last offset applied), so redelivery of the same log positions never reaches
 * `evolve` twice. What `evolve` itself must guarantee:
 *
 * - idempotence per `eventId`: an event whose id the state already reflects is a no-op (the same
 *   event can reach the log twice, at two offsets, when a client retries);
 * - order independence wherever the business meaning is order-free: use `occurredAt`, not
 *   arrival order; counters commute; "latest" means latest by event time, ties broken by eventId;
 * - states are plain JSON (documents in MongoDB): no Map, Set, Date or undefined inside.
 *
 * Figures that depend on the reading instant (RFM T, lifecycle stage, the loyalty window, due
 * reminders) are never stored: `view` computes them from `asOf`.
 */
export interface Projection<S, V, P> {
  readonly model: string;
  /**
   * The shape of the stored state, bumped whenever a release changes it (absent: 1). Documents
   * are written with it and a reader of another schema refuses them instead of misreading them:
   * an upgrade replays the model into a new version (docs/models.md, "Upgrading").
   */
  readonly stateSchema?: number;
  readonly defaultPolicy: P;
  /** Document keys the event touches, e.g. `customer:c-1`, `visitor:v-77f`; may be empty. */
  keys(event: RecordedEvent): readonly string[];
  initial(key: string): S;
  evolve(state: S, event: PositionedEvent, key: string, policy: P): S;
  /**
   * Optional: exactly `events.reduce((s, e) => evolve(s, e, key, policy), state)`, computed
   * faster (e.g. joining the events' own contributions first so a large state is copied once
   * per batch, not once per event). The streaming shell uses it when present.
   */
  evolveBatch?(state: S, events: readonly PositionedEvent[], key: string, policy: P): S;
  /**
   * Optional, for bounded models: true when `event` is older than what `state` keeps detail for
   * (its horizon), so a duplicate of it could not be recognised. The streaming shell counts such
   * events (`touchpoint_projector_beyond_horizon_total`); `touchpoint rebuild-customer` repairs a
   * customer exactly from its stream.
   */
  beyondHorizon?(state: S, event: PositionedEvent, key: string, policy: P): boolean;
  view(state: S, asOf: Date, policy: P): V;
}

export function customerKey(customerId: string): string {
  return `customer:${customerId}`;
}

export function visitorKey(anonymousId: string): string {
  return `visitor:${anonymousId}`;
}
