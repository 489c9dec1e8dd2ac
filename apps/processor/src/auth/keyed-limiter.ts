export interface KeyedLimits {
  /** Most tasks running at once under one key. */
  concurrency: number;
  /** Most tasks waiting under one key; one more is refused. */
  queue: number;
}

interface Slot {
  running: number;
  waiting: Array<() => Promise<void>>;
}

/**
 * Runs tasks with at most `concurrency` running and at most `queue` waiting per key (first in, first out); different
 * keys never wait for each other. A task over the bound is refused at once, never queued. Holds nothing for idle keys.
 * Tasks must not reject (a rejection is ignored).
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, Slot>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly limits: KeyedLimits) {}

  /** Run `task` under `key` now or when one of the key's tasks ends; false (it never runs) if the key's queue is full or the limiter is closed. */
  offer(key: string, task: () => Promise<void>): boolean {
    if (this.closed) return false;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { running: 0, waiting: [] }));
    if (slot.running < this.limits.concurrency) this.start(key, slot, task);
    else if (slot.waiting.length < this.limits.queue) slot.waiting.push(task);
    else return false;
    return true;
  }

  /** Refuse new tasks and drop the waiting ones (they never run); resolves when the running ones ended. The number dropped. */
  async close(): Promise<number> {
    this.closed = true;
    let dropped = 0;
    for (const slot of this.slots.values()) dropped += slot.waiting.splice(0).length;
    await Promise.all(this.running);
    return dropped;
  }

  private start(key: string, slot: Slot, task: () => Promise<void>): void {
    slot.running += 1;
    const run: Promise<void> = task()
      .catch(() => undefined)
      .then(() => {
        this.running.delete(run);
        slot.running -= 1;
        const next = slot.waiting.shift();
        if (next) this.start(key, slot, next);
        else if (slot.running === 0) this.slots.delete(key);
      });
    this.running.add(run);
  }
}
