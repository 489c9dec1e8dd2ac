/** Per-socket frame limits (SPEC §2.6), read once from the config. */
export interface RateLimits {
  /** Frames per second refilled into the bucket. */
  readonly ratePerSecond: number;
  /** Bucket size: how many frames may arrive at once after a quiet period. */
  readonly burst: number;
  /** Frames received (accepted or not) within one `abuseWindowMs` beyond which the socket is abusive. */
  readonly abuseLimit: number;
  readonly abuseWindowMs: number;
}

export function rateLimits(ratePerSecond: number, burst: number, abuseFactor: number, abuseWindowMs: number): RateLimits {
  return Object.freeze({ ratePerSecond, burst, abuseWindowMs, abuseLimit: Math.ceil((abuseFactor * ratePerSecond * abuseWindowMs) / 1000) });
}

/** `ok`: take the frame; `limited`: refuse it (RATE_LIMITED), the socket stays; `abuse`: close the socket (4004). */
export type RateVerdict = 'ok' | 'limited' | 'abuse';

/**
 * A token bucket (`ratePerSecond`, `burst`) plus an abuse meter: more than `abuseLimit` frames within a window of
 * `abuseWindowMs` (e.g. 3× the rate for 5 s) means the client ignores RATE_LIMITED and is to be disconnected.
 * A few arithmetic operations per frame; no allocation.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private windowStart: number;
  private windowCount = 0;

  constructor(
    private readonly limits: RateLimits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.refilledAt = now;
    this.windowStart = now;
  }

  /** Account for one frame received at `now` (epoch ms). */
  take(now: number): RateVerdict {
    const { ratePerSecond, burst, abuseLimit, abuseWindowMs } = this.limits;
    if (now - this.windowStart >= abuseWindowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > abuseLimit) return 'abuse';
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(burst, this.tokens + (elapsed * ratePerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    return 'limited';
  }
}
