import type { BusRecord, Lanes, Subscription } from '@linker/bus';
import {
  clientFrameBytes,
  connectorTopic,
  decodeDelivery,
  type AuthReplyData,
  type Delivery,
  type PublicationData,
  type RefreshTokenReplyData,
} from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { ChannelSubscribers } from '../channels/channel-subscribers';
import type { IntakePublisher } from '../ingress/intake-publisher';
import type { AuthFlow } from '../sessions/auth-flow';
import type { SessionRegistry } from '../sessions/session-registry';
import { BatchReport, type ReportOutbox } from './delivery-reports';
import type { DeliveryWriter } from './delivery-writer';

export interface EgressOptions {
  lanes: Lanes;
  intake: IntakePublisher;
  sessions: SessionRegistry;
  auth: AuthFlow;
  writer: DeliveryWriter;
  outbox: ReportOutbox;
  domain: string;
  connector: string;
  partitions: number;
  /** How long the batch's report waits for the acks of what ack-mode sockets hold, before parking the rest. */
  ackWaitMs: number;
  /** Where a PUBLICATION goes: the subscribers of its channel here (client sockets, Push subscribers). */
  channels: ChannelSubscribers;
  logger: Logger;
}

/** Lets the write callbacks of frames the kernel took at once run before the batch's report is cut. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Deliveries for this connector's sockets: `connectorTopic(domain, name)` on both lanes (RELIABLE consumer group and
 * FAST queue group named after that topic). Per batch, in record order: AUTH_CLIENT_REPLY finishes an auth (awaited,
 * so later records see its outcome), CLOSE_CONNECTION closes the target sockets with 4003, a PUBLICATION is written
 * to every socket subscribed to its channel here (at most once: nothing is reported or held), anything else is written
 * (`DeliveryWriter`). Then ONE DELIVERY_REPORT (split only past a size bound) is published on the RELIABLE intake,
 * and only then does the handler resolve, so a RELIABLE batch is committed only once its outcome is reported: if the
 * connector dies first, the batch is delivered again and the de-duplication window keeps sockets from seeing it twice.
 * Deliveries of fetched messages go to the outbox instead (the mailbox keeps those until reported: `BatchReport`).
 * The report parks what ack-mode sockets hold unacknowledged, so once the batch commits nothing of it lives only in
 * this process: a crash before the acks leaves those messages in the mailbox (docs/protocol.md, Ack mode; ADR 0007).
 * A record that is not a `Delivery` is logged and skipped (it would fail forever).
 */
export class Egress {
  private readonly subscriptions: Subscription[] = [];
  private readonly topic: string;
  private readonly log: Logger;

  constructor(private readonly options: EgressOptions) {
    this.topic = connectorTopic(options.domain, options.connector);
    this.log = options.logger.child({ component: 'egress' });
  }

  /** Create this connector's RELIABLE topic (and the intake it publishes to) and subscribe on both lanes. */
  async start(): Promise<void> {
    const { lanes, intake, partitions } = this.options;
    await lanes.RELIABLE.ensureTopics([this.topic, intake.topic], partitions);
    for (const bus of [lanes.RELIABLE, lanes.FAST]) {
      this.subscriptions.push(await bus.subscribe({ topic: this.topic, group: this.topic, handler: this.handle }));
    }
  }

  /** Leave both groups: the batch in hand finishes and is reported; nothing is received afterwards. */
  async stop(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
  }

  private readonly handle = async (records: readonly BusRecord[]): Promise<void> => {
    const report = new BatchReport(this.options.outbox);
    let tracked = false;
    for (const record of records) {
      const delivery = this.decode(record);
      if (delivery === undefined) continue;
      const pending = this.route(delivery, report);
      if (pending === true) tracked = true;
      else if (pending !== false) await pending;
    }
    // A batch whose outcomes nobody follows (FAST frames without a confirmation: most of the FAST lane) has nothing
    // to report: it skips the turn that waits for write callbacks, one timer and promise per batch.
    if (!tracked) return;
    await nextTurn();
    await report.acksOrTimeout(this.options.ackWaitMs);
    const reports = report.seal();
    try {
      if (reports.length > 0) await this.options.intake.publishReports(this.options.connector, reports);
    } finally {
      report.release(this.options.outbox);
    }
  };

  /** Handles one delivery: a promise to await (an auth reply), or whether its outcome goes to `report`. */
  private route(delivery: Delivery, report: BatchReport): Promise<void> | boolean {
    switch (delivery.envelope.type) {
      case 'AUTH_CLIENT_REPLY':
        return this.authReply(delivery);
      case 'REFRESH_TOKEN_REPLY':
        this.refreshReply(delivery);
        return false;
      case 'CLOSE_CONNECTION':
        this.closeTargets(delivery);
        return false;
      case 'PUBLICATION': {
        const { envelope } = delivery;
        const { channel, offset } = envelope.data as PublicationData;
        this.options.channels.write(channel, envelope, offset);
        return false;
      }
      default:
        return this.options.writer.write(delivery, report);
    }
  }

  private async authReply(delivery: Delivery): Promise<void> {
    const { sessions, auth } = this.options;
    const data = replyData<AuthReplyData>(delivery);
    const reply = clientFrameBytes(delivery.envelope);
    for (const { userId, socketIds } of delivery.targets) {
      for (const socketId of socketIds) await auth.finish(sessions.get(socketId), userId, data, reply);
    }
  }

  private refreshReply(delivery: Delivery): void {
    const { sessions, auth } = this.options;
    const data = replyData<RefreshTokenReplyData>(delivery);
    const reply = clientFrameBytes(delivery.envelope);
    for (const { userId, socketIds } of delivery.targets) {
      for (const socketId of socketIds) auth.refreshed(sessions.get(socketId), userId, data, reply);
    }
  }

  private closeTargets(delivery: Delivery): void {
    for (const { userId, socketIds } of delivery.targets) {
      for (const socketId of socketIds) {
        const session = this.options.sessions.get(socketId);
        if (session?.state === 'AUTHENTICATED' && session.userId === userId) session.close('CLOSED_BY_MASTER');
      }
    }
  }

  private decode(record: BusRecord): Delivery | undefined {
    try {
      return decodeDelivery(record.value);
    } catch (error) {
      this.log.error('record on the connector topic is not a delivery; skipped', { key: record.key, error: errorMessage(error) });
      return undefined;
    }
  }
}

/** An auth or refresh reply's data as the processor wrote it (fields of the wrong type are left out). */
function replyData<T extends AuthReplyData | RefreshTokenReplyData>(delivery: Delivery): Partial<T> {
  const data = (delivery.envelope.data ?? {}) as Record<string, unknown>;
  const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return {
    isAuthenticated: data.isAuthenticated === true,
    expiresAt: number(data.expiresAt),
    retryAfterMs: number(data.retryAfterMs),
  } as Partial<T>;
}
