import { type Kafka, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BusRecord, BusErrorCode } from '../bus.port';
import { chunksBySize } from '../chunks';
import type { KafkaTuning } from './kafka-config';
import { toLinkerError } from './kafka-errors';

interface PendingPublish {
  readonly topic: string;
  readonly records: readonly BusRecord[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: LinkerError) => void;
}

/**
 * The RELIABLE producer: idempotent, acks=all, keyed by `BusRecord.key` with Kafka's default (murmur2) partitioner.
 *
 * Coalescing: every `publish` made in one event-loop turn (or while the previous `sendBatch` was in flight) goes out
 * in one `sendBatch`, in call order, so per-key order holds across calls and many sockets publishing at once cost one
 * request. One `sendBatch` is in flight at a time.
 *
 * Retries are finite (kafkajs warns that this may weaken its exactly-once bookkeeping): a publish must be able to fail
 * so the caller can refuse the frame. After a failed send the producer is replaced, so the next send starts a new
 * producer id instead of reusing sequence numbers the broker may already hold. Delivery stays at least once.
 */
export class KafkaPublisher {
  private queue: PendingPublish[] = [];
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly tuning: KafkaTuning,
    private readonly logger: Logger,
  ) {}

  /** Connect the producer now (fail fast at boot); rejects with a retriable `LinkerError` when the broker is down. */
  async connect(): Promise<void> {
    await this.connected();
  }

  /** Resolves once the broker acknowledged every record on all in-sync replicas; see the class comment for batching. */
  publish(topic: string, records: readonly BusRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new LinkerError<BusErrorCode>('BUS_CLOSED', 'this Kafka bus client is closed'));
    if (records.length === 0) return Promise.resolve();
    // A large publish (e.g. a fetch of 2,000 messages) is split into requests of at most `maxFlushBytes`, queued in
    // order: the broker refuses a record batch over its limit (1 MB by default), and chunks keep per-key order.
    const sent = chunksBySize(records, (record) => record.value.length + record.key.length, this.tuning.maxFlushBytes).map(
      ({ items, bytes }) => new Promise<void>((resolve, reject) => this.queue.push({ topic, records: items, bytes, resolve, reject })),
    );
    this.schedule();
    return Promise.all(sent).then(() => undefined);
  }

  /** Send what is queued, refuse new publishes, disconnect. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drained;
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await producer.then((p) => p.disconnect()).catch(() => undefined);
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    this.drained = new Promise<void>((resolve) => setImmediate(() => void this.drain().then(resolve)));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.send(this.takeBatch());
    this.draining = false;
  }

  /** The oldest publishes, up to `maxFlushBytes` (at least one). */
  private takeBatch(): PendingPublish[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count].bytes <= this.tuning.maxFlushBytes)) {
      bytes += this.queue[count++].bytes;
    }
    return this.queue.splice(0, count);
  }

  private async send(batch: PendingPublish[]): Promise<void> {
    try {
      const producer = await this.connected();
      await producer.sendBatch({ acks: -1, topicMessages: byTopic(batch) });
      for (const pending of batch) pending.resolve();
    } catch (cause) {
      const error = toLinkerError(cause, 'publish');
      this.logger.warn('publish failed', { code: error.code, retriable: error.retriable, records: batch.length });
      for (const pending of batch) pending.reject(error);
      await this.replaceProducer();
    }
  }

  private connected(): Promise<Producer> {
    this.producer ??= this.createProducer();
    return this.producer;
  }

  private async createProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: this.tuning.retry,
    });
    try {
      await producer.connect();
      return producer;
    } catch (cause) {
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw toLinkerError(cause, 'connect producer');
    }
  }

  private async replaceProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.then((p) => p.disconnect()).catch(() => undefined);
  }
}

/** Group records by topic, keeping call order within each topic. */
function byTopic(batch: readonly PendingPublish[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const { topic, records } of batch) {
    let entry = topics.get(topic);
    if (!entry) {
      entry = { topic, messages: [] };
      topics.set(topic, entry);
    }
    for (const { key, value } of records) entry.messages.push({ key, value });
  }
  return [...topics.values()];
}
