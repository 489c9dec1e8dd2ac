import { LinkerClient, LinkerClientError } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { CLOSE_CODES } from '@linker/contracts';
import { startEmbeddedDomain, waitFor, type EmbeddedDomain } from '@linker/testing';
import type { Topology } from '@linker/topology';

// The maximum connection lifetime against the built embedded entry (`npm run build` first): every authenticated socket
// is closed with 4009 RECONNECT within its window, and the SDK comes back at once with nothing lost.

const LIFETIME_MS = 2_000;
const DITHER_MS = 1_000;
/** Room for a loaded machine around the window: the client sees its login and the close a little after the server. */
const SLACK_MS = 1_500;

/** A channel that keeps a history, so a subscriber can recover what it missed. */
const FEED = 'ANZ:feed-1';

const topology: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:0'] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'app-id-343',
      authEnabled: false,
      channels: [{ pattern: 'feed-*', subscribe: 'public', publish: 'clients', history: { size: 1_000, ttlSeconds: 300 } }],
    },
  ],
};

/**
 * Run `send`; false when the SDK refused it with NOT_CONNECTED (nothing was sent): its socket is closed or closing,
 * which includes the moment between the server's 4009 close frame and the SDK's `closed` event.
 */
function sentIfConnected(send: () => unknown): boolean {
  try {
    send();
    return true;
  } catch (error) {
    if (error instanceof LinkerClientError && error.code === 'NOT_CONNECTED') return false;
    throw error;
  }
}

describe('connection lifetime (embedded mode)', () => {
  let domain: EmbeddedDomain | undefined;
  const clients: LinkerClient[] = [];

  beforeAll(async () => {
    const env = { LINKER_MAX_CONNECTION_LIFETIME_MS: String(LIFETIME_MS), LINKER_LIFETIME_DITHER_MS: String(DITHER_MS) };
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await domain?.close();
  });

  const client = (url: string, userId: string): LinkerClient => {
    const made = new LinkerClient({ url, appId: 'app-id-343', userId, webSocket: NodeWebSocket, reconnect: { initialDelayMs: 5_000 } });
    clients.push(made);
    return made;
  };

  it('closes each socket with 4009 within its lifetime window; the SDK reconnects at once and every message arrives once', async () => {
    const url = domain?.connectorUrls[0] as string;
    const sender = client(url, 'ANZ-1');
    const recipient = client(url, 'ANZ-2');
    const shown: string[] = [];
    recipient.on('message', ({ content }) => shown.push(content));
    const lifetimes: number[] = [];
    const delays: number[] = [];
    let authenticatedAt = 0;
    recipient.on('authenticated', () => (authenticatedAt = Date.now()));
    recipient.on('closed', ({ code }) => code === CLOSE_CODES.RECONNECT.code && lifetimes.push(Date.now() - authenticatedAt));
    recipient.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    await Promise.all([sender.connect(), recipient.connect()]);

    // Messages sent across several lifetimes of both sockets (the sender's unaccepted ones are sent again).
    const sent: string[] = [];
    const timer = setInterval(() => {
      const content = `m${sent.length}`;
      if (sentIfConnected(() => sender.send('ANZ-2', content))) sent.push(content);
    }, 50);
    try {
      await waitFor('three lifetimes of the recipient', () => lifetimes.length >= 3, {
        timeoutMs: 3 * (LIFETIME_MS + DITHER_MS + SLACK_MS),
      });
    } finally {
      clearInterval(timer);
    }
    await waitFor('every message accepted', () => sender.unacceptedCount === 0, { timeoutMs: 20_000 });
    await waitFor('every message shown to the recipient', () => sent.every((content) => shown.includes(content)), { timeoutMs: 20_000 });

    for (const lived of lifetimes) {
      expect(lived).toBeGreaterThanOrEqual(LIFETIME_MS - SLACK_MS);
      expect(lived).toBeLessThan(LIFETIME_MS + DITHER_MS + SLACK_MS);
    }
    expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
    expect(shown.length).toBe(new Set(shown).size); // none twice
  }, 60_000);

  it('the SDK subscribes to its channels again after each 4009, and recovers every RELIABLE publication it missed: each once, in order', async () => {
    const url = domain?.connectorUrls[0] as string;
    const [publisher, subscriber] = [client(url, 'ANZ-3'), client(url, 'ANZ-4')];
    await Promise.all([publisher.connect(), subscriber.connect()]);
    let reconnects = 0;
    subscriber.on('closed', ({ code }) => code === CLOSE_CODES.RECONNECT.code && (reconnects += 1));
    const recoveries: Array<boolean | undefined> = [];
    subscriber.on('subscribed', ({ recovered }) => recoveries.push(recovered));
    const received: number[] = [];
    subscriber.on('publication', ({ channel, data }) => channel === FEED && received.push((data as { n: number }).n));
    await subscriber.subscribe(FEED);
    let sent = 0;
    const timer = setInterval(() => {
      if (sentIfConnected(() => publisher.publish(FEED, { n: sent + 1 }))) sent += 1;
    }, 50);
    try {
      await waitFor('two lifetimes of the subscriber', () => reconnects >= 2, { timeoutMs: 2 * (LIFETIME_MS + DITHER_MS + SLACK_MS) });
    } finally {
      clearInterval(timer);
    }
    await waitFor('every publication accepted', () => publisher.unacceptedCount === 0, { timeoutMs: 20_000 });
    await waitFor('a subscription after each reconnect', () => recoveries.length >= reconnects + 1, { timeoutMs: 20_000 });
    await waitFor('every publication received', () => received.length >= sent, { timeoutMs: 20_000 });
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect(recoveries[0]).toBeUndefined(); // the first subscription asks for no recovery
    expect(recoveries.slice(1)).toEqual(recoveries.slice(1).map(() => true));
  }, 60_000);
});
