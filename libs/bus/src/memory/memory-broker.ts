import { LinkerError } from '@linker/kernel';
import { type Logger, silentLogger } from '@linker/observability';
import type { BatchHandler, BusRecord, BusErrorCode } from '../bus.port';
import type { BrokerPersistence, PersistedTopic } from './broker-persistence';
import { ConsumerGroup, type GroupMember, type GroupTuning, type TopicLog } from './consumer-group';
import { DurableTopics, type StagedRun } from './durable-topics';
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

export interface DurableMemoryBrokerOptions extends MemoryBrokerOptions {
  /** Where the chosen RELIABLE topics are kept (see `BrokerPersistence`); the broker closes it in `close`. */
  persistence: BrokerPersistence;
  /** Which RELIABLE topics the store keeps (default: every one); the others are in memory only, as without a store. */
  persist?: (topic: string) => boolean;
}

const DONE = Promise.resolve();

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
 *
 * Persistence (`MemoryBroker.open` with a `BrokerPersistence`): the topics it chooses are also written to the store,
 * so they survive a crash: `append` resolves once their records are durable, and a group reads them only from then
 * on (Kafka's high watermark); committed offsets and truncations are written too. Opening restores those topics,
 * their offsets (which keep growing across restarts) and their groups' committed offsets. The other topics start
 * empty after a restart.
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
  private durable: DurableTopics | undefined;

  /**
   * A broker that persists the topics `options.persist` chooses in `options.persistence`, restored from it (its
   * `load` runs once, here). Rejects if loading fails, leaving the store to the caller to close; `close` closes it.
   */
  static async open(options: DurableMemoryBrokerOptions): Promise<MemoryBroker> {
    const { persistence, persist, ...memoryOptions } = options;
    const broker = new MemoryBroker(memoryOptions);
    const { topics } = await persistence.load();
    const durable = new DurableTopics(persistence, persist ?? (() => true), broker.logger);
    broker.durable = durable;
    for (const topic of topics) {
      if (durable.persists(topic.name)) broker.restore(topic, durable);
      else broker.logger.warn('the store holds a topic no longer chosen for persistence; ignoring it', { topic: topic.name });
    }
    return broker;
  }

  constructor(options: MemoryBrokerOptions = {}) {
    if ('persistence' in options)
      throw new LinkerError<BusErrorCode>('INVALID_ARGUMENT', 'a MemoryBroker with persistence is opened with MemoryBroker.open');
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
      throw new LinkerError<BusErrorCode>('INVALID_ARGUMENT', `partitions must be a positive integer, got ${partitions}`);
    }
    const log = this.topics.get(topic) ?? { name: topic, partitions: [] };
    this.topics.set(topic, log);
    if (log.partitions.length >= partitions) return;
    while (log.partitions.length < partitions) log.partitions.push(new PartitionLog());
    if (this.durable?.persists(topic)) this.durable.ensureTopic(topic, partitions);
    for (const group of this.groups.get(topic)?.values() ?? []) group.wake();
  }

  /**
   * Append records to their key's partition, in order; throws `BUS_UNKNOWN_TOPIC` for a topic never ensured. A topic
   * in memory: they are readable at once and the promise is already resolved. A persisted topic: they get their
   * offsets now, and are readable once durable, when the promise resolves (it rejects with a retriable
   * `BUS_UNAVAILABLE` if the store failed; `BUS_CLOSED` once the broker closed).
   */
  append(topic: string, records: readonly BusRecord[]): Promise<void> {
    const log = this.requireTopic(topic);
    if (this.durable?.persists(topic)) return this.appendDurably(log, records, this.durable);
    const touched = new Set<number>();
    for (const { key, value } of records) {
      const partition = partitionFor(key, log.partitions.length);
      log.partitions[partition].append({ key, value });
      touched.add(partition);
    }
    this.wakeOrBound(log, touched);
    return DONE;
  }

  /** Let the appends in hand finish, then close the store (no-op without one). Close the bus clients first. */
  close(): Promise<void> {
    return this.durable?.close() ?? DONE;
  }

  /** Join consumer group `group` on `topic` (created at the beginning of the log if new). */
  join(
    topic: string,
    group: string,
    handler: BatchHandler,
    onAssignment?: (partitions: readonly number[]) => void,
  ): { group: ConsumerGroup; member: GroupMember } {
    const log = this.requireTopic(topic);
    let consumerGroup = this.groups.get(topic)?.get(group);
    if (!consumerGroup) {
      consumerGroup = new ConsumerGroup(log, group, this.tuning, this.logger.child({ topic, group }));
      this.addGroup(log, consumerGroup, true);
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

  /**
   * The end offset of each partition of `topic`: how many readable records it was ever given (retained or dropped);
   * records of a persisted topic count once durable (the high watermark).
   */
  partitionSizes(topic: string): readonly number[] {
    return this.requireTopic(topic).partitions.map((p) => p.highWatermark);
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
    if (!consumerGroup) throw new LinkerError<BusErrorCode>('INVALID_ARGUMENT', `group ${group} has not joined ${topic}`);
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

  /** Stage records of a persisted topic, write them, and make each partition's run readable once it is durable. */
  private appendDurably(log: TopicLog, records: readonly BusRecord[], durable: DurableTopics): Promise<void> {
    durable.assertOpen(log.name);
    if (records.length === 0) return DONE;
    const runs = new Map<number, StagedRun>();
    for (const { key, value } of records) {
      const partition = partitionFor(key, log.partitions.length);
      const offset = log.partitions[partition].stage({ key, value });
      const run = runs.get(partition) ?? { first: offset, records: [] };
      run.records.push({ key, value });
      runs.set(partition, run);
    }
    if (!this.groups.has(log.name)) this.bound(log, runs.keys());
    return durable.write(log.name, runs, (partition, end) => {
      log.partitions[partition].expose(end);
      for (const group of this.groups.get(log.name)?.values() ?? []) group.wake(partition);
    });
  }

  /** Offer new records of `partitions` to the topic's groups; a topic no group ever subscribed is bounded instead. */
  private wakeOrBound(log: TopicLog, partitions: ReadonlySet<number>): void {
    const groups = this.groups.get(log.name);
    if (!groups) return this.bound(log, partitions);
    for (const group of groups.values()) for (const partition of partitions) group.wake(partition);
  }

  /** Register a group of `log` (new, or restored from the store): truncate on its commits, persist them if chosen. */
  private addGroup(log: TopicLog, group: ConsumerGroup, isNew: boolean): void {
    let byName = this.groups.get(log.name);
    if (!byName) {
      byName = new Map();
      this.groups.set(log.name, byName);
    }
    byName.set(group.name, group);
    if (this.durable?.persists(log.name)) this.durable.track(log.name, group, isNew);
    group.onCommit((partition) => this.truncate(log, partition));
  }

  /** Restore a persisted topic and its groups, and drop what they all committed (a truncation cut short by a crash). */
  private restore(topic: PersistedTopic, durable: DurableTopics): void {
    const { log, groups } = durable.restore(topic, this.tuning, this.logger);
    this.topics.set(log.name, log);
    for (const group of groups) this.addGroup(log, group, false);
    log.partitions.forEach((_, p) => this.truncate(log, p));
  }

  /** Drop from `partition` what every group of the topic has committed. */
  private truncate(log: TopicLog, partition: number): void {
    let low = Infinity;
    for (const group of this.groups.get(log.name)?.values() ?? []) low = Math.min(low, group.committedAt(partition));
    if (low !== Infinity) this.truncateTo(log, partition, low);
  }

  /** Move the log start of `partition` up to `offset` (in memory, and in the store for a persisted topic). */
  private truncateTo(log: TopicLog, partition: number, offset: number): void {
    const partitionLog = log.partitions[partition];
    const before = partitionLog.start;
    partitionLog.truncateTo(offset);
    if (partitionLog.start > before && this.durable?.persists(log.name)) this.durable.truncate(log.name, partition, partitionLog.start);
  }

  /** A topic no group ever subscribed: keep at most `maxUnsubscribedRecords` per partition. */
  private bound(log: TopicLog, partitions: Iterable<number>): void {
    for (const p of partitions) {
      const partition = log.partitions[p];
      if (partition.retained <= this.maxUnsubscribedRecords) continue;
      this.truncateTo(log, p, partition.end - this.maxUnsubscribedRecords);
      if (this.overflowWarned.has(log.name)) continue;
      this.overflowWarned.add(log.name);
      this.logger.warn('no group ever subscribed this topic; dropping its oldest records', {
        topic: log.name,
        partition: p,
        kept: this.maxUnsubscribedRecords,
      });
    }
  }

  private requireTopic(topic: string): TopicLog {
    const log = this.topics.get(topic);
    if (!log) {
      throw new LinkerError<BusErrorCode>('BUS_UNKNOWN_TOPIC', `topic ${topic} does not exist: call ensureTopics first`);
    }
    return log;
  }
}
