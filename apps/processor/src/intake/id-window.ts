import type { Clock } from '@linker/kernel';

/** How long an id is remembered at most (SPEC §3.1: the de-duplication window is at least 10 minutes). */
export const DEDUP_MAX_AGE_MS = 10 * 60_000;

/**
 * A bounded memory of ids seen recently: at most `capacity` ids, none older than `maxAgeMs`; the oldest go first.
 * Used to drop redelivered intake records and repeated confirmations. Forgetting an id early is safe: every effect
 * is idempotent (mailbox by id, connector by (socket, id)); the window only saves the repeated work.
 */
export class IdWindow {
  /** id → when it was added. */
  private readonly seen = new Map<string, number>();
  /**
   * Every addition in order, oldest first from `head`: (id, when). Eviction reads it instead of iterating `seen`,
   * because a Map iterator starts at the Map's first slot and walks over every slot deleted since V8 last compacted
   * it: with a full window each addition then cost ~40 µs (100,000 ids) instead of well under 1 µs. A slot whose
   * id was deleted, or added again later, no longer matches `seen` and is skipped.
   */
  private orderIds: Array<string | undefined> = [];
  private orderTimes: number[] = [];
  private head = 0;

  constructor(
    private readonly capacity: number,
    private readonly clock: Clock,
    private readonly maxAgeMs: number = DEDUP_MAX_AGE_MS,
  ) {}

  has(id: string): boolean {
    const at = this.seen.get(id);
    return at !== undefined && this.clock.now() - at < this.maxAgeMs;
  }

  /** Remember `id`; adding an id already remembered changes nothing (the first sighting counts). */
  add(id: string): void {
    this.addNew(id);
  }

  /**
   * `add`, telling whether `id` was new (false: remembered already, nothing changed). One lookup and one clock read
   * instead of `has` then `add`: every intake record is claimed this way.
   */
  addNew(id: string): boolean {
    const now = this.clock.now();
    const at = this.seen.get(id);
    if (at !== undefined && now - at < this.maxAgeMs) return false;
    this.seen.set(id, now);
    this.orderIds.push(id);
    this.orderTimes.push(now);
    this.evict(now);
    return true;
  }

  /** Forget `id` (a claim whose work failed). */
  delete(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(now: number): void {
    const oldestAllowed = now - this.maxAgeMs;
    while (this.head < this.orderIds.length) {
      const id = this.orderIds[this.head] as string;
      const at = this.orderTimes[this.head];
      if (this.seen.get(id) === at) {
        if (this.seen.size <= this.capacity && at > oldestAllowed) break;
        this.seen.delete(id);
      }
      this.orderIds[this.head++] = undefined;
    }
    // Drop the consumed front now and then: amortised O(1), the arrays stay within about twice the live entries.
    if (this.head > 1_024 && this.head * 2 > this.orderIds.length) {
      this.orderIds = this.orderIds.slice(this.head);
      this.orderTimes = this.orderTimes.slice(this.head);
      this.head = 0;
    }
  }
}
