import { fastPartitionSubject, MemoryBroker, memoryLanes, type BusRecord, type Lanes, type Subscription } from '@linker/bus';
import {
  connectorTopic,
  decodeDelivery,
  encodeEnvelope,
  intakeTopic,
  type Delivery,
  type Envelope,
  type Lane,
  type SocketAddress,
} from '@linker/contracts';
import { newMessageId, type Clock } from '@linker/kernel';
import { MemoryMailbox, type Mailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { MemoryPresence, MemoryPresenceStore, type Presence } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { TopologyView, type Topology } from '@linker/topology';
import type { ProcessorSettings } from '../../src/config/processor.config';
import { processorSettings } from '../../src/config/processor.config';
import { Processor, type ProcessorDeps } from '../../src/processor';

export const DOMAIN = 'domain-01';
export const APP_ID = 'app-id-343';
export const MASTER = 'ANZ-123223';
const PARTITIONS = 4;

/** The original's ANZ app (master ANZ-123223; 0-999999 here, 1000000-2999999 in domain-02, 3000000-5999999 in domain-03). */
export function anzTopology(extraApps: Topology['clientApps'] = []): Topology {
  return {
    domains: ['domain-01', 'domain-02', 'domain-03'].map((name) => ({ name, urls: [] })),
    domainLinks: [
      { n1: 'domain-01', n2: 'domain-02' },
      { n1: 'domain-02', n2: 'domain-03' },
    ],
    clientApps: [
      {
        appName: 'ANZ',
        appId: APP_ID,
        masterUserId: MASTER,
        authEnabled: false,
        userDistributions: [
          { domainName: 'domain-01', from: 0, to: 999999 },
          { domainName: 'domain-02', from: 1000000, to: 2999999 },
          { domainName: 'domain-03', from: 3000000, to: 5999999 },
        ],
      },
      ...extraApps,
    ],
  };
}

const testSettings = (overrides: Partial<ProcessorSettings> = {}): ProcessorSettings =>
  processorSettings({
    domain: DOMAIN,
    name: 'processor-test',
    partitions: PARTITIONS,
    authWebhookTimeoutMs: 1000,
    maxGroupRecipients: 1000,
    handlerRetries: 3,
    retryBackoffMs: 1,
    dedupWindow: 10_000,
    ...overrides,
  });

/** An intake envelope as a connector makes it. */
export function intake(fields: Pick<Envelope, 'type' | 'from' | 'data'> & Partial<Envelope>): Envelope {
  return { id: newMessageId(), lane: 'RELIABLE', path: [DOMAIN], createdAt: Date.now(), hops: 0, ...fields };
}

export interface Received {
  lane: Lane;
  key: string;
  delivery: Delivery;
}

export interface HarnessOptions {
  topology?: Topology;
  settings?: Partial<ProcessorSettings>;
  processors?: number;
  /** Wrap each processor's presence (fault tests). */
  presence?: (presence: Presence) => Presence;
  /** Wrap the mailbox the processors use (fault tests); the harness's `mailbox` stays the plain one. */
  mailbox?: (mailbox: Mailbox) => Mailbox;
  fetch?: ProcessorDeps['fetch'];
  clock?: Clock;
}

/** How long after a connector ended its topic may be drained: short, as tests end connectors on purpose. */
const ENDED_GRACE_MS = 20;

/** A domain on twins: one memory broker, shared presence and mailbox, N processors, and fake connectors. */
export class Harness {
  readonly broker = new MemoryBroker();
  readonly lanes: Lanes = memoryLanes(this.broker);
  readonly presenceStore = new MemoryPresenceStore();
  readonly presence = new MemoryPresence({ store: this.presenceStore, endedGraceMs: ENDED_GRACE_MS });
  readonly mailbox = new MemoryMailbox();
  readonly processors: Processor[] = [];
  private readonly processorLanes: Lanes[] = [];
  private readonly connectors: FakeConnector[] = [];
  private published = 0;

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const harness = new Harness();
    const view = new TopologyView(options.topology ?? anzTopology());
    for (let i = 0; i < (options.processors ?? 1); i++) {
      const lanes = memoryLanes(harness.broker);
      const presence = new MemoryPresence({ store: harness.presenceStore, endedGraceMs: ENDED_GRACE_MS });
      const processor = new Processor({
        config: testSettings({ name: `processor-${i + 1}`, ...options.settings }),
        lanes,
        presence: options.presence ? options.presence(presence) : presence,
        mailbox: options.mailbox ? options.mailbox(harness.mailbox) : harness.mailbox,
        topology: () => view,
        logger: silentLogger,
        fetch: options.fetch,
        clock: options.clock,
      });
      await processor.start();
      harness.processors.push(processor);
      harness.processorLanes.push(lanes);
    }
    return harness;
  }

  async connector(name: string): Promise<FakeConnector> {
    const connector = new FakeConnector(name, this);
    await connector.start();
    this.connectors.push(connector);
    return connector;
  }

  /** Publish intake envelopes as connectors do: keyed by `key` (default: the sender), on the envelope's lane. */
  async send(envelope: Envelope, key = envelope.from): Promise<void> {
    await this.sendRecords(envelope.lane, [{ key, value: encodeEnvelope(envelope) }]);
  }

  async sendRecords(lane: Lane, records: BusRecord[]): Promise<void> {
    this.published += records.length;
    const topic = intakeTopic(DOMAIN);
    if (lane === 'RELIABLE') await this.lanes.RELIABLE.publish(topic, records);
    // FAST: one subject per partition, as the connector publishes (ADR 0002); one call per record keeps their order.
    else for (const record of records) await this.lanes.FAST.publish(fastPartitionSubject(topic, record.key, PARTITIONS), [record]);
  }

  /**
   * Wait until every intake record published so far has been handled (written, dead-lettered or skipped) and the
   * mailbox removals they asked for are done.
   */
  async settled(): Promise<void> {
    await waitFor(`processors to handle all ${this.published} intake records and their mailbox removals`, () => {
      const handled = this.processors.reduce((sum, p) => sum + p.health().stats.processed + p.health().stats.duplicates, 0);
      return handled >= this.published && this.processors.every((p) => p.health().pendingRemovals === 0);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.stop()));
    await Promise.all(this.connectors.map((c) => c.stop()));
    await Promise.all([...this.processorLanes, this.lanes].map((l) => l.close()));
  }
}

/** Plays one connector: holds sockets in presence and records every Delivery published to its topic, per lane. */
export class FakeConnector {
  readonly received: Received[] = [];
  private subscriptions: Subscription[] = [];
  private nextSocket = 1;

  constructor(
    readonly name: string,
    private readonly harness: Harness,
  ) {}

  async start(): Promise<void> {
    const topic = connectorTopic(DOMAIN, this.name);
    for (const lane of ['RELIABLE', 'FAST'] as const) {
      await this.harness.lanes[lane].ensureTopics([topic], PARTITIONS);
      const subscription = await this.harness.lanes[lane].subscribe({
        topic,
        group: topic, // as the connector names its groups (Egress), so a drain of an ended connector takes them over
        handler: async (records) => {
          for (const { key, value } of records) this.received.push({ lane, key, delivery: decodeDelivery(value) });
        },
      });
      this.subscriptions.push(subscription);
    }
  }

  /** A new authenticated socket of `userId` on this connector, registered in presence. */
  async connect(userId: string): Promise<SocketAddress> {
    const address = { domain: DOMAIN, connector: this.name, socketId: `${this.name}-s${this.nextSocket++}` };
    await this.harness.presence.add(userId, address);
    return address;
  }

  async disconnect(userId: string, address: SocketAddress): Promise<void> {
    await this.harness.presence.remove(userId, address);
  }

  /** Deliveries received so far whose envelope has `type` (and, if given, is for `userId`). */
  deliveries(type: string, userId?: string): Received[] {
    return this.received.filter(
      (r) => r.delivery.envelope.type === type && (userId === undefined || r.delivery.targets.some((t) => t.userId === userId)),
    );
  }

  /** Wait for a delivery of `type` for `userId`; the first such one. */
  async next(type: string, userId?: string, count = 1): Promise<Received> {
    const found = await waitFor(`${count} ${type} deliveries${userId ? ` for ${userId}` : ''} on ${this.name}`, () => {
      const list = this.deliveries(type, userId);
      return list.length >= count ? list : undefined;
    });
    return found[count - 1];
  }

  /** Stop consuming for good without telling presence (a SIGKILL): its sockets stay there until its lease ends. */
  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }
}

/** The usual fixture: a fresh harness with `connector-01` and `connector-02` for each test of the calling `describe`. */
export interface TwoConnectors {
  readonly harness: Harness;
  readonly c1: FakeConnector;
  readonly c2: FakeConnector;
}

/** Registers `beforeEach`/`afterEach` that build and stop a `TwoConnectors` fixture; read its fields inside tests. */
export function withTwoConnectors(options: HarnessOptions = {}): TwoConnectors {
  const fixture = {} as { harness: Harness; c1: FakeConnector; c2: FakeConnector };
  beforeEach(async () => {
    fixture.harness = await Harness.start(options);
    fixture.c1 = await fixture.harness.connector('connector-01');
    fixture.c2 = await fixture.harness.connector('connector-02');
  });
  afterEach(() => fixture.harness.stop());
  return fixture;
}
