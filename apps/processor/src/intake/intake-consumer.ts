import type { Lanes, Subscription } from '@linker/bus';
import { intakeTopic } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { BatchRunner } from './batch-runner';
import { FastFollower } from './fast-follower';

/**
 * The consumer group (RELIABLE) every processor of `domain` joins: each record goes to one.
 * It names the domain because a Kafka group id is cluster-wide: domains sharing a cluster (tests, development, a
 * benchmark beside a run) must not share a group, or one domain's members get the other's partitions or none.
 */
const processorsGroup = (domain: string): string => `linker.${domain}.processors`;

/** How long a processor keeps a revoked FAST partition subscribed, so the new owner listens before it stops. */
const FAST_HANDOVER_GRACE_MS = 500;

/**
 * The processor's intake on `intakeTopic(domain)`, partitioned the same way on both lanes (ADR 0002).
 * RELIABLE: the topic is ensured with `partitions` partitions and joined in group `processorsGroup(domain)`; batches
 * commit only after `BatchRunner.run` resolved (at least once; a crash hands the batch to another processor).
 * FAST: the connector publishes a record keyed by K to `fastPartitionSubject(topic, K, partitions)`; this processor
 * subscribes to the subjects of the partitions it owns on RELIABLE (following every rebalance, see `FastFollower`),
 * so one sender's FAST records go through one processor, in order. At most once, batches of whatever arrived.
 */
export class IntakeConsumer {
  private reliable: Subscription | undefined;
  private readonly fast: FastFollower;

  constructor(
    private readonly lanes: Lanes,
    private readonly domain: string,
    private readonly partitions: number,
    private readonly runner: BatchRunner,
    logger: Logger = silentLogger,
  ) {
    this.fast = new FastFollower({
      bus: lanes.FAST,
      topic: intakeTopic(domain),
      // Unique per processor: a partition subject has one owner, and during a handover both owners must get every
      // record (duplicates, dropped by id) rather than split them (which would reorder).
      group: `${processorsGroup(domain)}.fast.${newMessageId()}`,
      handler: (records) => this.runner.run('FAST', records),
      graceMs: FAST_HANDOVER_GRACE_MS,
      logger: logger.child({ component: 'fast-intake' }),
    });
  }

  /**
   * Resolves once the RELIABLE group is joined and the FAST subjects of this processor's first assignment are
   * subscribed: records published from now on reach the processors.
   */
  async start(): Promise<void> {
    const topic = intakeTopic(this.domain);
    await this.lanes.RELIABLE.ensureTopics([topic], this.partitions);
    let assigned!: () => void;
    const firstAssignment = new Promise<void>((resolve) => (assigned = resolve));
    this.reliable = await this.lanes.RELIABLE.subscribe({
      topic,
      group: processorsGroup(this.domain),
      handler: (records) => this.runner.run('RELIABLE', records),
      onAssignment: (partitions) => {
        this.fast.assign(partitions);
        assigned();
      },
    });
    await firstAssignment;
    await this.fast.settled();
  }

  /** Leave gracefully: batches in hand finish (RELIABLE: and commit); resolves when nothing more comes. */
  async stop(): Promise<void> {
    const reliable = this.reliable;
    this.reliable = undefined;
    await Promise.all([reliable?.close(), this.fast.stop()]);
  }
}
