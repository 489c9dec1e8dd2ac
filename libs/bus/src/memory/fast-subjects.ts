import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { BatchQueue } from '../batch-queue';
import type { BatchHandler, BusRecord } from '../bus.port';
import { invoke } from './consumer-group';

/** One subscriber of a subject in the twin's FAST lane: a queue of records handed to its handler in batches. */
export class FastMember {
  private readonly queue: BatchQueue<BusRecord>;

  constructor(handler: BatchHandler, maxPending: number, logger: Logger) {
    this.queue = new BatchQueue<BusRecord>({
      handle: (batch) => invoke(handler, batch),
      onError: (error, batchSize) =>
        logger.warn('batch handler rejected; FAST records are not redelivered', {
          records: batchSize,
          error: errorMessage(error),
        }),
      onDrop: (pending) => logger.warn('subscriber too slow; FAST record dropped', { pending }),
      limit: maxPending,
    });
  }

  /** Queue a record for the handler: handled after every record delivered before it (dropped past `maxPending`). */
  deliver(record: BusRecord): void {
    this.queue.push(record);
  }

  /** Resolves once every record already handed to this member has been handled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Drop what waits; the batch in flight is abandoned to its fate. */
  clear(): void {
    this.queue.clear();
  }
}

interface QueueGroup {
  members: FastMember[];
  next: number;
}

/**
 * NATS core semantics for the twin: a record published on a subject goes to one member of each queue group listening
 * at that moment (round-robin), and to nobody if nobody listens. Nothing is retained.
 */
export class FastSubjects {
  private readonly subjects = new Map<string, Map<string, QueueGroup>>();

  /** Add `member` to queue group `group` of `subject`. */
  add(subject: string, group: string, member: FastMember): void {
    let groups = this.subjects.get(subject);
    if (!groups) {
      groups = new Map();
      this.subjects.set(subject, groups);
    }
    const queueGroup = groups.get(group) ?? { members: [], next: 0 };
    queueGroup.members.push(member);
    groups.set(group, queueGroup);
  }

  /** Remove `member`; it receives nothing published from now on. */
  remove(subject: string, group: string, member: FastMember): void {
    const groups = this.subjects.get(subject);
    const queueGroup = groups?.get(group);
    if (!groups || !queueGroup) return;
    queueGroup.members = queueGroup.members.filter((m) => m !== member);
    if (queueGroup.members.length === 0) groups.delete(group);
    if (groups.size === 0) this.subjects.delete(subject);
  }

  /** Hand each record to one member of every queue group of `subject`, in order. */
  publish(subject: string, records: readonly BusRecord[]): void {
    const groups = this.subjects.get(subject);
    if (!groups) return;
    for (const record of records) {
      for (const queueGroup of groups.values()) {
        const member = queueGroup.members[queueGroup.next++ % queueGroup.members.length];
        member.deliver(record);
      }
    }
  }
}
