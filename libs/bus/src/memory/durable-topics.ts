import { LinkerError, errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BusRecord, BusErrorCode } from '../bus.port';
import type { BrokerPersistence, PersistedTopic } from './broker-persistence';
import { ConsumerGroup, type GroupTuning, type TopicLog } from './consumer-group';
import { PartitionLog } from './partition-log';

/** Records of one publish staged in one partition: offsets `first`, `first + 1`, ... */
export interface StagedRun {
  readonly first: number;
  readonly records: BusRecord[];
}

/**
 * The persisted side of a `MemoryBroker`: which topics go to the store, writes of records (awaited by `publish`),
 * of committed offsets and of truncations, restoring what the store held, and closing it once the writes in hand
 * finished. Knows nothing of the store's technology (see `BrokerPersistence`).
 */
export class DurableTopics {
  private readonly inFlight = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: BrokerPersistence,
    private readonly chosen: (topic: string) => boolean,
    private readonly logger: Logger,
  ) {}

  persists(topic: string): boolean {
    return this.chosen(topic);
  }

  /** Throws `BUS_CLOSED` once closing: nothing may be staged that would never be written. */
  assertOpen(topic: string): void {
    if (this.closing) throw new LinkerError<BusErrorCode>('BUS_CLOSED', `the broker is closed: cannot append to persisted topic ${topic}`);
  }

  ensureTopic(topic: string, partitions: number): void {
    if (!this.closing) this.store.ensureTopic(topic, partitions);
  }

  /**
   * Write each partition's run; `expose(partition, end)` is called once that run is durable. Resolves once all are;
   * rejects with a retriable `BUS_UNAVAILABLE` when the store failed (the runs then stay staged, never readable).
   */
  write(topic: string, runs: ReadonlyMap<number, StagedRun>, expose: (partition: number, end: number) => void): Promise<void> {
    const writes = [...runs].map(([partition, { first, records }]) =>
      this.store.append(topic, partition, first, records).then(() => expose(partition, first + records.length)),
    );
    const all = Promise.all(writes).then(
      () => undefined,
      (cause: unknown) => {
        this.logger.error('could not persist records', { topic, error: errorMessage(cause) });
        throw new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', `could not persist records of ${topic}`, { retriable: true, cause });
      },
    );
    this.inFlight.add(all);
    const forget = (): void => void this.inFlight.delete(all);
    all.then(forget, forget);
    return all;
  }

  /**
   * Persist each commit of `group`; for a new group (`isNew`) its offsets as they are now too, so that after a
   * restart it still holds the records it has not consumed yet.
   */
  track(topic: string, group: ConsumerGroup, isNew: boolean): void {
    if (isNew) group.committedOffsets().forEach((offset, p) => this.commit(group.name, topic, p, offset));
    group.onCommit((p) => this.commit(group.name, topic, p, group.committedAt(p)));
  }

  truncate(topic: string, partition: number, below: number): void {
    if (!this.closing) this.store.truncate(topic, partition, below);
  }

  /** The topic's log as the store held it, and its groups (committed offsets clamped to the partition's end). */
  restore(topic: PersistedTopic, tuning: GroupTuning, logger: Logger): { log: TopicLog; groups: ConsumerGroup[] } {
    const log: TopicLog = {
      name: topic.name,
      partitions: topic.partitions.map((p) => PartitionLog.restore(p.start, p.records)),
    };
    const groups = topic.groups.map((g) => {
      const committed = new Map([...g.committed].map(([p, offset]) => [p, Math.min(offset, log.partitions[p]?.end ?? 0)]));
      return new ConsumerGroup(log, g.name, tuning, logger.child({ topic: topic.name, group: g.name }), committed);
    });
    return { log, groups };
  }

  /** Refuse new appends, let the ones in hand finish (resolved or rejected), then close the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.inFlight]).then(() => this.store.close());
    return this.closing;
  }

  private commit(group: string, topic: string, partition: number, offset: number): void {
    if (!this.closing) this.store.commit(group, topic, partition, offset);
    else this.logger.debug('commit after close not persisted (redelivered after a restart)', { topic, group, partition, offset });
  }
}
