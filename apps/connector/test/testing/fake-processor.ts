import { partitionSubject, type Lanes, type Subscription } from '@linker/bus';
import {
  connectorTopic,
  decodeEnvelope,
  encodeDelivery,
  INTERNAL_TYPES,
  intakeTopic,
  SYSTEM,
  type Delivery,
  type DeliveryReport,
  type Envelope,
  type Lane,
} from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import { waitFor } from '@linker/testing';

export interface FakeProcessorOptions {
  lanes: Lanes;
  domain: string;
  connector: string;
  /** The intake's partition count, as the connector uses it (FAST records go to one subject per partition). Default 4. */
  partitions?: number;
  /**
   * The answer to an AUTH_CLIENT (default: true for everyone); `undefined` = do not answer; an object = the reply's
   * data beside `appId` and `userId` (e.g. `{isAuthenticated: true, expiresAt}`).
   */
  authenticate?: (userId: string) => boolean | undefined | Record<string, unknown>;
  /** The data of the answer to a REFRESH_TOKEN (`REFRESH_TOKEN_REPLY`); default, or `undefined`: no answer. */
  refresh?: (userId: string, token: string) => Record<string, unknown> | undefined;
  /** Called when an AUTH_CLIENT arrives, before the answer is published. */
  onAuth?: (envelope: Envelope) => void;
}

/**
 * Plays the processors for the connector's tests: consumes the intake on both lanes, records every envelope, answers
 * AUTH_CLIENT with an AUTH_CLIENT_REPLY delivery to the socket it came from, and sends scripted deliveries.
 */
export class FakeProcessor {
  readonly received: Envelope[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly options: FakeProcessorOptions) {}

  async start(): Promise<void> {
    const { lanes, domain } = this.options;
    const topic = intakeTopic(domain);
    await lanes.RELIABLE.ensureTopics([topic, connectorTopic(domain, this.options.connector)], 4);
    const fastSubjects = Array.from({ length: this.options.partitions ?? 4 }, (_, p) => partitionSubject(topic, p));
    const subjects: Array<[Lanes[Lane], string]> = [
      [lanes.RELIABLE, topic],
      ...fastSubjects.map((s): [Lanes[Lane], string] => [lanes.FAST, s]),
    ];
    for (const [bus, subject] of subjects) {
      this.subscriptions.push(
        await bus.subscribe({
          topic: subject,
          group: `fake-processor.${domain}`,
          handler: async (records) => {
            for (const record of records) await this.intake(decodeEnvelope(record.value));
          },
        }),
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  /** Publish a delivery to the connector on `lane` (default: the envelope's). */
  async deliver(delivery: Delivery, lane: Lane = delivery.envelope.lane): Promise<void> {
    const topic = connectorTopic(this.options.domain, this.options.connector);
    await this.options.lanes[lane].publish(topic, [{ key: delivery.envelope.from, value: encodeDelivery(delivery) }]);
  }

  /** A MESSAGE envelope from `from` with `content`. */
  message(from: string, to: string, content: string, extra: Partial<Envelope> = {}): Envelope {
    return {
      id: newMessageId(),
      lane: 'RELIABLE',
      type: 'MESSAGE',
      from,
      to,
      data: { content },
      path: [this.options.domain],
      createdAt: Date.now(),
      hops: 0,
      ...extra,
    };
  }

  /** A system envelope (from SYSTEM). */
  system(type: string, data: unknown, extra: Partial<Envelope> = {}): Envelope {
    return {
      id: newMessageId(),
      lane: 'RELIABLE',
      type,
      from: SYSTEM,
      data,
      path: [this.options.domain],
      createdAt: Date.now(),
      hops: 0,
      ...extra,
    };
  }

  /** Envelopes of `type` received so far. */
  all(type: string): Envelope[] {
    return this.received.filter((envelope) => envelope.type === type);
  }

  /** Wait for an envelope of `type` matching `predicate`. */
  next(type: string, predicate: (envelope: Envelope) => boolean = () => true, timeoutMs = 10_000): Promise<Envelope> {
    return waitFor(`the processor to receive ${type}`, () => this.received.find((e) => e.type === type && predicate(e)), { timeoutMs });
  }

  /** Every DELIVERY_REPORT received so far, merged. */
  reports(): Required<DeliveryReport> {
    const merged: Required<DeliveryReport> = { delivered: [], undelivered: [], parked: [] };
    for (const envelope of this.all(INTERNAL_TYPES.DELIVERY_REPORT)) {
      const report = envelope.data as DeliveryReport;
      merged.delivered.push(...report.delivered);
      merged.undelivered.push(...report.undelivered);
      merged.parked.push(...(report.parked ?? []));
    }
    return merged;
  }

  private async intake(envelope: Envelope): Promise<void> {
    this.received.push(envelope);
    if (envelope.type === 'REFRESH_TOKEN') return this.refreshed(envelope);
    if (envelope.type !== 'AUTH_CLIENT' || envelope.origin === undefined) return;
    const data = envelope.data as { appId: string; userId: string };
    this.options.onAuth?.(envelope);
    const answer = (this.options.authenticate ?? (() => true))(data.userId);
    if (answer === undefined) return;
    const verdict = typeof answer === 'boolean' ? { isAuthenticated: answer } : answer;
    const reply = this.system('AUTH_CLIENT_REPLY', { appId: data.appId, userId: data.userId, ...verdict });
    await this.deliver({ envelope: reply, targets: [{ userId: data.userId, socketIds: [envelope.origin.socketId] }] });
  }

  private async refreshed(envelope: Envelope): Promise<void> {
    const data = this.options.refresh?.(envelope.from, (envelope.data as { token: string }).token);
    if (data === undefined || envelope.origin === undefined) return;
    const reply = this.system('REFRESH_TOKEN_REPLY', data, { reference: envelope.reference });
    await this.deliver({ envelope: reply, targets: [{ userId: envelope.from, socketIds: [envelope.origin.socketId] }] });
  }
}
