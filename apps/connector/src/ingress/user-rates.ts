import { TokenBucket } from './rate-limiter';

/**
 * What each user may hand to the lanes through this connector, all its sockets together: one `TokenBucket` per user
 * (`ratePerSecond`, `burst`; fair to frames the event loop kept waiting, like the sockets' own). A socket's limit alone
 * let one user send as many times the rate as it opened sockets, and get a fresh burst with every new socket: ten
 * sockets opened again as soon as each was closed for abuse (4004) got some 2,000 messages a second through.
 *
 * A user's bucket outlives its sockets until it is full again (then a new one is the same), so closing and opening
 * sockets gains nothing. Buckets that are full are forgotten, all at once, at most once per the time a bucket takes
 * to fill: the map holds the users who sent lately, nothing per idle user.
 */
export class UserRates {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly fillMs: number;
  private sweptAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.fillMs = (burst * 1000) / ratePerSecond;
    this.sweptAt = now;
  }

  /** Take `cost` tokens of `userId`'s bucket for a frame read at `now` that may have waited `stalledMs`; false when short. */
  take(userId: string, now: number, stalledMs: number, cost: number): boolean {
    this.sweep(now);
    let bucket = this.buckets.get(userId);
    if (bucket === undefined) this.buckets.set(userId, (bucket = new TokenBucket(this.ratePerSecond, this.burst, now)));
    return bucket.take(now, stalledMs, cost);
  }

  /** Users whose bucket is not full (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < this.fillMs) return;
    this.sweptAt = now;
    for (const [userId, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(userId);
  }
}
