/**
 * The last `capacity` message ids seen, to drop duplicates in ack mode (a message the server delivers again because
 * its ack was lost). Bounded: the oldest id is forgotten when a new one comes in over the capacity.
 */
export class DedupWindow {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`dedup window must hold at least one id, got ${capacity}`);
  }

  /** Remember `id`; returns false when it was already there (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first value is the oldest.
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
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
