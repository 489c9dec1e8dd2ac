import type { Admin, Kafka } from 'kafkajs';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { anySignal } from '../any-signal';
import type { Bus, BusRecord, DrainOptions, SubscribeOptions, Subscription, BusErrorCode } from '../bus.port';
import { createKafka, DEFAULT_KAFKA_TUNING, type KafkaBusOptions, type KafkaTuning } from './kafka-config';
import { drainKafkaGroup } from './kafka-drain';
import { KafkaPublisher } from './kafka-publisher';
import { KafkaSubscription } from './kafka-subscription';
import { ensureKafkaTopics } from './kafka-topics';

/**
 * The RELIABLE lane on Apache Kafka (kafkajs). Guarantees (see bus.port.ts): a resolved `publish` means the broker
 * holds the records on all in-sync replicas (idempotent producer, acks=all); per-key order from publisher to consumer
 * (key → partition by murmur2, one batch per partition at a time); at least once (commit after the handler resolved);
 * a committed batch is not delivered to that group again. Create it with `KafkaBus.connect`.
 */
export class KafkaBus implements Bus {
  readonly lane = 'RELIABLE' as const;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly drains = new Set<Promise<boolean>>();
  /** Stops the drains in progress when the client closes. */
  private readonly stopDrains = new AbortController();
  private closing: Promise<void> | undefined;
  private probeAdmin: Promise<Admin> | undefined;

  private constructor(
    private readonly kafka: Kafka,
    private readonly publisher: KafkaPublisher,
    private readonly tuning: KafkaTuning,
    private readonly logger: Logger,
  ) {}

  /** A client whose producer is connected; rejects with a retriable `LinkerError` when no broker answers. */
  static async connect(options: KafkaBusOptions): Promise<KafkaBus> {
    const tuning: KafkaTuning = { ...DEFAULT_KAFKA_TUNING, ...options.tuning };
    const logger = options.logger.child({ component: 'kafka-bus', clientId: options.clientId });
    const kafka = createKafka({ ...options, logger }, tuning);
    const publisher = new KafkaPublisher(kafka, tuning, logger);
    await publisher.connect();
    return new KafkaBus(kafka, publisher, tuning, logger);
  }

  /** Resolves once every topic exists with at least `partitions` partitions, each with a leader. Idempotent. */
  async ensureTopics(topics: readonly string[], partitions: number): Promise<void> {
    this.assertOpen();
    await ensureKafkaTopics(this.kafka, topics, partitions, this.tuning);
  }

  /**
   * Resolves once the broker acknowledged every record (acks=all); concurrent calls are coalesced into one request in
   * call order. Rejects with `BUS_UNAVAILABLE` (retriable) when the broker cannot be reached within the retries, with
   * `BUS_UNKNOWN_TOPIC` for a topic never ensured.
   */
  publish(topic: string, records: readonly BusRecord[]): Promise<void> {
    return this.publisher.publish(topic, records);
  }

  /** Resolves once this member has joined `group` (a new group starts from the beginning of the topic). */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const subscription = await KafkaSubscription.start(this.kafka, options, this.tuning, this.logger);
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  /**
   * See bus.port.ts and `drainKafkaGroup`: compares the group's committed offsets (admin) with the topic's high
   * watermarks as of the call; joins the group only if some are behind, and polls until none is. `signal` aborting
   * ends it early and it resolves; this client closing ends it the same way but it rejects `BUS_CLOSED`, so the
   * caller does not take the topic for drained. Broker errors reject like `subscribe`'s (retriable `LinkerError`).
   */
  async drain(options: DrainOptions): Promise<void> {
    this.assertOpen();
    if (options.signal?.aborted) return;
    const stop = anySignal([options.signal, this.stopDrains.signal]);
    const drained = drainKafkaGroup(this.kafka, options, stop.signal, this.tuning, this.logger);
    this.drains.add(drained);
    try {
      if ((await drained) || options.signal?.aborted) return;
    } finally {
      stop.dispose();
      this.drains.delete(drained);
    }
    throw new LinkerError<BusErrorCode>('BUS_CLOSED', `this Kafka bus client closed while draining ${options.topic}`);
  }

  /** Asks the cluster for its metadata (one admin connection, opened at the first probe and kept). */
  async probe(): Promise<void> {
    this.assertOpen();
    this.probeAdmin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.probeAdmin = undefined;
      throw error;
    });
    await (await this.probeAdmin).describeCluster();
  }

  /** Close every subscription and drain gracefully (batches in hand finish and commit), send queued publishes, disconnect. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const subscriptions = [...this.subscriptions];
      this.subscriptions.clear();
      this.stopDrains.abort();
      await Promise.all([...subscriptions.map((s) => s.close()), Promise.allSettled([...this.drains])]);
      await this.publisher.close();
      await (await this.probeAdmin?.catch(() => undefined))?.disconnect().catch(() => undefined);
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new LinkerError<BusErrorCode>('BUS_CLOSED', 'this Kafka bus client is closed');
  }
}
