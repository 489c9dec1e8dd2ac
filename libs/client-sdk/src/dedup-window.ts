/**
 * The last `capacity` message ids seen, to drop duplicates in ack mode (a message the server delivers again because
 * its ack was lost). Bounded: the oldest id is forgotten when a new one comes in over the capacity.
 */
export class DedupWindow {
  private readonly ids = new Set<string>();
  /**
   * The ids in the order they came, oldest first from `head`. The oldest is taken from here rather than from
   * `ids.values()`: a Set iterator starts at the Set's first slot and walks over every slot deleted since the engine
   * last compacted it, which cost several µs per message once the window was full (10,000 ids).
   */
  private order: Array<string | undefined> = [];
  private head = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`dedup window must hold at least one id, got ${capacity}`);
  }

  /** Remember `id`; returns false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    this.order.push(id);
    if (this.ids.size > this.capacity) {
      this.ids.delete(this.order[this.head] as string);
      this.order[this.head++] = undefined;
      // Drop the consumed front now and then: amortised O(1), the array stays within about twice the capacity.
      if (this.head > 1_024 && this.head * 2 > this.order.length) {
        this.order = this.order.slice(this.head);
        this.head = 0;
      }
    }
    return true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
