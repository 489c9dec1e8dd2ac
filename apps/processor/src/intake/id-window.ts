import type { Clock } from '@linker/kernel';

/** How long an id is remembered at most (SPEC §3.1: the de-duplication window is at least 10 minutes). */
export const DEDUP_MAX_AGE_MS = 10 * 60_000;

/**
 * A bounded memory of ids seen recently: at most `capacity` ids, none older than `maxAgeMs`; the oldest go first.
 * Used to drop redelivered intake records and repeated confirmations. Forgetting an id early is safe: every effect
 * is idempotent (mailbox by id, connector by (socket, id)); the window only saves the repeated work.
 */
export class IdWindow {
  /** id → when it was added; a Map keeps insertion order, so the first entry is the oldest. */
  private readonly seen = new Map<string, number>();

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
    if (this.has(id)) return;
    this.seen.delete(id);
    this.seen.set(id, this.clock.now());
    this.evict();
  }

  /** Forget `id` (a claim whose work failed). */
  delete(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(): void {
    const oldestAllowed = this.clock.now() - this.maxAgeMs;
    for (const [id, at] of this.seen) {
      if (this.seen.size <= this.capacity && at > oldestAllowed) return;
      this.seen.delete(id);
    }
  }
}
