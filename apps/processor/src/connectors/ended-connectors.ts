import type { Bus, BusRecord } from '@linker/bus';
import {
  connectorTopic,
  decodeDelivery,
  encodeEnvelope,
  intakeTopic,
  INTERNAL_TYPES,
  MAX_REPORT_BYTES,
  type Delivery,
  type DeliveryReport,
  type Undelivered,
} from '@linker/contracts';
import { errorMessage, newMessageId, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { EndedClaim, Presence } from '@linker/presence';
import { systemEnvelope } from '../dispatch/envelopes';
import { isStorable } from '../stored-messages/storable';

export interface EndedConnectorsOptions {
  presence: Presence;
  /** The RELIABLE lane: connector topics and the intake live there. */
  bus: Bus;
  domain: string;
  /** Pause between two passes (sweep, then drain whatever ended). */
  intervalMs: number;
  /** How long a claim on an ended connector lasts; a drain outliving it may be joined by another processor. */
  claimMs?: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Deliveries stranded in the RELIABLE topic of a connector that is gone (SIGKILL, or stopped and never back): a
 * processor may have routed a delivery to it just before its presence lease ended, and only a member of that
 * connector's consumer group ever reads its topic. So every `intervalMs` this sweeps presence, claims each connector
 * whose lease ended (`Presence.claimEnded`: one processor at a time) and drains its topic with its group
 * (`Bus.drain`), turning every delivery it takes into a DELIVERY_REPORT entry `undelivered` on all of its sockets,
 * published on the intake keyed by that connector, exactly as the connector itself would have reported it: the
 * report handler re-sends each message to a live socket of its recipient or stores it in the mailbox (ADR 0007).
 * Control frames (auth replies, presence events, CLOSE_CONNECTION) and messages already in the mailbox (fetched)
 * are not reported: the first are live only, the second stay stored. A connector that comes back under the same
 * name simply shares its group with a drain in progress: each delivery still goes to one of them.
 */
export class EndedConnectors {
  private readonly claimMs: number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: EndedConnectorsOptions) {
    this.claimMs = options.claimMs ?? 60_000;
    this.log = options.logger.child({ component: 'ended-connectors' });
  }

  start(): void {
    if (this.abort.signal.aborted || this.timer !== undefined) return;
    this.schedule();
  }

  /** Stop: a drain in progress leaves the group (what it did not commit stays for the next claim); resolves after. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass: sweep, then drain every claimable ended connector. Never rejects (a failure waits for the next pass). */
  async runOnce(): Promise<void> {
    const { presence } = this.options;
    try {
      await presence.sweep();
      while (!this.abort.signal.aborted) {
        const claim = await presence.claimEnded(this.claimMs);
        if (claim === undefined) return;
        await this.drain(claim);
      }
    } catch (error) {
      this.log.warn('ended connectors not drained this time; retrying', { error: errorMessage(error) });
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.pass = this.runOnce().finally(() => {
        this.pass = undefined;
        if (!this.abort.signal.aborted) this.schedule();
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async drain(claim: EndedClaim): Promise<void> {
    const { bus, domain, presence } = this.options;
    const topic = connectorTopic(domain, claim.connector);
    const counts = { deliveries: 0, reported: 0 };
    const startedAt = this.options.clock.now();
    await bus.drain({
      topic,
      group: topic,
      signal: this.abort.signal,
      handler: (records) => this.report(claim.connector, records, counts),
    });
    if (this.abort.signal.aborted) return;
    await presence.releaseEnded(claim);
    const level = counts.deliveries > 0 ? 'warn' : 'debug';
    this.log[level]('drained the topic of an ended connector', {
      connector: claim.connector,
      ...counts,
      ms: this.options.clock.now() - startedAt,
    });
  }

  /** One drained batch → DELIVERY_REPORTs on the intake; resolves once published, so the batch commits after. */
  private async report(connector: string, records: readonly BusRecord[], counts: { deliveries: number; reported: number }): Promise<void> {
    const reports: DeliveryReport[] = [];
    let current: DeliveryReport | undefined;
    let bytes = 0;
    for (const record of records) {
      counts.deliveries += 1;
      for (const entry of this.undelivered(record)) {
        if (current === undefined || bytes + record.value.length > MAX_REPORT_BYTES) {
          current = { delivered: [], undelivered: [] };
          reports.push(current);
          bytes = 0;
        }
        bytes += record.value.length;
        current.undelivered.push(entry);
        counts.reported += 1;
      }
    }
    if (reports.length === 0) return;
    const { bus, domain, clock } = this.options;
    const now = clock.now();
    const envelopes = reports.map((report) =>
      systemEnvelope({ id: newMessageId(), type: INTERNAL_TYPES.DELIVERY_REPORT, data: report, domain, now }),
    );
    await bus.publish(
      intakeTopic(domain),
      envelopes.map((envelope) => ({ key: connector, value: encodeEnvelope(envelope) })),
    );
  }

  /** What a connector would report of `record` had none of its sockets taken it. */
  private undelivered(record: BusRecord): Undelivered[] {
    let delivery: Delivery;
    try {
      delivery = decodeDelivery(record.value);
    } catch (error) {
      this.log.error('record on a connector topic is not a delivery; skipped', { key: record.key, error: errorMessage(error) });
      return [];
    }
    const { envelope, targets, fromMailbox } = delivery;
    if (fromMailbox === true || envelope.lane !== 'RELIABLE' || !isStorable(envelope.type)) return [];
    return targets.map(({ userId, socketIds }) => ({ userId, envelope, failedSocketIds: socketIds }));
  }
}
