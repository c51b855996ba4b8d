import { RateLimiter } from '@touchpoint/ingest';

describe('RateLimiter', () => {
  it('given a full bucket, when a burst arrives, then it passes up to the burst and then asks to wait', () => {
    const limiter = new RateLimiter(10, 20);
    expect(limiter.take('k', 20, 0)).toEqual({ ok: true });
    expect(limiter.take('k', 5, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('given an empty bucket, when time passes, then tokens refill at the rate', () => {
    const limiter = new RateLimiter(10, 20);
    limiter.take('k', 20, 0);
    expect(limiter.take('k', 10, 1000)).toEqual({ ok: true });
    expect(limiter.take('k', 15, 1000)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it('given two keys, then each has its own bucket', () => {
    const limiter = new RateLimiter(1, 1);
    expect(limiter.take('a', 1, 0)).toEqual({ ok: true });
    expect(limiter.take('b', 1, 0)).toEqual({ ok: true });
    expect(limiter.take('a', 1, 0).ok).toBe(false);
  });
});
