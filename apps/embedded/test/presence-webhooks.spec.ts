import { MemoryBroker, memoryLanes } from '@linker/bus';
import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { WebhookEvent } from '@linker/contracts';
import { MemoryMailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { MemoryPresence, MemoryPresenceStore } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { WebhookReceiver } from '@linker/testing/e2e/webhook-receiver';
import { LocalTopologySource, type Topology } from '@linker/topology';
import { connectorSettings, openConnector, type Connector } from '../../connector/src';
import { openProcessor, processorSettings, type ProcessorService } from '../../processor/src';

jest.setTimeout(30_000);

// docs/protocol.md, Presence events, on the twins with a real webhook receiver: one processor, two
// connectors, clients logging in and subscribing on both. Two sockets of one user on two connectors make one
// user.connected and one user.disconnected; subscribers of one channel on both make one channel.occupied and one
// channel.vacated.

const DOMAIN = 'domain-01';
const APP_ID = 'app-id-343';
const CHANNEL = 'ANZ:room-1';
const topologyFor = (url: string): Topology => ({
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: APP_ID,
      authEnabled: false,
      webhook: { url, secret: 'a-webhook-signing-secret-of-32-chars!' },
      channels: [{ pattern: 'room-*', subscribe: 'public' }],
    },
  ],
});

describe('presence webhooks across two connectors', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  let presence: MemoryPresence;
  let receiver: WebhookReceiver;
  let processor: ProcessorService;
  let connectors: Connector[];

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    opened.push({ close: () => receiver.stop() });
    const broker = new MemoryBroker();
    const store = new MemoryPresenceStore();
    presence = new MemoryPresence({ store });
    const source = new LocalTopologySource(topologyFor(receiver.url));
    const lanes = memoryLanes(broker);
    const settings = processorSettings({ domain: DOMAIN, name: 'processor-1' });
    processor = openProcessor(settings, {
      lanes,
      presence: new MemoryPresence({ store }),
      mailbox: new MemoryMailbox(),
      topology: source,
      logger: silentLogger,
    });
    await processor.start();
    opened.push(lanes, { close: () => processor.stop() });
    connectors = [];
    for (const name of ['connector-1', 'connector-2']) {
      const connectorLanes = memoryLanes(broker);
      const config = connectorSettings({ domain: DOMAIN, name, wsHost: '127.0.0.1', wsPort: 0 });
      const connector = openConnector(config, {
        lanes: connectorLanes,
        presence: new MemoryPresence({ store }),
        logger: silentLogger,
        topology: source,
      });
      await connector.start();
      opened.push(connectorLanes, { close: () => connector.stop() });
      connectors.push(connector);
    }
  });

  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close(); // last opened, first closed
  });

  const client = async (connector: Connector, userId: string): Promise<LinkerClient> => {
    const url = `ws://127.0.0.1:${connector.port}/ws`;
    const made = new LinkerClient({ url, appId: APP_ID, userId, token: 'token-12345', webSocket: NodeWebSocket, reconnect: false });
    opened.push(made);
    await made.connect();
    return made;
  };
  const of = (type: string): WebhookEvent[] => receiver.accepted.filter((event) => event.type === type);
  /**
   * Resolves once the processor has handled every intake record of `sender` published so far: `sender` sends
   * `recipient` a message (keyed by the sender, it is handled after them, in order) and `recipient` gets it.
   */
  const handledFrom = async (sender: LinkerClient, recipient: LinkerClient, recipientId: string): Promise<void> => {
    const marker = `marker ${Math.random()}`;
    const got = new Promise<void>((resolve) => recipient.on('message', (message) => message.content === marker && resolve()));
    sender.send(recipientId, marker);
    await got;
  };

  it('tells of the first and last socket of a user and of the first and last subscriber of a channel, once each', async () => {
    const [c1, c2] = connectors;
    const first = await client(c1, 'ANZ-1');
    await waitFor('user.connected of ANZ-1', () => of('user.connected').length === 1);
    const second = await client(c2, 'ANZ-1');
    const other = await client(c2, 'ANZ-2');
    await waitFor('user.connected of ANZ-2', () => of('user.connected').length === 2);

    await first.subscribe(CHANNEL);
    await waitFor('channel.occupied', () => of('channel.occupied').length === 1);
    await other.subscribe(CHANNEL);
    await second.subscribe(CHANNEL);
    await first.close();
    // The processor decides about the first socket's end before the second ends (else both may see none left: two
    // events, as documented). Its USER_DISCONNECTED is published once its presence entry is gone.
    await waitFor('the first socket gone from presence', async () => (await presence.lookup('ANZ-1')).length === 1);
    await handledFrom(second, other, 'ANZ-2');
    await second.close();
    await waitFor('user.disconnected of ANZ-1', () => of('user.disconnected').length === 1);
    await other.close();
    await waitFor(
      'channel.vacated and user.disconnected of ANZ-2',
      () => of('channel.vacated').length === 1 && of('user.disconnected').length === 2,
    );
    // Nothing more can come: each user's (each channel's) events are handled in order, and its last one is in.

    expect(of('user.connected').map((event) => event.data)).toEqual([{ userId: 'ANZ-1' }, { userId: 'ANZ-2' }]);
    expect(of('user.disconnected').map((event) => event.data)).toEqual([{ userId: 'ANZ-1' }, { userId: 'ANZ-2' }]);
    expect(of('channel.occupied').map((event) => event.data)).toEqual([{ channel: CHANNEL }]);
    expect(of('channel.vacated').map((event) => event.data)).toEqual([{ channel: CHANNEL }]);
  });
});
