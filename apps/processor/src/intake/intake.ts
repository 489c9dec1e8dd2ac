import type { Lanes, Subscription } from '@linker/bus';
import { intakeTopic, type Lane } from '@linker/contracts';
import type { BatchRunner } from './batch-runner';

/**
 * The consumer group (RELIABLE) and queue group (FAST) every processor of `domain` joins: each record goes to one.
 * It names the domain because a Kafka group id is cluster-wide: domains sharing a cluster (tests, development, a
 * benchmark beside a run) must not share a group, or one domain's members get the other's partitions or none.
 */
export const processorsGroup = (domain: string): string => `linker.${domain}.processors`;

const LANES: readonly Lane[] = ['RELIABLE', 'FAST'];

/**
 * The processor's two intake subscriptions on `intakeTopic(domain)`, in group `processorsGroup(domain)`. RELIABLE: the topic is ensured with
 * `partitions` partitions and batches commit only after `BatchRunner.run` resolved (at least once; a crash hands
 * the batch to another processor). FAST: at most once, batches of whatever arrived meanwhile.
 */
export class Intake {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly lanes: Lanes,
    private readonly domain: string,
    private readonly partitions: number,
    private readonly runner: BatchRunner,
  ) {}

  /** Resolves once both subscriptions are joined: records published from now on reach this processor's group. */
  async start(): Promise<void> {
    const topic = intakeTopic(this.domain);
    for (const lane of LANES) {
      await this.lanes[lane].ensureTopics([topic], this.partitions);
      const subscription = await this.lanes[lane].subscribe({
        topic,
        group: processorsGroup(this.domain),
        handler: (records) => this.runner.run(lane, records),
      });
      this.subscriptions.push(subscription);
    }
  }

  /** Leave both groups gracefully: batches in hand finish (RELIABLE: and commit); resolves when nothing more comes. */
  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.close()));
  }
}
