/** Per-socket frame limits (docs/protocol.md, Limits), read once from the config. */
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
  return Object.freeze({
    ratePerSecond,
    burst,
    abuseWindowMs,
    abuseLimit: Math.ceil(((abuseFactor - 1) * ratePerSecond * abuseWindowMs) / 1000),
  });
}

/** `ok`: take the frame; `limited`: refuse it (RATE_LIMITED), the socket stays; `abuse`: close the socket (4004). */
export type RateVerdict = 'ok' | 'limited' | 'abuse';

/**
 * A token bucket (`ratePerSecond`, `burst`) that is fair when the server, not the client, is late.
 *
 * The server only sees when it reads a frame, not when the client sent it. When its event loop is stalled for S ms,
 * a client's frames wait in the kernel and are read in one burst; a plain bucket, capped at `burst`, would refuse
 * those beyond the burst although the client sent them at its own pace. So the bucket keeps counting the time it
 * always counted (tokens come at `ratePerSecond`, since the previous take), but while the frames it reads may have
 * waited S ms (`LoopStall`), it may hold `burst + ratePerSecond × S` tokens instead of `burst`: what a client that kept
 * to the limit could have sent during the stall, beyond its burst. The rule:
 *
 *     tokens = min(burst + rate × stalled, tokens + rate × elapsed); a frame takes its cost, or is refused
 *
 * Nobody gets more than `rate` tokens per second over time (tokens only come with time), only what it was owed;
 * credit not used is forfeit at the next turn, when the stall is over. A few arithmetic operations; no allocation.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Take `cost` tokens for a frame read at `now` (epoch ms) that may have waited `stalledMs`; false (none taken) when short. */
  take(now: number, stalledMs: number, cost: number): boolean {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst + (stalledMs * this.ratePerSecond) / 1000, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Whether it is full again at `now`: then a new bucket would be the same. */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000 >= this.burst;
  }
}

/**
 * One socket's `TokenBucket` (`ratePerSecond`, `burst`; ADR 0014), plus an abuse meter.
 *
 * The abuse meter counts refused frames only: more than `abuseLimit` of them within `abuseWindowMs` (from the first
 * refused one) means the client keeps sending at more than the abuse factor × the rate, ignoring RATE_LIMITED, and is
 * to be disconnected (4004). Counting refusals, not frames, makes it exactly as fair as the bucket: a frame the
 * bucket takes never counts toward abuse, however late it was read. Frames refused by another limit (the user's, see
 * `UserRates`) count too (`refuse`).
 */
export class RateLimiter {
  private readonly bucket: TokenBucket;
  private windowStart = Number.NEGATIVE_INFINITY;
  private refused = 0;

  constructor(
    private readonly limits: RateLimits,
    now: number,
  ) {
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.burst, now);
  }

  /** Account for one frame (or `cost` tokens of it) read at `now` (epoch ms) that may have waited `stalledMs` for the event loop. */
  take(now: number, stalledMs = 0, cost = 1): RateVerdict {
    return this.bucket.take(now, stalledMs, cost) ? 'ok' : this.refuse(now);
  }

  /** Count a frame refused at `now` toward abuse. */
  refuse(now: number): Exclude<RateVerdict, 'ok'> {
    if (now - this.windowStart >= this.limits.abuseWindowMs) {
      this.windowStart = now;
      this.refused = 0;
    }
    return ++this.refused > this.limits.abuseLimit ? 'abuse' : 'limited';
  }
}
