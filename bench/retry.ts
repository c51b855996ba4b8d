import { isRetriableKafkaError as isRetriable } from '@touchpoint/adapters';

/**
 * Bounded retries for the bench's own calls to the broker. A freshly started broker answers
 * offset fetches with "The coordinator is loading" or "This is not the correct coordinator for
 * this group" until it has loaded `__consumer_offsets`; kafkajs marks those errors retriable but
 * `admin.fetchOffsets` does not retry them itself, and one of them used to end a whole B1.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Wait before the second try; each later wait doubles, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 20 s of retries: longer than a coordinator move, short enough to fail a run visibly. */
export const BROKER_RETRY: RetryPolicy = { attempts: 8, initialDelayMs: 200, maxDelayMs: 5000 };

/** About 90 s: how long a broker that has just started may take to load its group coordinators. */
export const COORDINATOR_WAIT: RetryPolicy = {
  attempts: 22,
  initialDelayMs: 250,
  maxDelayMs: 5000,
};

/** The waits between tries of a policy, in order (one fewer than the tries). */
export function retryDelays(policy: RetryPolicy): number[] {
  const delays: number[] = [];
  let next = policy.initialDelayMs;
  for (let i = 1; i < policy.attempts; i++) {
    delays.push(Math.min(next, policy.maxDelayMs));
    next *= 2;
  }
  return delays;
}

/** Whether kafkajs (or the error it wraps) says another try is worth it: the adapter's rule. */
export { isRetriable };

export class RetriesExhausted extends Error {
  constructor(what: string, attempts: number, cause: unknown) {
    super(
      `${what}: still failing after ${attempts} tries: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'RetriesExhausted';
  }
}

/**
 * Calls `fn` until it succeeds, retrying only retriable errors with an exponential, capped
 * backoff; a non-retriable error is thrown at once, and the last retriable one (wrapped, naming
 * `what`) once the policy's tries are used up.
 */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy = BROKER_RETRY,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  const delays = retryDelays(policy);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const delay = delays[attempt - 1];
      if (!isRetriable(e)) throw e;
      if (delay === undefined) throw new RetriesExhausted(what, attempt, e);
      onRetry?.(e, attempt, delay);
      await wait(delay);
    }
  }
}
