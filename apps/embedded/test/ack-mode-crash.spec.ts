import { MemoryBroker, MemoryBus, memoryLanes, type Bus, type BusErrorCode, type Lanes, type MemorySubscription } from '@linker/bus';
import { LinkerClient, type ClientEvents } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { connectorTopic, type ServerFrame } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { MemoryMailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { MemoryPresence, MemoryPresenceStore } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { LocalTopologySource, type Topology } from '@linker/topology';
import { connectorSettings, openConnector, type Connector } from '../../connector/src';
import { openProcessor, processorSettings, type ProcessorService } from '../../processor/src';

jest.setTimeout(30_000);

const DOMAIN = 'domain-01';
const APP_ID = 'app-id-343';
const SENDER = 'ANZ-1';
const RECIPIENT = 'ANZ-2';

const topology: Topology = {
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: APP_ID,
      masterUserId: 'ANZ-123223',
      authEnabled: false,
      userDistributions: [{ domainName: DOMAIN, from: 0, to: 999999 }],
    },
  ],
};

/** Lanes of one process that can die: `crash` abandons its batches uncommitted and makes everything it publishes vanish. */
function mortalLanes(broker: MemoryBroker): Lanes & { crash(): void } {
  const subscriptions: MemorySubscription[] = [];
  let dead = false;
  const mortal = (bus: MemoryBus): Bus => ({
    lane: bus.lane,
    ensureTopics: (topics, partitions) => bus.ensureTopics(topics, partitions),
    subscribe: async (options) => {
      const subscription = await bus.subscribe(options);
      subscriptions.push(subscription);
      return subscription;
    },
    publish: (topic, records) =>
      dead ? Promise.reject(new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'the process is dead')) : bus.publish(topic, records),
    drain: (options) => bus.drain(options),
    close: () => bus.close(),
  });
  const RELIABLE = new MemoryBus(broker, 'RELIABLE');
  const FAST = new MemoryBus(broker, 'FAST');
  return {
    RELIABLE: mortal(RELIABLE),
    FAST: mortal(FAST),
    close: async () => void (await Promise.all([RELIABLE.close(), FAST.close()])),
    crash: () => {
      dead = true;
      for (const subscription of subscriptions.splice(0)) subscription.kill();
    },
  };
}

/** A bare ack-mode client that never acknowledges anything: what it holds lives only in the connector's memory. */
class SilentAckClient {
  readonly frames: ServerFrame[] = [];
  private readonly socket: NodeWebSocket;

  private constructor(url: string) {
    this.socket = new NodeWebSocket(url);
    this.socket.onmessage = ({ data }) => this.frames.push(JSON.parse(String(data)) as ServerFrame);
  }

  static async authenticated(url: string, userId: string): Promise<SilentAckClient> {
    const client = new SilentAckClient(url);
    await waitFor('the socket to open', () => client.socket.readyState === 1);
    client.socket.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: APP_ID, userId, token: 'token-12345', ack: true } }));
    await client.next('AUTH_CLIENT_REPLY');
    return client;
  }

  next(type: string): Promise<ServerFrame> {
    return waitFor(`a ${type} frame`, () => this.frames.find((frame) => frame.type === type));
  }

  /** The connection dies with the connector's process. */
  drop(): void {
    this.socket.close();
  }
}

// docs/protocol.md, Ack mode, and "no RELIABLE message is lost because something else went wrong": ack mode survives a connector crash.
describe('ack mode across a connector crash', () => {
  const broker = new MemoryBroker();
  const store = new MemoryPresenceStore();
  const mailbox = new MemoryMailbox();
  const opened: Array<{ close(): Promise<void> }> = [];
  let processor: ProcessorService;

  const connector = async (name: string, lanes: Lanes): Promise<Connector> => {
    const config = connectorSettings({ domain: DOMAIN, name, wsHost: '127.0.0.1', wsPort: 0 });
    const started = openConnector(config, { lanes, presence: new MemoryPresence({ store }), logger: silentLogger });
    await started.start();
    opened.push(lanes, { close: () => started.stop() });
    return started;
  };
  const client = async (url: string, userId: string, ack: boolean): Promise<LinkerClient> => {
    const made = new LinkerClient({ url, appId: APP_ID, userId, token: 'token-12345', ack, webSocket: NodeWebSocket, reconnect: false });
    opened.push(made);
    await made.connect();
    return made;
  };
  const urlOf = (c: Connector): string => `ws://127.0.0.1:${c.port}/ws`;

  beforeAll(async () => {
    const lanes = memoryLanes(broker);
    const config = processorSettings({ domain: DOMAIN, name: 'processor-1' });
    processor = openProcessor(config, {
      lanes,
      presence: new MemoryPresence({ store }),
      mailbox,
      topology: new LocalTopologySource(topology),
      logger: silentLogger,
    });
    await processor.start();
    opened.push(lanes, { close: () => processor.stop() });
  });

  afterAll(async () => {
    for (const resource of opened.reverse()) await resource.close(); // last opened, first closed
  });

  it('keeps a message written to an ack-mode socket, unacknowledged when its connector died, for a fetch on another connector', async () => {
    const doomedLanes = mortalLanes(broker);
    const doomed = await connector('connector-doomed', doomedLanes);
    const survivor = await connector('connector-survivor', memoryLanes(broker));
    const sender = await client(urlOf(survivor), SENDER, false);
    const confirmations: Array<ClientEvents['confirmation']> = [];
    sender.on('confirmation', (confirmation) => confirmations.push(confirmation));
    const recipient = await SilentAckClient.authenticated(urlOf(doomed), RECIPIENT);
    opened.push({ close: async () => recipient.drop() });

    const reference = sender.send(RECIPIENT, 'survives the crash');
    const written = await recipient.next('MESSAGE');
    const topic = connectorTopic(DOMAIN, 'connector-doomed');
    const total = (offsets: readonly number[]): number => offsets.reduce((sum, offset) => sum + offset, 0);
    await waitFor(
      'the batch that carried it committed',
      () => total(broker.committedOffsets(topic, topic)) === total(broker.partitionSizes(topic)),
    );

    doomedLanes.crash(); // SIGKILL: no graceful stop, nothing published any more, its connections die with it
    recipient.drop();
    await waitFor('the message in the recipient mailbox', async () => (await mailbox.count(RECIPIENT)) === 1);
    expect(confirmations).toEqual([]); // written, never acknowledged: not delivered yet

    const again = await client(urlOf(survivor), RECIPIENT, true);
    const fetched = await again.fetchMissing(10); // acknowledged by the SDK once fetched
    expect(fetched.messages.map((m) => m.id)).toEqual([written.id]);
    expect(fetched.messages[0]).toMatchObject({ from: SENDER, content: 'survives the crash' });
    await waitFor('the acknowledged message removed', async () => (await mailbox.count(RECIPIENT)) === 0);
    await waitFor('the confirmation', () => confirmations.length > 0);
    expect(confirmations).toEqual([{ reference }]);
  });
});
