/**
 * The message ids written to one socket recently: an id is remembered for `windowMs` (SPEC §3.1: ≥ 10 minutes), and
 * at most `maxIds` ids are kept (the oldest are forgotten first), so the window is bounded in time and memory.
 * Adding order is expiry order (one window for all ids), so forgetting always starts at the oldest addition.
 */
export class DedupWindow {
  private readonly expiries = new Map<string, number>();
  /**
   * Every addition in order, oldest first from `head`: (id, expiry). Forgetting reads it instead of iterating
   * `expiries`, because a Map iterator starts at the Map's first slot and walks over every slot deleted since V8 last
   * compacted it: with a full window that cost several µs per written frame. A slot whose id was added again later
   * no longer matches `expiries` and is skipped.
   */
  private orderIds: Array<string | undefined> = [];
  private orderExpiries: number[] = [];
  private head = 0;
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
    const expiry = now + this.windowMs;
    this.expiries.set(id, expiry);
    this.orderIds.push(id);
    this.orderExpiries.push(expiry);
    if (this.expiries.size > this.maxIds || ++this.addsSinceSweep >= 256) this.sweep(now);
  }

  get size(): number {
    return this.expiries.size;
  }

  private sweep(now: number): void {
    this.addsSinceSweep = 0;
    while (this.head < this.orderIds.length) {
      const id = this.orderIds[this.head] as string;
      const expiry = this.orderExpiries[this.head];
      if (this.expiries.get(id) === expiry) {
        if (this.expiries.size <= this.maxIds && expiry > now) break;
        this.expiries.delete(id);
      }
      this.orderIds[this.head++] = undefined;
    }
    // Drop the consumed front now and then: amortised O(1), the arrays stay within about twice the live entries.
    if (this.head > 1_024 && this.head * 2 > this.orderIds.length) {
      this.orderIds = this.orderIds.slice(this.head);
      this.orderExpiries = this.orderExpiries.slice(this.head);
      this.head = 0;
    }
  }
}
