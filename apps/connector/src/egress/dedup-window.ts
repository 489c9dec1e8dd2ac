/**
 * The message ids written to one socket recently: an id is remembered for `windowMs` (SPEC §3.1: ≥ 10 minutes), and
 * at most `maxIds` ids are kept (the oldest are forgotten first), so the window is bounded in time and memory.
 * Insertion order is expiry order (one window for all ids), so forgetting always starts at the oldest entry.
 */
export class DedupWindow {
  private readonly expiries = new Map<string, number>();
  private addsSinceSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
  ) {}

  /** Whether `id` was added less than `windowMs` before `now` and not forgotten for room since. */
  has(id: string, now: number): boolean {
    const expiry = this.expiries.get(id);
    return expiry !== undefined && expiry > now;
  }

  /** Remember `id` as written at `now`. */
  add(id: string, now: number): void {
    this.expiries.delete(id);
    this.expiries.set(id, now + this.windowMs);
    if (this.expiries.size > this.maxIds || ++this.addsSinceSweep >= 256) this.sweep(now);
  }

  get size(): number {
    return this.expiries.size;
  }

  private sweep(now: number): void {
    this.addsSinceSweep = 0;
    for (const [id, expiry] of this.expiries) {
      if (this.expiries.size <= this.maxIds && expiry > now) return;
      this.expiries.delete(id);
    }
  }
}
