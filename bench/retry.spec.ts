import {
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import {
  BROKER_RETRY,
  COORDINATOR_WAIT,
  RetriesExhausted,
  isRetriable,
  retryDelays,
  withRetry,
} from './retry';

// The two errors B1 met on a freshly started broker, as kafkajs builds them from the wire codes.
const loading = () =>
  new KafkaJSProtocolError({
    name: 'KafkaJSProtocolError',
    type: 'GROUP_LOAD_IN_PROGRESS',
    code: 14,
    retriable: true,
    message: "The coordinator is loading and hence can't process requests for this group",
  } as unknown as Error);
const notCoordinator = () =>
  new KafkaJSProtocolError({
    name: 'KafkaJSProtocolError',
    type: 'NOT_COORDINATOR_FOR_GROUP',
    code: 16,
    retriable: true,
    message: 'This is not the correct coordinator for this group',
  } as unknown as Error);

/** A call that fails with the given errors in turn, then answers `value`. */
function failing<T>(errors: Error[], value: T): { fn: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      const e = errors[calls++];
      return e === undefined ? Promise.resolve(value) : Promise.reject(e);
    },
    calls: () => calls,
  };
}

describe('bench retry', () => {
  it('given the coordinator errors of a fresh broker, when retried, then the call answers after them and the waits double', async () => {
    const call = failing([loading(), notCoordinator(), loading()], 42);
    const waits: number[] = [];
    const value = await withRetry(
      'fetchOffsets',
      call.fn,
      { attempts: 5, initialDelayMs: 100, maxDelayMs: 1000 },
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    );
    expect(value).toBe(42);
    expect(call.calls()).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('given an error that is not retriable, then it is thrown at once without waiting', async () => {
    const fatal = new KafkaJSNonRetriableError('Invalid groupId undefined');
    const call = failing([fatal], 1);
    const waits: number[] = [];
    await expect(
      withRetry('fetchOffsets', call.fn, BROKER_RETRY, (ms) => {
        waits.push(ms);
        return Promise.resolve();
      }),
    ).rejects.toBe(fatal);
    expect(call.calls()).toBe(1);
    expect(waits).toEqual([]);
    const plain = failing([new TypeError('not a kafka error')], 1);
    await expect(withRetry('x', plain.fn, BROKER_RETRY, () => Promise.resolve())).rejects.toThrow(
      TypeError,
    );
  });

  it('given a coordinator that never comes back, then it gives up after the policy’s tries, naming the call and the last error', async () => {
    const call = failing(
      Array.from({ length: 10 }, () => notCoordinator()),
      0,
    );
    const waits: number[] = [];
    const outcome = withRetry(
      'fetching the offsets of g1',
      call.fn,
      { attempts: 4, initialDelayMs: 300, maxDelayMs: 500 },
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    );
    await expect(outcome).rejects.toThrow(RetriesExhausted);
    await expect(outcome).rejects.toThrow(
      'fetching the offsets of g1: still failing after 4 tries: This is not the correct coordinator for this group',
    );
    expect(call.calls()).toBe(4);
    expect(waits).toEqual([300, 500, 500]);
  });

  it('given kafkajs’s own retrier gave up on a retriable cause, then the error is still retriable', () => {
    const exceeded = new KafkaJSNumberOfRetriesExceeded(loading(), {
      retryCount: 5,
      retryTime: 3000,
    });
    expect(exceeded.retriable).toBe(false);
    expect(isRetriable(exceeded)).toBe(true);
    const gaveUpOnFatal = new KafkaJSNumberOfRetriesExceeded(new KafkaJSNonRetriableError('boom'), {
      retryCount: 5,
      retryTime: 3000,
    });
    expect(isRetriable(gaveUpOnFatal)).toBe(false);
    expect(isRetriable(loading())).toBe(true);
    expect(isRetriable(undefined)).toBe(false);
    expect(isRetriable('GROUP_LOAD_IN_PROGRESS')).toBe(false);
  });

  it('when the policies are spelled out, then the waits are bounded: seconds for a call, about a minute and a half for a fresh broker', () => {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(retryDelays(BROKER_RETRY)).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(sum(retryDelays(BROKER_RETRY))).toBe(16_200);
    const coordinator = retryDelays(COORDINATOR_WAIT);
    expect(coordinator).toHaveLength(21);
    expect(Math.max(...coordinator)).toBe(5000);
    expect(sum(coordinator)).toBeGreaterThan(60_000);
    expect(sum(coordinator)).toBeLessThan(120_000);
  });
});
