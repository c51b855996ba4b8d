import type { EventType, RecordedEvent } from '@touchpoint/contracts';

export type EventOf<T extends EventType> = Extract<RecordedEvent, { type: T }>;

/**
 * What a model does with each event type it handles. A type the model ignores is absent, so a
 * new event type touches only the models that use it; each handler still gets its own type's
 * payload, checked by the compiler.
 */
export type EventHandlers<R, A = void, B = void> = {
  readonly [T in EventType]?: (event: EventOf<T>, a: A, b: B) => R;
};

/** The handler of the event's type, or `otherwise` for a type the model ignores. */
export function handle<R, A, B>(
  handlers: EventHandlers<R, A, B>,
  event: RecordedEvent,
  otherwise: R,
  a: A,
  b: B,
): R {
  // The map pairs each type with a handler of that type's event; the compiler cannot follow
  // the pairing through an index by `event.type`.
  const handler = handlers[event.type] as ((e: RecordedEvent, a: A, b: B) => R) | undefined;
  return handler === undefined ? otherwise : handler(event, a, b);
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/** A projection's `keys` from a map of the types it handles: no document for the others. */
export function keysFrom(
  handlers: EventHandlers<readonly string[]>,
): (event: RecordedEvent) => readonly string[] {
  return (event) => handle(handlers, event, NO_KEYS, undefined, undefined);
}
