/**
 * The FAST lanes' delivery loop (NatsBus and the MemoryBus twin share it): items accumulate while a batch is being
 * handled, and the next batch is everything that accumulated, so a slow handler costs one call per batch, not one
 * per record. One batch is in flight at a time, so order is kept. Nothing here is transport-specific.
 */
export interface BatchQueueOptions<T> {
  handle: (batch: T[]) => Promise<void>;
  /** Called when `handle` rejects; the batch is gone (at most once). */
  onError: (error: unknown, batchSize: number) => void;
  /** Called when `push` drops an item because `limit` items are already waiting. */
  onDrop: (pending: number) => void;
  /** At most this many items wait; beyond it new items are dropped (a FAST lane never grows without bound). */
  limit: number;
}

export class BatchQueue<T> {
  private pending: T[] = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BatchQueueOptions<T>) {}

  /** Queue one item; the handler sees it in a later batch, after every item pushed before it. False when dropped. */
  push(item: T): boolean {
    if (this.pending.length >= this.options.limit) {
      this.options.onDrop(this.pending.length);
      return false;
    }
    this.pending.push(item);
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.drain());
    }
    return true;
  }

  /** Resolves when nothing waits and no batch is in flight. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget every waiting item (an abrupt stop); a batch already in flight is not interrupted. */
  clear(): void {
    this.pending = [];
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.options.handle(batch);
      } catch (error) {
        this.options.onError(error, batch.length);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
