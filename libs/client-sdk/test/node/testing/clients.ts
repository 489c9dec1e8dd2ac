import { LinkerClient, type ClientEvents, type LinkerClientOptions } from '../../../src';
import { NodeWebSocket } from '../../../src/node/node-websocket';
import type { FakeConnector } from './fake-connector';

/** The app and users of the original's README (`app-id-343`, master `ANZ-123223`). */
const APP_ID = 'app-id-343';

/** Makes clients for one test and closes them all afterwards. */
export class TestClients {
  private readonly made: LinkerClient[] = [];

  constructor(private readonly connector: () => FakeConnector) {}

  /** A client of `userId` on the fake connector, Node adapter, tiny reconnect delays unless overridden. */
  make(userId: string, options: Partial<LinkerClientOptions> = {}): LinkerClient {
    const client = new LinkerClient({
      url: this.connector().url,
      appId: APP_ID,
      userId,
      token: 'token-12345',
      webSocket: NodeWebSocket,
      reconnect: { initialDelayMs: 5, maxDelayMs: 40, factor: 2, jitter: 0 },
      ...options,
    });
    this.made.push(client);
    return client;
  }

  /** A connected client. */
  async connected(userId: string, options: Partial<LinkerClientOptions> = {}): Promise<LinkerClient> {
    const client = this.make(userId, options);
    await client.connect();
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.made.splice(0).map((client) => client.close()));
  }
}

/** Everything a client emits, per event, in order. */
export type Recorded = { [K in keyof ClientEvents]: ClientEvents[K][] };

/** Record every event of `client`. */
export function record(client: LinkerClient): Recorded {
  const events = [
    'message',
    'accepted',
    'confirmation',
    'presence',
    'error',
    'closed',
    'moved',
    'reconnecting',
    'reconnected',
    'authenticated',
    'tokenExpiring',
    'tokenRefreshed',
    'frame',
  ] as const;
  const recorded = Object.fromEntries(events.map((event) => [event, []])) as unknown as Recorded;
  for (const event of events) client.on(event, (payload) => (recorded[event] as unknown[]).push(payload));
  return recorded;
}
