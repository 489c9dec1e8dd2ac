import { setTimeout as delay } from 'node:timers/promises';

/** What a check gave, and how long it held the event loop. */
export interface Timed<T> {
  value: T;
  ms: number;
}

/**
 * Runs synchronous checks (parsing and validating a topology) one at a time, each starting at least as long after
 * the previous one ended as that one took: however many arrive together, the other work of the process (in embedded
 * mode: every message of the domain) waits for at most one check, and has at least half of the event loop's time.
 * The topology limits bound what one check costs (ADR 0013).
 */
export class CheckQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** When the next check may start (`performance.now()` time). */
  private nextStart = 0;

  /** Checks waiting for their turn or running. */
  get length(): number {
    return this.queued;
  }

  /** Run `check` in its turn; resolves with its value (or rejects with its error) and its duration. */
  run<T>(check: () => T): Promise<Timed<T>> {
    this.queued++;
    const turn = this.tail.then(async () => {
      // A timer, not setImmediate: the event loop polls for I/O (messages, new requests) at least once meanwhile. A
      // timer counts from the loop's cached time, which can be a millisecond or more behind: it may fire early, so
      // wait again until the time has really come.
      do await delay(Math.max(1, Math.ceil(this.nextStart - performance.now())));
      while (performance.now() < this.nextStart);
      const start = performance.now();
      try {
        return { value: check(), ms: performance.now() - start };
      } finally {
        const end = performance.now();
        this.nextStart = end + (end - start);
        this.queued--;
      }
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
