/** A token bucket: `ratePerSecond` tokens refill continuously up to `burst`; `take(n)` spends n or refuses. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spend `count` tokens if there are that many; false (nothing spent) otherwise. */
  take(count: number): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (count > this.tokens) return false;
    this.tokens -= count;
    return true;
  }
}
