import type { Mailbox } from '@linker/mailbox';
import { errorMessage, isRetriable } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { backoffMs, delay } from '../intake/retry';

/** The longest wait between two attempts of a removal: a stopping processor waits for the queue. */
const MAX_BACKOFF_MS = 5_000;

export interface RemovalQueueOptions {
  mailbox: Mailbox;
  logger: Logger;
  /** Ids waiting or being removed past which `add` asks its caller to wait (default 100,000). */
  maxPending?: number;
  /** The first retry of a failed removal waits this long, doubling (default 100 ms, capped at 5 s). */
  retryBackoffMs?: number;
  /** Failed attempts after which, once closing, a removal is given up (default 3). */
  attemptsWhenClosing?: number;
  /** Called with the ids of each removal that succeeded. */
  onRemoved?: (userId: string, ids: ReadonlySet<string>) => void;
}

/**
 * The removals of delivered messages from the mailbox (DELIVERY_REPORT, `fromMailbox`), coalesced per user: one
 * `Mailbox.remove` at a time per user; ids reported while it runs wait and leave together in the next one. A fetch of
 * 10,000 messages is reported in many batches, and on FerretDB v1 every removal reads the whole collection, whatever
 * its size; merged, the removals follow the fetch at the pace the store allows.
 *
 * Guarantees: a removal is only ever of messages reported delivered (it comes after the report, never before); ids of a
 * user are removed in at most one call in flight; a failed removal is retried with backoff until it succeeds, or, once
 * closing, `attemptsWhenClosing` attempts have failed (then the messages stay stored and a later fetch delivers them
 * again: the SDK drops the repeat by id). The report's batch is committed without
 * waiting for the removal: a crash in between leaves the messages stored in the same way.
 */
export class RemovalQueue {
  private readonly waiting = new Map<string, Set<string>>();
  private readonly running = new Map<string, Promise<void>>();
  /** Ids waiting or in a removal under way. */
  private pending = 0;
  private closing = false;
  private readonly maxPending: number;
  private readonly retryBackoffMs: number;
  private readonly attemptsWhenClosing: number;

  constructor(private readonly options: RemovalQueueOptions) {
    this.maxPending = options.maxPending ?? 100_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.attemptsWhenClosing = options.attemptsWhenClosing ?? 3;
  }

  /** Ids waiting or being removed. */
  get size(): number {
    return this.pending;
  }

  /**
   * Queue the removal of `ids` of `userId`. Returns a promise to await when more than `maxPending` ids are pending
   * (it resolves once they have left), else nothing: the caller goes on at once.
   */
  add(userId: string, ids: Iterable<string>): Promise<void> | undefined {
    this.merge(userId, ids);
    if (!this.running.has(userId) && this.waiting.has(userId)) this.start(userId);
    return this.pending > this.maxPending ? this.drained() : undefined;
  }

  /** Resolves once nothing waits and no removal is under way. */
  async drained(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Finish what is queued (failures are retried `attemptsWhenClosing` times); later `add`s are still taken. */
  close(): Promise<void> {
    this.closing = true;
    return this.drained();
  }

  private merge(userId: string, ids: Iterable<string>): void {
    let set = this.waiting.get(userId);
    for (const id of ids) {
      if (set === undefined) this.waiting.set(userId, (set = new Set()));
      if (set.has(id)) continue;
      set.add(id);
      this.pending += 1;
    }
  }

  private start(userId: string): void {
    const run = this.removeAll(userId).finally(() => {
      this.running.delete(userId);
      if (this.waiting.has(userId)) this.start(userId); // added between the last call's end and now
    });
    this.running.set(userId, run);
  }

  /** Removes `userId`'s waiting ids, taking what was added meanwhile in the next call, until none wait. */
  private async removeAll(userId: string): Promise<void> {
    // Reports handled in this turn (one batch of the intake, several batches of a lane's poll) join the first call.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let failures = 0;
    for (let ids = this.take(userId); ids !== undefined; ids = this.take(userId)) {
      try {
        await this.options.mailbox.remove(userId, [...ids]);
        this.pending -= ids.size;
        this.options.onRemoved?.(userId, ids);
        failures = 0;
      } catch (error) {
        failures += 1;
        if (!isRetriable(error) || (this.closing && failures >= this.attemptsWhenClosing)) {
          this.pending -= ids.size;
          this.options.logger.error('removal of delivered messages given up; they stay in the mailbox and are fetched again', {
            userId,
            messages: ids.size,
            error: errorMessage(error),
          });
          continue;
        }
        this.options.logger.warn('removal of delivered messages failed; retrying', {
          userId,
          messages: ids.size,
          error: errorMessage(error),
        });
        this.pending -= ids.size;
        this.merge(userId, ids);
        await delay(Math.min(backoffMs(this.retryBackoffMs, failures - 1), MAX_BACKOFF_MS));
      }
    }
  }

  private take(userId: string): Set<string> | undefined {
    const ids = this.waiting.get(userId);
    this.waiting.delete(userId);
    return ids;
  }
}
