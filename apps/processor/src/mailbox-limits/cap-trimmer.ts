import { errorMessage, type Clock } from '@linker/kernel';
import type { Mailbox, MailboxEntry } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { mailboxLimitsOf, type TopologyView } from '@linker/topology';
import type { MailboxDrops } from './mailbox-drops';

/** Most messages one trim of one user drops; a user further over its cap is trimmed again at once. */
const TRIM_BATCH = 1_000;
/** Users trimmed at once. */
const CONCURRENCY = 4;
/** Most users waiting for a trim; one more is not queued (it is trimmed after its next stored message). */
const MAX_PENDING = 100_000;
/** Wait before a user whose trim failed (the mailbox or the webhook topic unavailable) is tried again. */
const RETRY_MS = 1_000;

export interface CapTrimmerDeps {
  mailbox: Mailbox;
  drops: MailboxDrops;
  topology: () => TopologyView;
  clock: Clock;
  logger: Logger;
}

/**
 * Keeps each user's mailbox within its app's `mailbox.maxMessages` (docs/protocol.md, Mailbox limits): after a
 * batch's stores (`stored`), each user stored for is trimmed once, beside the intake (the batch does not wait): its
 * oldest messages beyond the cap are dropped through `MailboxDrops` (reported, then removed). A trim that fails is
 * tried again after a second, until it succeeds or the processor stops. So a mailbox exceeds its cap only by the
 * messages stored since its last trim began, and until its next store if the processor stopped before trimming it.
 */
export class CapTrimmer {
  private readonly pending = new Set<string>();
  /** Users being trimmed; those stored for again meanwhile are in `again`, trimmed once more after. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;
  private warnedFull = false;

  constructor(private readonly deps: CapTrimmerDeps) {}

  /** A batch stored these entries: trim each of their users once, soon. */
  stored(entries: readonly MailboxEntry[]): void {
    for (const userId of new Set(entries.map((entry) => entry.userId))) this.queue(userId);
  }

  /** Users waiting for a trim or being trimmed. */
  get size(): number {
    return this.pending.size + this.running.size;
  }

  /** Stop trimming: the trims under way finish, the waiting ones are dropped (trimmed after their users' next store). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    this.again.clear();
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private queue(userId: string): void {
    if (this.stopped || this.pending.has(userId)) return;
    if (this.running.has(userId)) return void this.again.add(userId);
    if (this.pending.size >= MAX_PENDING) {
      if (!this.warnedFull) this.deps.logger.warn('too many mailboxes waiting for a trim; the others are trimmed after their next store');
      this.warnedFull = true;
      return;
    }
    this.pending.add(userId);
    this.next();
  }

  /** Start trims while there is room. */
  private next(): void {
    while (this.running.size < CONCURRENCY && this.pending.size > 0) {
      const userId = this.pending.values().next().value as string;
      this.pending.delete(userId);
      const run = this.trim(userId).finally(() => {
        this.running.delete(userId);
        if (this.again.delete(userId)) this.queue(userId);
        this.next();
      });
      this.running.set(userId, run);
    }
  }

  private async trim(userId: string): Promise<void> {
    try {
      const view = this.deps.topology();
      const { maxMessages } = mailboxLimitsOf(view.appOfUser(userId));
      const over = await this.deps.mailbox.overCap(userId, maxMessages, TRIM_BATCH);
      await this.deps.drops.drop(over, 'cap', view, this.deps.clock.now());
      if (over.length === TRIM_BATCH) this.again.add(userId);
    } catch (error) {
      this.deps.logger.warn('mailbox trim failed; tried again', { userId, error: errorMessage(error) });
      this.retryLater(userId);
      this.again.delete(userId);
    }
  }

  private retryLater(userId: string): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.queue(userId);
    }, RETRY_MS);
    timer.unref();
    this.retries.add(timer);
  }
}
