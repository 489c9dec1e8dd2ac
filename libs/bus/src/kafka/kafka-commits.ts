import type { EachBatchPayload } from 'kafkajs';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';

/** What a commit needs of kafkajs: the offsets resolved and not yet committed, and a commit of given offsets. */
type CommitAccess = Pick<EachBatchPayload, 'uncommittedOffsets' | 'commitOffsetsIfNecessary'>;

/**
 * The offset commits of one group member. A batch's offset is resolved (kafkajs's `resolveOffset`) only after its
 * handler resolved, and only resolved offsets are ever committed. They are committed together:
 * - at most `intervalMs` after a batch was handled (one OffsetCommit request for every batch handled meanwhile, on
 *   every partition, instead of one per fetch); what a failed commit held goes with the next one;
 * - at once when the member stops (`closing`: the batches still in hand commit as they finish, before the member
 *   leaves the group) and when a rebalance starts (`flush`, before the member rejoins), so a graceful stop or a
 *   partition handover delivers nothing handled again.
 * A member that dies (crash, SIGKILL) loses the commit it had not sent: up to `intervalMs` of handled batches are
 * delivered again to the partition's next owner.
 */
export class OffsetCommits {
  private access: CommitAccess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * A batch of `payload` was handled and its offset resolved. Resolves at once (the commit follows within the
   * interval); while the member stops, once a commit holding it succeeded or failed.
   */
  handled(payload: CommitAccess): Promise<void> {
    this.access = payload;
    if (this.stopping) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
    return Promise.resolve();
  }

  /**
   * Send one commit now of every offset resolved and not yet committed (nothing when there is none). With the
   * coordinator connected, the request is written in this event-loop turn, so the broker (which answers one
   * connection's requests in order) takes it before whatever kafkajs sends next (a JoinGroup, a LeaveGroup). Never
   * rejects: a failed commit is logged, and its offsets go with the next commit (the next handled batch schedules one;
   * a stop or a rebalance sends one), or, if the member dies first, its batches are delivered again.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const access = this.access;
    const offsets = access?.uncommittedOffsets();
    if (!access || !offsets || offsets.topics.length === 0) return Promise.resolve();
    const commit = access.commitOffsetsIfNecessary(offsets).catch((error: unknown) => {
      this.logger.warn('offset commit failed; the batches it held will be committed later or delivered again', {
        error: errorMessage(error),
      });
    });
    this.inFlight.add(commit);
    void commit.finally(() => this.inFlight.delete(commit));
    return commit;
  }

  /** The member stops: commit what is handled now, and each batch still in hand as it finishes. */
  closing(): Promise<void> {
    this.stopping = true;
    return this.flush();
  }

  /** Resolves once every commit sent so far settled; no timer is left. */
  async settled(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }
}
