export interface KeyedLimits {
  /** Most tasks running at once under one key. */
  concurrency: number;
  /** Most tasks waiting under one key; one more is refused. */
  queue: number;
  /** A task that waited longer than this for its turn is given up (its `expired` runs instead); default: no limit. */
  maxWaitMs?: number;
}

interface Waiting {
  task: () => Promise<void>;
  expired: () => Promise<void>;
  since: number;
}

interface Slot {
  running: number;
  waiting: Waiting[];
}

const NOTHING = (): Promise<void> => Promise.resolve();

/**
 * Runs tasks with at most `concurrency` running and at most `queue` waiting per key (first in, first out); different
 * keys never wait for each other. A task over the bound is refused at once, never queued. A waiting task whose turn
 * comes more than `maxWaitMs` after it was offered never runs: its `expired` runs instead (so, when every task ends
 * within `maxWaitMs`, each offered task runs or expires within twice `maxWaitMs`). Holds nothing for idle keys.
 * Tasks must not reject (a rejection is ignored).
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, Slot>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly limits: KeyedLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Run `task` under `key` now or when one of the key's tasks ends (`expired` instead, if that is past `maxWaitMs`);
   * false (neither ever runs) if the key's queue is full or the limiter is closed.
   */
  offer(key: string, task: () => Promise<void>, expired: () => Promise<void> = NOTHING): boolean {
    if (this.closed) return false;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { running: 0, waiting: [] }));
    if (slot.running < this.limits.concurrency) this.start(key, slot, task);
    else if (slot.waiting.length < this.limits.queue) slot.waiting.push({ task, expired, since: this.now() });
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
    void this.track(task).then(() => {
      slot.running -= 1;
      const next = this.nextInTime(slot);
      if (next) this.start(key, slot, next.task);
      else if (slot.running === 0) this.slots.delete(key);
    });
  }

  /** The first waiting task still in time; those before it that waited too long are expired on the way. */
  private nextInTime(slot: Slot): Waiting | undefined {
    const { maxWaitMs } = this.limits;
    for (let next = slot.waiting.shift(); next; next = slot.waiting.shift()) {
      if (maxWaitMs === undefined || this.now() - next.since <= maxWaitMs) return next;
      void this.track(next.expired);
    }
    return undefined;
  }

  /** Run `work`, ignoring a rejection; `close` waits for it. */
  private track(work: () => Promise<void>): Promise<void> {
    const done: Promise<void> = work()
      .catch(() => undefined)
      .then(() => {
        this.running.delete(done);
      });
    this.running.add(done);
    return done;
  }
}
