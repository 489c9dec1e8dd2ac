/** Per-socket frame limits (SPEC §2.6), read once from the config. */
export interface RateLimits {
  /** Frames per second refilled into the bucket. */
  readonly ratePerSecond: number;
  /** Bucket size: how many frames may arrive at once after a quiet period. */
  readonly burst: number;
  /** Frames refused within one `abuseWindowMs` beyond which the socket is abusive: (abuse factor − 1) × rate × window. */
  readonly abuseLimit: number;
  readonly abuseWindowMs: number;
}

export function rateLimits(ratePerSecond: number, burst: number, abuseFactor: number, abuseWindowMs: number): RateLimits {
  return Object.freeze({ ratePerSecond, burst, abuseWindowMs, abuseLimit: Math.ceil(((abuseFactor - 1) * ratePerSecond * abuseWindowMs) / 1000) });
}

/** `ok`: take the frame; `limited`: refuse it (RATE_LIMITED), the socket stays; `abuse`: close the socket (4004). */
export type RateVerdict = 'ok' | 'limited' | 'abuse';

/**
 * A token bucket (`ratePerSecond`, `burst`) that is fair when the server, not the client, is late, plus an abuse meter.
 *
 * The server only sees when it reads a frame, not when the client sent it. When its event loop is stalled for S ms,
 * a client's frames wait in the kernel and are read in one burst; a plain bucket, capped at `burst`, would refuse
 * those beyond the burst although the client sent them at its own pace. So the bucket keeps counting the time it
 * always counted (tokens come at `ratePerSecond`, since the socket's previous frame), but while the frames it reads
 * may have waited S ms (`LoopStall`), it may hold `burst + ratePerSecond × S` tokens instead of `burst`: what a client
 * that kept to the limit could have sent during the stall, beyond its burst. The rule:
 *
 *     tokens = min(burst + rate × stalled, tokens + rate × elapsed); a frame takes one token, or is refused
 *
 * A socket never gets more than `rate` frames per second over time (tokens only come with time), only what it was
 * owed; credit it did not use is forfeit at the next turn, when the stall is over. A compliant client is never
 * refused for the server's lag; a client over the rate is refused exactly as before.
 *
 * The abuse meter counts refused frames only: more than `abuseLimit` of them within `abuseWindowMs` (from the first
 * refused one) means the client keeps sending at more than the abuse factor × the rate, ignoring RATE_LIMITED, and is
 * to be disconnected (4004). Counting refusals, not frames, makes it exactly as fair as the bucket: a frame the
 * bucket takes never counts toward abuse, however late it was read.
 *
 * A few arithmetic operations per frame; no allocation.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private refused = 0;

  constructor(
    private readonly limits: RateLimits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.refilledAt = now;
  }

  /** Account for one frame read at `now` (epoch ms) that may have waited `stalledMs` for the event loop. */
  take(now: number, stalledMs = 0): RateVerdict {
    const { ratePerSecond, burst, abuseLimit, abuseWindowMs } = this.limits;
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(burst + (stalledMs * ratePerSecond) / 1000, this.tokens + (elapsed * ratePerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    if (now - this.windowStart >= abuseWindowMs) {
      this.windowStart = now;
      this.refused = 0;
    }
    return ++this.refused > abuseLimit ? 'abuse' : 'limited';
  }
}
