import type { Lanes } from '@linker/bus';
import { encodeEnvelope, intakeTopic, INTERNAL_TYPES, SYSTEM, type DeliveryReport, type Envelope, type Lane, type SocketAddress } from '@linker/contracts';
import { newMessageId, type Clock } from '@linker/kernel';

/**
 * The processors' intake (`intakeTopic(domain)`) as the connector publishes to it: client frames turned into
 * envelopes, and the connector's own system envelopes (AUTH_CLIENT, USER_CONNECTED, USER_DISCONNECTED,
 * DELIVERY_REPORT). Guarantees are the lane's (bus.port.ts); publishes made one after another keep their order.
 */
export class Intake {
  readonly topic: string;
  /** `[domain]`: the path of every envelope born here. Shared, never mutated (envelopes are encoded at once). */
  readonly path: string[];

  constructor(
    private readonly lanes: Lanes,
    domain: string,
    private readonly clock: Clock,
  ) {
    this.topic = intakeTopic(domain);
    this.path = [domain];
  }

  /** Publish one envelope keyed by `key` (the user, or the connector for reports). Never throws: rejects instead. */
  publish(lane: Lane, key: string, envelope: Envelope): Promise<void> {
    try {
      return this.lanes[lane].publish(this.topic, [{ key, value: encodeEnvelope(envelope) }]);
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
      const records = reports.map((report) => ({ key: connector, value: encodeEnvelope(this.system(INTERNAL_TYPES.DELIVERY_REPORT, report)) }));
      return this.lanes.RELIABLE.publish(this.topic, records);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A RELIABLE envelope from `SYSTEM`, born now. */
  system(type: string, data: unknown, origin?: SocketAddress): Envelope {
    return { id: newMessageId(), lane: 'RELIABLE', type, from: SYSTEM, data, origin, path: this.path, createdAt: this.clock.now(), hops: 0 };
  }
}
