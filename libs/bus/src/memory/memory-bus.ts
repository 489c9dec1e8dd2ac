import type { Lane } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { anySignal } from '../any-signal';
import type { Bus, BusRecord, DrainOptions, SubscribeOptions, Subscription, BusErrorCode } from '../bus.port';
import type { MemoryBroker } from './memory-broker';

/** A twin subscription: `close` is the graceful leave of the port; `kill` is a crash, for fault tests. */
export interface MemorySubscription extends Subscription {
  /**
   * End this member abruptly, as if its process died: RELIABLE: the batches it holds are abandoned uncommitted and
   * redelivered to the remaining members; FAST: records waiting for it are lost. A handler still running is not
   * stopped, but nothing it does counts any more.
   */
  kill(): void;
}

/**
 * A client of a `MemoryBroker`, like one process connected to a broker: `RELIABLE` keeps Kafka's semantics (commit
 * after the handler resolves, redelivery of uncommitted batches), `FAST` keeps NATS core's (at most once, queue-group
 * spread, nothing retained). Values are not copied: do not mutate a buffer after publishing it.
 */
export class MemoryBus implements Bus {
  private readonly subscriptions = new Set<MemorySubscription>();
  /** Stops the drains in progress when the client closes. */
  private readonly closing = new AbortController();
  private closed = false;

  constructor(
    private readonly broker: MemoryBroker,
    readonly lane: Lane,
  ) {}

  /** RELIABLE: the topics exist with at least `partitions` partitions when this resolves. FAST: resolves at once. */
  async ensureTopics(topics: readonly string[], partitions: number): Promise<void> {
    this.assertOpen();
    if (this.lane === 'FAST') return;
    for (const topic of topics) this.broker.ensureTopic(topic, partitions);
  }

  /**
   * RELIABLE: resolves once the records are in the broker's log — and, for a topic the broker persists, durable in
   * its store (rejects `BUS_UNKNOWN_TOPIC` for a topic never ensured; a retriable `BUS_UNAVAILABLE` if the store
   * failed). FAST: resolves once the records were handed to the current subscribers, if any.
   */
  async publish(topic: string, records: readonly BusRecord[]): Promise<void> {
    this.assertOpen();
    if (this.lane === 'RELIABLE') await this.broker.append(topic, records);
    else this.broker.publishFast(topic, records);
  }

  /** Resolves once the member is in the group: records published from now on reach the group. */
  async subscribe(options: SubscribeOptions): Promise<MemorySubscription> {
    this.assertOpen();
    const subscription = this.lane === 'RELIABLE' ? this.subscribeReliable(options) : this.subscribeFast(options);
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * RELIABLE: join `group` with `handler` unless it already committed every record as of now (or the topic does not
   * exist), wait until the group — any of its members — committed up to there, leave, resolve. `signal` aborting
   * ends it early (the batch in hand finishes and commits) and it resolves; this client closing ends it the same way
   * but it rejects `BUS_CLOSED`, so the caller does not take the topic for drained. FAST: resolves at once.
   */
  async drain({ topic, group, handler, signal }: DrainOptions): Promise<void> {
    this.assertOpen();
    if (this.lane === 'FAST' || signal?.aborted || !this.broker.hasTopic(topic)) return;
    const ends = this.broker.partitionSizes(topic);
    if (this.broker.hasCommitted(topic, group, ends)) return;
    const stop = anySignal([signal, this.closing.signal]);
    const subscription = this.subscribeReliable({ topic, group, handler });
    this.subscriptions.add(subscription);
    let reached: boolean;
    try {
      reached = await this.broker.whenCommitted(topic, group, ends, stop.signal);
    } finally {
      stop.dispose();
      await subscription.close();
    }
    if (!reached && !signal?.aborted)
      throw new LinkerError<BusErrorCode>('BUS_CLOSED', `this ${this.lane} bus client closed while draining ${topic}`);
  }

  /** Close every subscription gracefully (batches in hand finish and commit); later calls reject `BUS_CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  private subscribeReliable({ topic, group, handler, onAssignment }: SubscribeOptions): MemorySubscription {
    const joined = this.broker.join(topic, group, handler, onAssignment);
    let gone: Promise<void> | undefined;
    const subscription: MemorySubscription = {
      close: () => {
        this.subscriptions.delete(subscription);
        gone ??= joined.group.leave(joined.member);
        return gone;
      },
      kill: () => {
        this.subscriptions.delete(subscription);
        gone ??= Promise.resolve(joined.group.kill(joined.member));
      },
    };
    return subscription;
  }

  private subscribeFast({ topic, group, handler }: SubscribeOptions): MemorySubscription {
    const member = this.broker.subscribeFast(topic, group, handler);
    const leave = (): void => {
      this.subscriptions.delete(subscription);
      this.broker.unsubscribeFast(topic, group, member);
    };
    const subscription: MemorySubscription = {
      close: async () => {
        leave();
        await member.idle();
      },
      kill: () => {
        leave();
        member.clear();
      },
    };
    return subscription;
  }

  private assertOpen(): void {
    if (this.closed) throw new LinkerError<BusErrorCode>('BUS_CLOSED', `this ${this.lane} bus client is closed`);
  }
}
