import { LinkerError } from '@linker/kernel';
import { type Logger, silentLogger } from '@linker/observability';
import type { BatchHandler, BusRecord } from '../bus.port';
import { ConsumerGroup, type GroupMember, type GroupTuning, type TopicLog } from './consumer-group';
import { FastMember, FastSubjects } from './fast-subjects';
import { PartitionLog } from './partition-log';
import { partitionFor } from './partitioner';

export interface MemoryBrokerOptions extends Partial<GroupTuning> {
  /** FAST: most records waiting for one subscriber before new ones are dropped. */
  maxPending?: number;
  /**
   * RELIABLE: most records one partition keeps while no consumer group has ever subscribed its topic; beyond, the
   * oldest are dropped (Kafka's size-based retention). Default 100,000.
   */
  maxUnsubscribedRecords?: number;
  logger?: Logger;
}

/**
 * The in-process "server" behind `MemoryBus` clients (embedded mode and unit tests). It holds both lanes:
 * - RELIABLE, Kafka's model: topics with partitions, a key goes to partition `murmur2(key) % partitions` (as Kafka's
 *   default partitioner), per-partition append-only logs, consumer groups with committed offsets and rebalancing.
 *   Logs are in memory (durable for the process, not across restarts) and keep only what some group still needs:
 *   a partition drops the records every consumer group of its topic has committed (its log start offset moves up,
 *   offsets never change), and a group that joins later starts at the log start, as a Kafka group reading
 *   `fromBeginning` after retention. Groups are never forgotten, so a group whose members all left holds its
 *   uncommitted records for good (Kafka would expire its offsets after `offsets.retention.minutes`). A topic no
 *   group has ever subscribed keeps its records for a group that may join later, but at most
 *   `maxUnsubscribedRecords` per partition (the oldest go first, with a warning).
 * - FAST, NATS core's model: subjects and queue groups, at most once, nothing retained.
 * Every method is synchronous and runs on the caller's event loop; handlers are always called later (microtasks).
 */
export class MemoryBroker {
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, Map<string, ConsumerGroup>>();
  private readonly fast = new FastSubjects();
  private readonly tuning: GroupTuning;
  private readonly maxPending: number;
  private readonly maxUnsubscribedRecords: number;
  private readonly overflowWarned = new Set<string>();
  private readonly logger: Logger;

  constructor(options: MemoryBrokerOptions = {}) {
    this.tuning = {
      maxBatchSize: options.maxBatchSize ?? 500,
      retryBackoffMs: options.retryBackoffMs ?? 20,
      maxRetryBackoffMs: options.maxRetryBackoffMs ?? 1_000,
    };
    this.maxPending = options.maxPending ?? 100_000;
    this.maxUnsubscribedRecords = options.maxUnsubscribedRecords ?? 100_000;
    this.logger = (options.logger ?? silentLogger).child({ component: 'memory-broker' });
  }

  /** Create `topic` with `partitions` partitions, or grow it to that many; never shrinks. Idempotent. */
  ensureTopic(topic: string, partitions: number): void {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new LinkerError('BUS_INVALID_ARGUMENT', `partitions must be a positive integer, got ${partitions}`);
    }
    const log = this.topics.get(topic) ?? { name: topic, partitions: [] };
    this.topics.set(topic, log);
    if (log.partitions.length >= partitions) return;
    while (log.partitions.length < partitions) log.partitions.push(new PartitionLog());
    for (const group of this.groups.get(topic)?.values() ?? []) group.wake();
  }

  /** Append records to their key's partition, in order. Throws `BUS_UNKNOWN_TOPIC` for a topic never ensured. */
  append(topic: string, records: readonly BusRecord[]): void {
    const log = this.requireTopic(topic);
    const touched = new Set<number>();
    for (const { key, value } of records) {
      const partition = partitionFor(key, log.partitions.length);
      log.partitions[partition].append({ key, value });
      touched.add(partition);
    }
    const groups = this.groups.get(topic);
    if (!groups) return this.bound(log, touched);
    for (const group of groups.values()) for (const partition of touched) group.wake(partition);
  }

  /** Join consumer group `group` on `topic` (created at the beginning of the log if new). */
  join(
    topic: string,
    group: string,
    handler: BatchHandler,
    onAssignment?: (partitions: readonly number[]) => void,
  ): { group: ConsumerGroup; member: GroupMember } {
    const log = this.requireTopic(topic);
    let byName = this.groups.get(topic);
    if (!byName) {
      byName = new Map();
      this.groups.set(topic, byName);
    }
    let consumerGroup = byName.get(group);
    if (!consumerGroup) {
      consumerGroup = new ConsumerGroup(log, group, this.tuning, this.logger.child({ topic, group }));
      consumerGroup.onCommit((partition) => this.truncate(log, partition));
      byName.set(group, consumerGroup);
    }
    return { group: consumerGroup, member: consumerGroup.join(handler, onAssignment) };
  }

  /** Whether `topic` exists (was ensured). */
  hasTopic(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** The committed offset of each partition of `group` on `topic` (empty when the group never existed). */
  committedOffsets(topic: string, group: string): readonly number[] {
    return this.groups.get(topic)?.get(group)?.committedOffsets() ?? [];
  }

  /** The end offset of each partition of `topic`: how many records it was ever given (retained or dropped). */
  partitionSizes(topic: string): readonly number[] {
    return this.requireTopic(topic).partitions.map((p) => p.end);
  }

  /** Records held in memory, in `topic` or in every topic (read-only; for tests and metrics). */
  retainedRecords(topic?: string): number {
    const logs = topic === undefined ? [...this.topics.values()] : [this.requireTopic(topic)];
    return logs.reduce((sum, log) => sum + log.partitions.reduce((n, p) => n + p.retained, 0), 0);
  }

  /**
   * Whether `group` has committed `ends` (offsets per partition) on every partition listed; a group that never
   * existed counts as positioned at the log start. False for a topic that does not exist.
   */
  hasCommitted(topic: string, group: string, ends: readonly number[]): boolean {
    const log = this.topics.get(topic);
    if (!log) return false;
    const consumerGroup = this.groups.get(topic)?.get(group);
    return ends.every((end, p) => (consumerGroup?.committedAt(p) ?? log.partitions[p].start) >= end);
  }

  /**
   * Resolves true once `group` (which must have joined: see `join`) has committed `ends` on every partition listed,
   * false if `stop` aborts first.
   */
  whenCommitted(topic: string, group: string, ends: readonly number[], stop: AbortSignal): Promise<boolean> {
    const consumerGroup = this.groups.get(topic)?.get(group);
    if (!consumerGroup) throw new LinkerError('BUS_INVALID_ARGUMENT', `group ${group} has not joined ${topic}`);
    return new Promise((resolve) => {
      const done = (reached: boolean): void => {
        removeListener();
        stop.removeEventListener('abort', onAbort);
        resolve(reached);
      };
      const onAbort = (): void => done(false);
      const removeListener = consumerGroup.onCommit(() => {
        if (this.hasCommitted(topic, group, ends)) done(true);
      });
      stop.addEventListener('abort', onAbort, { once: true });
      if (stop.aborted) done(false);
      else if (this.hasCommitted(topic, group, ends)) done(true);
    });
  }

  /** FAST: subscribe to `subject` in queue group `group`. */
  subscribeFast(subject: string, group: string, handler: BatchHandler): FastMember {
    const member = new FastMember(handler, this.maxPending, this.logger.child({ subject, group }));
    this.fast.add(subject, group, member);
    return member;
  }

  /** FAST: stop delivering to `member`. */
  unsubscribeFast(subject: string, group: string, member: FastMember): void {
    this.fast.remove(subject, group, member);
  }

  /** FAST: hand records to the subject's current subscribers; dropped when nobody listens. */
  publishFast(subject: string, records: readonly BusRecord[]): void {
    this.fast.publish(subject, records);
  }

  /** Drop from `partition` what every group of the topic has committed. */
  private truncate(log: TopicLog, partition: number): void {
    let low = Infinity;
    for (const group of this.groups.get(log.name)?.values() ?? []) low = Math.min(low, group.committedAt(partition));
    if (low !== Infinity) log.partitions[partition].truncateTo(low);
  }

  /** A topic no group ever subscribed: keep at most `maxUnsubscribedRecords` per partition. */
  private bound(log: TopicLog, partitions: Iterable<number>): void {
    for (const p of partitions) {
      const partition = log.partitions[p];
      if (partition.retained <= this.maxUnsubscribedRecords) continue;
      partition.truncateTo(partition.end - this.maxUnsubscribedRecords);
      if (this.overflowWarned.has(log.name)) continue;
      this.overflowWarned.add(log.name);
      this.logger.warn('no group ever subscribed this topic; dropping its oldest records', { topic: log.name, partition: p, kept: this.maxUnsubscribedRecords });
    }
  }

  private requireTopic(topic: string): TopicLog {
    const log = this.topics.get(topic);
    if (!log) {
      throw new LinkerError('BUS_UNKNOWN_TOPIC', `topic ${topic} does not exist: call ensureTopics first`);
    }
    return log;
  }
}
