import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BatchHandler, BusRecord } from '../bus.port';
import type { PartitionLog } from './partition-log';

/** The log of one topic: one `PartitionLog` per partition. */
export interface TopicLog {
  readonly name: string;
  readonly partitions: PartitionLog[];
}

export interface GroupTuning {
  /** Most records handed to one handler call. */
  maxBatchSize: number;
  /** First delay before a rejected batch is offered again; doubles per failure up to `maxRetryBackoffMs`. */
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

/** One member of a consumer group, as the group tracks it. */
export class GroupMember {
  /** Batches this member holds, by partition: settled (committed or not) when the handler settles. */
  readonly leases = new Set<Lease>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly id: number,
    readonly handler: BatchHandler,
    readonly onAssignment?: (partitions: readonly number[]) => void,
  ) {}

  /** Resolves when the member holds no batch. */
  idle(): Promise<void> {
    if (this.leases.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget a settled or abandoned batch; wakes `idle` waiters when it was the last one. */
  release(lease: Lease): void {
    this.leases.delete(lease);
    if (this.leases.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A batch in flight: partition `partition`, offsets [from, to), held by `member`. */
interface Lease {
  readonly member: GroupMember;
  readonly partition: number;
  readonly to: number;
}

/**
 * A Kafka-like consumer group over one topic of the twin: committed offsets per partition (a new group starts at the
 * log start of each partition, like Kafka's `fromBeginning` after retention), members in join order, partitions
 * assigned round-robin and reassigned on every join, leave and kill. Every commit is told to `onCommit` listeners
 * (the broker truncates the log with it).
 *
 * A partition has at most one batch in flight, whoever holds it, so per-key order holds across rebalances: a new owner
 * starts only after the old owner's batch settled (committed) or was abandoned (its member was killed). A batch is
 * committed only if its handler resolved and its lease was not abandoned; otherwise it is offered again from the
 * committed offset.
 */
export class ConsumerGroup {
  private readonly committed: number[] = [];
  private readonly owners: Array<GroupMember | undefined> = [];
  private readonly inFlight: Array<Lease | undefined> = [];
  private readonly failures: number[] = [];
  private readonly retryTimers: Array<NodeJS.Timeout | undefined> = [];
  private readonly scheduled = new Set<number>();
  private readonly commitListeners = new Set<(partition: number) => void>();
  private members: GroupMember[] = [];
  private nextMemberId = 1;
  private assignmentsScheduled = false;

  constructor(
    private readonly log: TopicLog,
    readonly name: string,
    private readonly tuning: GroupTuning,
    private readonly logger: Logger,
    /** Committed offsets restored from a store, by partition; a partition missing here starts at its log start. */
    private readonly restored: ReadonlyMap<number, number> = new Map(),
  ) {
    this.grow();
  }

  /**
   * Add a member and rebalance; it receives batches from the partitions it is assigned. After every rebalance each
   * current member's `onAssignment` is called (in a microtask, with the assignment as it is then).
   */
  join(handler: BatchHandler, onAssignment?: (partitions: readonly number[]) => void): GroupMember {
    const member = new GroupMember(this.nextMemberId++, handler, onAssignment);
    this.members.push(member);
    this.rebalance();
    return member;
  }

  /** Remove a member gracefully: its batches in flight still commit when they resolve; resolves when they settled. */
  leave(member: GroupMember): Promise<void> {
    this.remove(member);
    return member.idle();
  }

  /** Remove a member abruptly: its batches in flight are abandoned, uncommitted, and offered to the others. */
  kill(member: GroupMember): void {
    for (const lease of [...member.leases]) {
      if (this.inFlight[lease.partition] === lease) this.inFlight[lease.partition] = undefined;
      member.release(lease);
    }
    this.remove(member);
  }

  /** The committed offset of every partition (the offset of the next record to deliver). */
  committedOffsets(): readonly number[] {
    return [...this.committed];
  }

  /** The committed offset of `partition` (the log start for a partition this group has not seen yet). */
  committedAt(partition: number): number {
    return this.committed[partition] ?? this.log.partitions[partition]?.start ?? 0;
  }

  /** Call `listener` with the partition after every commit (synchronously); returns the function that removes it. */
  onCommit(listener: (partition: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** New records (or partitions) in the topic: offer them. */
  wake(partition?: number): void {
    this.grow();
    if (partition === undefined) this.log.partitions.forEach((_, p) => this.schedule(p));
    else this.schedule(partition);
  }

  private remove(member: GroupMember): void {
    const before = this.members.length;
    this.members = this.members.filter((m) => m !== member);
    if (this.members.length !== before) this.rebalance();
  }

  private grow(): void {
    const count = this.log.partitions.length;
    const grew = this.committed.length < count;
    while (this.committed.length < count) {
      const p = this.committed.length;
      this.committed.push(this.restored.get(p) ?? this.log.partitions[p].start);
      this.owners.push(undefined);
      this.inFlight.push(undefined);
      this.failures.push(0);
      this.retryTimers.push(undefined);
    }
    if (grew && this.members.length > 0) this.rebalance();
  }

  private rebalance(): void {
    for (let p = 0; p < this.owners.length; p++) {
      this.owners[p] = this.members.length === 0 ? undefined : this.members[p % this.members.length];
      this.schedule(p);
    }
    this.scheduleAssignments();
  }

  /** Tell every member its partitions, once per burst of rebalances. */
  private scheduleAssignments(): void {
    if (this.assignmentsScheduled) return;
    this.assignmentsScheduled = true;
    queueMicrotask(() => {
      this.assignmentsScheduled = false;
      for (const member of this.members) {
        if (!member.onAssignment) continue;
        const partitions = this.owners.flatMap((owner, p) => (owner === member ? [p] : []));
        try {
          member.onAssignment(partitions);
        } catch (error) {
          this.logger.warn('onAssignment threw', { group: this.name, error: errorMessage(error) });
        }
      }
    });
  }

  private schedule(partition: number): void {
    if (this.scheduled.has(partition)) return;
    this.scheduled.add(partition);
    queueMicrotask(() => {
      this.scheduled.delete(partition);
      this.offer(partition);
    });
  }

  private offer(partition: number): void {
    const owner = this.owners[partition];
    if (!owner || this.inFlight[partition] || this.retryTimers[partition]) return;
    const log = this.log.partitions[partition];
    const from = Math.max(this.committed[partition], log.start); // records below the log start are gone
    const records = log.read(from, this.tuning.maxBatchSize);
    if (records.length === 0) return;
    const lease: Lease = { member: owner, partition, to: from + records.length };
    this.inFlight[partition] = lease;
    owner.leases.add(lease);
    invoke(owner.handler, records).then(
      () => this.settle(lease, true),
      (error: unknown) => {
        this.logger.warn('batch handler rejected; the batch will be delivered again', {
          group: this.name,
          partition,
          records: records.length,
          error: errorMessage(error),
        });
        this.settle(lease, false);
      },
    );
  }

  private settle(lease: Lease, resolved: boolean): void {
    lease.member.release(lease);
    if (this.inFlight[lease.partition] !== lease) return; // abandoned: the member was killed
    this.inFlight[lease.partition] = undefined;
    if (resolved) {
      this.committed[lease.partition] = lease.to;
      this.failures[lease.partition] = 0;
      this.schedule(lease.partition);
      for (const listener of [...this.commitListeners]) listener(lease.partition);
    } else {
      this.retryLater(lease.partition);
    }
  }

  private retryLater(partition: number): void {
    const failures = ++this.failures[partition];
    const delay = Math.min(this.tuning.retryBackoffMs * 2 ** (failures - 1), this.tuning.maxRetryBackoffMs);
    const timer = setTimeout(() => {
      this.retryTimers[partition] = undefined;
      this.offer(partition);
    }, delay);
    timer.unref();
    this.retryTimers[partition] = timer;
  }
}

/** Call a handler, turning a synchronous throw into a rejection. */
export function invoke(handler: BatchHandler, records: readonly BusRecord[]): Promise<void> {
  try {
    return handler(records);
  } catch (error) {
    return Promise.reject(error);
  }
}
