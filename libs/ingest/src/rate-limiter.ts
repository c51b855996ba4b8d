/**
 * Token bucket per API key: `ratePerSecond` sustained, `burst` at once. Time is passed in so the
 * arithmetic is testable; each ingest instance limits on its own.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes `cost` tokens, or answers how many seconds to wait before the request would fit. */
  take(
    key: string,
    cost: number,
    nowMs: number,
  ): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const refilled = Math.min(
      this.burst,
      bucket.tokens + ((nowMs - bucket.at) / 1000) * this.ratePerSecond,
    );
    if (refilled >= cost) {
      this.buckets.set(key, { tokens: refilled - cost, at: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens: refilled, at: nowMs });
    const deficit = Math.min(cost, this.burst) - refilled;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(deficit / this.ratePerSecond)) };
  }
}
