import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBroker, memoryLanes, type Lanes, type Subscription } from '@linker/bus';
import {
  connectorTopic,
  decodeDelivery,
  encodeEnvelope,
  intakeTopic,
  type Delivery,
  type Envelope,
  type SocketAddress,
} from '@linker/contracts';
import { MemoryLinkNetwork } from '@linker/domain-link';
import { newMessageId } from '@linker/kernel';
import { MemoryMailbox } from '@linker/mailbox';
import { createLogger, silentLogger } from '@linker/observability';
import { MemoryPresence } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { parseTopology, TopologyView } from '@linker/topology';
import type { ProcessorHealth } from '../../src/health/processor-stats';
import { processorSettings, type ProcessorSettings } from '../../src/config/processor.config';
import { Processor } from '../../src/processor';

/** The original's four-domain ring (domain-01..04; links 01-02, 02-03, 03-04, 01-04), as the repository ships it. */
function ringView(): TopologyView {
  const { topology } = parseTopology(readFileSync(join(__dirname, '../../../../topologies/four-domain-ring.yaml'), 'utf8'));
  if (!topology) throw new Error('topologies/four-domain-ring.yaml does not parse');
  return new TopologyView(topology);
}

const CONNECTOR = 'connector-01';

/** One domain on twins: its own broker, presence and mailbox, one processor linked over the shared network. */
export class RingDomain {
  readonly broker = new MemoryBroker();
  readonly lanes: Lanes = memoryLanes(this.broker);
  readonly presence = new MemoryPresence();
  readonly mailbox = new MemoryMailbox();
  /** Every Delivery published to this domain's one connector, in order. */
  readonly received: Delivery[] = [];
  private processor!: Processor;
  private readonly subscriptions: Subscription[] = [];
  private sockets = 0;

  constructor(
    readonly name: string,
    private readonly network: MemoryLinkNetwork,
    private readonly view: TopologyView,
    private readonly settings: Partial<ProcessorSettings> = {},
  ) {}

  async start(): Promise<void> {
    this.processor = new Processor({
      config: processorSettings({ domain: this.name, name: `${this.name}-processor`, partitions: 2, retryBackoffMs: 1, ...this.settings }),
      lanes: this.lanes,
      presence: this.presence,
      mailbox: this.mailbox,
      topology: () => this.view,
      logger: process.env.RING_LOG ? createLogger(this.name, 'debug') : silentLogger,
      federation: { transport: this.network, secretFor: () => 'ring-secret', listen: true, failoverMs: 200 },
    });
    await this.processor.start();
    const topic = connectorTopic(this.name, CONNECTOR);
    for (const bus of [this.lanes.RELIABLE, this.lanes.FAST]) {
      await bus.ensureTopics([topic], 2);
      this.subscriptions.push(
        await bus.subscribe({
          topic,
          group: topic,
          handler: async (records) => void this.received.push(...records.map((r) => decodeDelivery(r.value))),
        }),
      );
    }
  }

  /** The processor's health, with its links. */
  health(): ProcessorHealth {
    return this.processor.health();
  }

  /** A socket of `userId` on this domain's connector, in presence. */
  async connect(userId: string): Promise<SocketAddress> {
    const address = { domain: this.name, connector: CONNECTOR, socketId: `${this.name}-s${++this.sockets}` };
    await this.presence.add(userId, address);
    return address;
  }

  /** A client frame as this domain's connector turns it into an intake envelope, published. */
  async send(fields: Pick<Envelope, 'type' | 'from' | 'data'> & Partial<Envelope>): Promise<Envelope> {
    const envelope: Envelope = { id: newMessageId(), lane: 'RELIABLE', path: [this.name], createdAt: Date.now(), hops: 0, ...fields };
    await this.publish(envelope);
    return envelope;
  }

  /** The connector's report that `delivery` was written to every socket it names (what makes a confirmation). */
  async reportWritten(delivery: Delivery): Promise<void> {
    const { envelope, targets } = delivery;
    const fromMailbox = delivery.fromMailbox;
    const path = envelope.confirm === true && envelope.path.length > 1 ? envelope.path : undefined; // as the connector reports it
    const delivered = targets.map((t) => ({
      id: envelope.id,
      userId: t.userId,
      from: envelope.from,
      reference: envelope.reference,
      confirm: envelope.confirm,
      fromMailbox,
      path,
    }));
    await this.publish(
      {
        id: newMessageId(),
        lane: 'RELIABLE',
        type: 'DELIVERY_REPORT',
        from: 'SYSTEM',
        data: { delivered, undelivered: [] },
        path: [this.name],
        createdAt: Date.now(),
        hops: 0,
      },
      CONNECTOR,
    );
  }

  /** Wait for the `n`-th delivery whose envelope has `type`. */
  async next(type: string, n = 1): Promise<Delivery> {
    return waitFor(`${n} ${type} deliveries in ${this.name}`, () => this.received.filter((d) => d.envelope.type === type)[n - 1], {
      timeoutMs: 10_000,
    });
  }

  async stop(): Promise<void> {
    await this.processor.stop();
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
    await this.lanes.close();
  }

  private async publish(envelope: Envelope, key = envelope.from): Promise<void> {
    await this.lanes.RELIABLE.publish(intakeTopic(this.name), [{ key, value: encodeEnvelope(envelope) }]);
  }
}

/** The four ring domains, started, each with its processor linked to its neighbours over `network`. */
export async function startRing(
  network = new MemoryLinkNetwork(),
  settings: Partial<ProcessorSettings> = {},
): Promise<{ network: MemoryLinkNetwork; domains: Map<string, RingDomain> }> {
  const view = ringView();
  const domains = new Map(view.topology.domains.map((d) => [d.name, new RingDomain(d.name, network, view, settings)]));
  await Promise.all([...domains.values()].map((domain) => domain.start()));
  return { network, domains };
}
