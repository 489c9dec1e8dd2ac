import { partitionSubject, type Bus, type BatchHandler, type Subscription } from '@linker/bus';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';

export interface FastFollowerOptions {
  /** The FAST bus. */
  bus: Bus;
  /** The partitioned FAST topic: partition p is the subject `partitionSubject(topic, p)`. */
  topic: string;
  /** Queue group of every partition subject: unique to this processor, so it never shares a subject's records. */
  group: string;
  handler: BatchHandler;
  /** How long a revoked partition's subject stays subscribed, so the new owner is listening before this one stops. */
  graceMs: number;
  logger: Logger;
}

interface Owned {
  subscription: Promise<Subscription | undefined>;
  revoke?: NodeJS.Timeout;
}

/**
 * Subscribes this processor to the FAST partition subjects of the partitions it owns on the RELIABLE intake: newly
 * assigned partitions at once, revoked ones after `graceMs`. One owner per partition keeps one sender's FAST records
 * in order across processors; during a handover both owners get the records (never a split of them), and the
 * duplicates are dropped by message id (the processor's id window, the connector's per-socket window).
 */
export class FastFollower {
  private readonly owned = new Map<number, Owned>();
  private stopped = false;

  constructor(private readonly options: FastFollowerOptions) {}

  /** The partitions this processor owns now (after a rebalance): follow them. */
  assign(partitions: readonly number[]): void {
    if (this.stopped) return;
    const assigned = new Set(partitions);
    for (const partition of assigned) {
      const entry = this.owned.get(partition);
      if (entry) {
        clearTimeout(entry.revoke);
        entry.revoke = undefined;
      } else {
        this.owned.set(partition, { subscription: this.subscribe(partition) });
      }
    }
    for (const [partition, entry] of this.owned) {
      if (assigned.has(partition) || entry.revoke) continue;
      entry.revoke = setTimeout(() => void this.drop(partition, entry), this.options.graceMs);
      entry.revoke.unref();
    }
  }

  /** Resolves once every subscription started so far is in place (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.owned.values()].map((entry) => entry.subscription));
  }

  /** Close every partition subscription gracefully (batches in hand finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    const entries = [...this.owned.values()];
    this.owned.clear();
    for (const entry of entries) clearTimeout(entry.revoke);
    await Promise.all(entries.map((entry) => entry.subscription.then((s) => s?.close())));
  }

  private async subscribe(partition: number): Promise<Subscription | undefined> {
    const { bus, topic, group, handler, logger } = this.options;
    const subject = partitionSubject(topic, partition);
    try {
      return await bus.subscribe({ topic: subject, group, handler });
    } catch (error) {
      logger.error('could not subscribe to a FAST intake partition; its FAST records are lost until the next rebalance', {
        subject,
        error: errorMessage(error),
      });
      const entry = this.owned.get(partition);
      if (entry && !entry.revoke) this.owned.delete(partition);
      return undefined;
    }
  }

  private async drop(partition: number, entry: Owned): Promise<void> {
    if (this.owned.get(partition) !== entry) return;
    this.owned.delete(partition);
    const subscription = await entry.subscription;
    await subscription
      ?.close()
      .catch((error: unknown) => this.options.logger.warn('FAST unsubscribe failed', { error: errorMessage(error) }));
  }
}
