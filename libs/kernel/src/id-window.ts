import { systemClock, type Clock } from './clock';

export interface IdWindowOptions {
  /** At most this many ids are remembered; adding one more forgets the oldest. Default: no limit. */
  capacity?: number;
  /** An id is remembered for this many ms after it was added, then forgotten. Default: no limit. */
  maxAgeMs?: number;
  /** Where `now` comes from when a call does not pass one. Read only when `maxAgeMs` is set. Default: the system's. */
  clock?: Clock;
}

/**
 * A bounded memory of ids seen recently (de-duplication by id): at most `capacity` ids, none older than `maxAgeMs`,
 * the oldest forgotten first. Every addition gets the same age limit, so adding order is expiry order and forgetting
 * always starts at the oldest addition: O(1) amortised per addition, memory within about twice the live ids.
 *
 * Time is a number of ms: a call may pass `now` (one clock read shared by many calls), else the clock is read. The
 * caller's clock should not run backwards: an id added "later" at an earlier time is forgotten no sooner than the
 * ids added before it.
 */
export class IdWindow {
  /** id → when it was added. */
  private readonly seen = new Map<string, number>();
  /**
   * Every addition in order, oldest first from `head`: (id, when). Forgetting reads it instead of iterating `seen`,
   * because a Map (or Set) iterator starts at the first slot and walks over every slot deleted since V8 last
   * compacted it: with a full window each addition then cost several µs (10,000 ids) to ~40 µs (100,000 ids) instead
   * of well under 1 µs. A slot whose id was deleted, or added again later, no longer matches `seen` and is skipped.
   */
  private orderIds: Array<string | undefined> = [];
  private orderTimes: number[] = [];
  private head = 0;
  private readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly clock: Clock;
  /** Whether ids age at all; an id window bounded by capacity only never reads the clock. */
  private readonly timed: boolean;

  constructor({ capacity = Infinity, maxAgeMs = Infinity, clock = systemClock }: IdWindowOptions) {
    if (!(capacity >= 1)) throw new RangeError(`an id window must hold at least one id, got capacity ${capacity}`);
    if (!(maxAgeMs > 0)) throw new RangeError(`an id window must remember an id for some time, got maxAgeMs ${maxAgeMs}`);
    this.capacity = capacity;
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
    this.timed = maxAgeMs !== Infinity;
  }

  /** Whether `id` was added less than `maxAgeMs` before `now`, and not forgotten for room or deleted since. */
  has(id: string, now: number = this.now()): boolean {
    const at = this.seen.get(id);
    return at !== undefined && now - at < this.maxAgeMs;
  }

  /**
   * Remember `id` at `now`, telling whether it was new (false: remembered already, nothing changed: the first
   * sighting counts). One lookup instead of `has` then `add`.
   */
  addNew(id: string, now: number = this.now()): boolean {
    const at = this.seen.get(id);
    if (at !== undefined && now - at < this.maxAgeMs) return false;
    this.seen.set(id, now);
    this.orderIds.push(id);
    this.orderTimes.push(now);
    this.forget(now);
    return true;
  }

  /** Remember `id` at `now`; adding an id remembered already changes nothing (the first sighting counts). */
  add(id: string, now: number = this.now()): void {
    this.addNew(id, now);
  }

  /** Forget `id` (for example a claim whose work failed). */
  delete(id: string): void {
    this.seen.delete(id);
  }

  /** Ids held, including some past `maxAgeMs` not yet forgotten (never more than `capacity`). */
  get size(): number {
    return this.seen.size;
  }

  private now(): number {
    return this.timed ? this.clock.now() : 0;
  }

  /** Forget from the oldest addition on, while over capacity or too old. */
  private forget(now: number): void {
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
