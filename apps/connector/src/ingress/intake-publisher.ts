import { fastPartitionSubject, type Lanes } from '@linker/bus';
import {
  encodeEnvelope,
  intakeTopic,
  INTERNAL_TYPES,
  SYSTEM,
  type DeliveryReport,
  type Envelope,
  type Lane,
  type SocketAddress,
} from '@linker/contracts';
import { newMessageId, type Clock } from '@linker/kernel';

/**
 * The processors' intake (`intakeTopic(domain)`) as the connector publishes to it: client frames turned into
 * envelopes, and the connector's own system envelopes (AUTH_CLIENT, USER_CONNECTED, USER_DISCONNECTED,
 * DELIVERY_REPORT). Guarantees are the lane's (bus.port.ts); publishes made one after another keep their order.
 * RELIABLE records go to the topic (Kafka partitions them by key); FAST records to the subject of their key's partition,
 * `fastPartitionSubject(topic, key, partitions)`, which only the processor owning that partition listens to (ADR 0002).
 */
export class IntakePublisher {
  readonly topic: string;
  /** `[domain]`: the path of every envelope born here. Shared, never mutated (envelopes are encoded at once). */
  readonly path: string[];

  constructor(
    private readonly lanes: Lanes,
    domain: string,
    private readonly clock: Clock,
    /** The intake's partition count (`LINKER_PARTITIONS`), as the processors use it. */
    private readonly partitions: number,
  ) {
    this.topic = intakeTopic(domain);
    this.path = [domain];
  }

  /** Publish one envelope keyed by `key` (the user, or the connector for reports). Never throws: rejects instead. */
  publish(lane: Lane, key: string, envelope: Envelope): Promise<void> {
    try {
      const topic = lane === 'FAST' ? fastPartitionSubject(this.topic, key, this.partitions) : this.topic;
      return this.lanes[lane].publish(topic, [{ key, value: encodeEnvelope(envelope) }]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Publish `envelopes`, all keyed by `key`, in one call to `lane` (the server API's message to several recipients):
   * resolves once the lane accepted all of them, rejects if it did not (some may have been accepted). Never throws.
   */
  publishAll(lane: Lane, key: string, envelopes: readonly Envelope[]): Promise<void> {
    try {
      const topic = lane === 'FAST' ? fastPartitionSubject(this.topic, key, this.partitions) : this.topic;
      return this.lanes[lane].publish(
        topic,
        envelopes.map((envelope) => ({ key, value: encodeEnvelope(envelope) })),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Publish delivery reports as DELIVERY_REPORT envelopes keyed by the connector, RELIABLE, in one call: resolves once
   * the broker holds all of them.
   */
  publishReports(connector: string, reports: readonly DeliveryReport[]): Promise<void> {
    try {
      const records = reports.map((report) => ({
        key: connector,
        value: encodeEnvelope(this.system(INTERNAL_TYPES.DELIVERY_REPORT, report)),
      }));
      return this.lanes.RELIABLE.publish(this.topic, records);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A PUBLISH of `data` to `channel` from `SYSTEM` (the app's backend: no `from` in the PUBLICATION), without origin
   * or confirmation, born now; `id` for a retry to be the same publication.
   */
  publication(lane: Lane, channel: string, data: unknown, id: string = newMessageId()): Envelope {
    return {
      id,
      lane,
      type: 'PUBLISH',
      from: SYSTEM,
      to: channel,
      data: { channel, data },
      confirm: false,
      path: this.path,
      createdAt: this.clock.now(),
      hops: 0,
    };
  }

  /** A RELIABLE envelope from `SYSTEM`, born now. */
  system(type: string, data: unknown, origin?: SocketAddress): Envelope {
    return {
      id: newMessageId(),
      lane: 'RELIABLE',
      type,
      from: SYSTEM,
      data,
      origin,
      path: this.path,
      createdAt: this.clock.now(),
      hops: 0,
    };
  }
}
