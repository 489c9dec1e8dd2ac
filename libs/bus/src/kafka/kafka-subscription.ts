import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { errorMessage, LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BatchHandler, BusRecord, SubscribeOptions, Subscription, BusErrorCode } from '../bus.port';
import { OffsetCommits } from './kafka-commits';
import type { KafkaTuning } from './kafka-config';
import { toLinkerError } from './kafka-errors';

const EMPTY = Buffer.alloc(0);
const toRecord = (message: KafkaMessage): BusRecord => ({
  key: message.key?.toString('utf8') ?? '',
  value: message.value ?? EMPTY,
});

/**
 * One member of a RELIABLE consumer group: `eachBatch` with auto-resolve and auto-commit off; a batch's offset is
 * resolved only after the handler resolved, and committed with the others within `commitIntervalMs`, or at once when
 * the member stops or a rebalance starts (`OffsetCommits`). A rejected batch is handed to the handler again (same
 * records, backing off, heartbeating) until it resolves, the member stops, or a rebalance takes the partition away —
 * in the last two cases it stays uncommitted and is delivered again to whoever owns the partition next.
 * A new group starts at the beginning of each partition (`fromBeginning`), so nothing published before the group
 * existed is skipped.
 */
export class KafkaSubscription implements Subscription {
  private stopped: Promise<void> | undefined;
  private crash: LinkerError | undefined;
  /** When the offsets of handled batches are committed. */
  private readonly commits: OffsetCommits;

  private constructor(
    private readonly consumer: Consumer,
    private readonly handler: BatchHandler,
    private readonly tuning: KafkaTuning,
    private readonly logger: Logger,
  ) {
    this.commits = new OffsetCommits(tuning.commitIntervalMs, logger);
    // Emitted once every batch in hand finished, just before kafkajs rejoins: commit before the partitions move.
    consumer.on(consumer.events.REBALANCING, () => void this.commits.flush());
  }

  /** Join `group` on `topic`; resolves once the member has joined (it has its partitions, if any are left for it). */
  static async start(kafka: Kafka, options: SubscribeOptions, tuning: KafkaTuning, logger: Logger): Promise<KafkaSubscription> {
    const consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: tuning.sessionTimeoutMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: tuning.maxWaitTimeInMs,
      minBytes: tuning.minBytes,
      allowAutoTopicCreation: false,
      retry: tuning.retry,
    });
    const log = logger.child({ topic: options.topic, group: options.group });
    const subscription = new KafkaSubscription(consumer, options.handler, tuning, log);
    if (options.onAssignment) subscription.followAssignments(options.topic, options.onAssignment);
    const joined = subscription.joined();
    joined.promise.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently,
        eachBatch: (payload) => subscription.eachBatch(payload),
      });
      await joined.promise;
      return subscription;
    } catch (cause) {
      joined.cancel();
      await consumer.disconnect().catch(() => undefined);
      throw toLinkerError(cause, `subscribe to ${options.topic} as ${options.group}`);
    }
  }

  /** Commit what is handled, stop fetching, let the batches in hand finish and commit, leave the group. Idempotent. */
  close(): Promise<void> {
    this.stopped ??= (async () => {
      void this.commits.closing();
      await this.consumer.disconnect().catch((cause: unknown) => {
        this.logger.warn('consumer did not disconnect cleanly', { error: errorMessage(cause) });
      });
      await this.commits.settled();
    })();
    return this.stopped;
  }

  /** Set once the consumer crashed and kafkajs will not restart it: this member no longer consumes anything. */
  get failure(): LinkerError | undefined {
    return this.crash;
  }

  /** Tell `onAssignment` this member's partitions of `topic` on every GROUP_JOIN (every rebalance it takes part in). */
  private followAssignments(topic: string, onAssignment: (partitions: readonly number[]) => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      this.logger.debug('assigned partitions', { partitions });
      try {
        onAssignment(partitions);
      } catch (error) {
        this.logger.warn('onAssignment threw', { error: errorMessage(error) });
      }
    });
  }

  /** Resolves on this member's first GROUP_JOIN; rejects on a crash kafkajs will not restart, or after the timeout. */
  private joined(): { promise: Promise<void>; cancel: () => void } {
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve, reject) => {
      const message = `no group join within ${this.tuning.joinTimeoutMs} ms`;
      timer = setTimeout(
        () => reject(new LinkerError<BusErrorCode>('BUS_JOIN_TIMEOUT', message, { retriable: true })),
        this.tuning.joinTimeoutMs,
      );
      const removeJoin = this.consumer.on(GROUP_JOIN, (event) => {
        this.logger.debug('joined the group', { memberId: event.payload.memberId, duration: event.payload.duration });
        clearTimeout(timer);
        removeJoin();
        resolve();
      });
      this.consumer.on(CRASH, (event) => {
        const { error, restart } = event.payload;
        this.logger.error('consumer crashed', { error: errorMessage(error), restart });
        if (!restart) {
          clearTimeout(timer);
          this.crash = toLinkerError(error, 'consume');
          reject(this.crash);
        }
      });
    });
    return { promise, cancel: () => clearTimeout(timer) };
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const records = batch.messages.map(toRecord);
    if (!(await this.handleUntilResolved(records, payload))) return;
    payload.resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await this.commits.handled(payload);
  }

  /** True once the handler resolved; false if the member stopped or lost the partition while retrying. */
  private async handleUntilResolved(records: readonly BusRecord[], payload: EachBatchPayload): Promise<boolean> {
    for (let failures = 0; ; failures++) {
      try {
        await this.withHeartbeats(records, payload);
        return true;
      } catch (error) {
        // A batch that waits (an outage, a link down: custody) is handed again every 2 s: say so at the first failure
        // and then about once a minute, not at every try.
        const level = failures % 30 === 0 ? 'warn' : 'debug';
        this.logger[level]('batch handler rejected; the batch will be delivered again', {
          partition: payload.batch.partition,
          records: records.length,
          failures: failures + 1,
          error: errorMessage(error),
        });
      }
      if (!payload.isRunning() || payload.isStale()) return false;
      await this.backOff(failures, payload);
      if (!payload.isRunning() || payload.isStale()) return false;
    }
  }

  /** Run the handler, heartbeating meanwhile so a long batch does not cost the member its place in the group. */
  private async withHeartbeats(records: readonly BusRecord[], payload: EachBatchPayload): Promise<void> {
    const timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => this.logger.debug('heartbeat failed during a batch', { error: errorMessage(error) }));
    }, this.tuning.heartbeatIntervalMs);
    try {
      await this.handler(records);
    } finally {
      clearInterval(timer);
    }
  }

  /** Wait before handing a rejected batch again: 50 ms doubling up to 2 s, heartbeating (a rebalance aborts it). */
  private async backOff(failures: number, payload: EachBatchPayload): Promise<void> {
    const until = Date.now() + Math.min(50 * 2 ** failures, 2_000);
    while (Date.now() < until && payload.isRunning()) {
      await payload.heartbeat();
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, until - Date.now()))));
    }
  }
}
