import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTH_BUSY_RETRY_AFTER_MS, connectorTopic } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { APP_ID, DOMAIN, Harness, anzTopology, intake, type FakeConnector } from './testing/harness';

// Logins an app's authUrl decides run beside the intake (ADR 0012): they hold up no message, their webhook calls are
// limited per app, a login over the app's queue is refused at once, and a stopping processor answers the calls under way.

interface HeldWebhook {
  url: string;
  /** The user ids asked about, in arrival order. */
  readonly asked: string[];
  /** Requests not answered yet. */
  readonly held: number;
  /** Answer every held request, accepting its user. */
  release(): void;
  /** Answer held requests and, from now on, every request at once. */
  open(): void;
  close(): Promise<void>;
}

/** A real auth server that answers nothing until `release()`: a webhook as slow as the test wants. */
async function startHeldWebhook(): Promise<HeldWebhook> {
  const asked: string[] = [];
  const held: Array<() => void> = [];
  let holding = true;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { appId, userId } = JSON.parse(body) as { appId: string; userId: string };
      asked.push(userId);
      if (holding) held.push(() => accept(response, appId, userId));
      else accept(response, appId, userId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = (): void => held.splice(0).forEach((answer) => answer());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`,
    asked,
    get held() {
      return held.length;
    },
    release,
    open: () => {
      holding = false;
      release();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function accept(response: ServerResponse, appId: string, userId: string): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ appId, userId, isAuthenticated: true }));
}

const SLOW = { appName: 'SLOW', appId: 'slow-id' };
const OTHER = { appName: 'OTHER', appId: 'other-id' };

describe('logins decided by a webhook', () => {
  jest.setTimeout(20_000);
  let webhook: HeldWebhook;
  let harness: Harness;
  let connector: FakeConnector;
  let sockets = 0;

  beforeEach(async () => {
    webhook = await startHeldWebhook();
    harness = await Harness.start({
      settings: { authWebhookTimeoutMs: 20_000, authWebhookConcurrency: 2, authWebhookQueue: 1 },
      topology: anzTopology([
        { ...SLOW, authEnabled: true, authUrl: webhook.url },
        { ...OTHER, authEnabled: true, authUrl: webhook.url },
      ]),
    });
    connector = await harness.connector('connector-01');
  });

  afterEach(async () => {
    webhook.release();
    await harness.stop();
    await webhook.close();
  });

  /** AUTH_CLIENT of `userId` from a fresh socket of connector-01; that socket's id. */
  async function login(appId: string, userId: string): Promise<string> {
    const socketId = `socket-${++sockets}`;
    await harness.send(
      intake({
        type: 'AUTH_CLIENT',
        from: userId,
        data: { appId, userId, token: 't' },
        origin: { domain: DOMAIN, connector: 'connector-01', socketId },
      }),
    );
    return socketId;
  }

  function answerTo(socketId: string): Promise<boolean> {
    return waitFor(`the AUTH_CLIENT_REPLY to ${socketId}`, () => {
      const reply = connector.deliveries('AUTH_CLIENT_REPLY').find((r) => r.delivery.targets[0].socketIds[0] === socketId);
      return reply && { accepted: (reply.delivery.envelope.data as { isAuthenticated: boolean }).isAuthenticated };
    }).then(({ accepted }) => accepted);
  }

  it('delivers a message of the same key while the login waits for its webhook, then answers the login', async () => {
    const user = 'SLOW-1';
    const pending = await login(SLOW.appId, user);
    await waitFor('the webhook to be asked', () => webhook.asked.includes(user));
    // The user's other socket, logged in earlier, sends a message: same key, so it comes after the AUTH_CLIENT.
    const recipient = await connector.connect('ANZ-7');
    await harness.send(
      intake({ type: 'MESSAGE', from: user, data: { to: 'ANZ-7', content: 'not held up' }, origin: await connector.connect(user) }),
    );
    const message = await connector.next('MESSAGE', 'ANZ-7');
    expect(message.delivery.targets).toEqual([{ userId: 'ANZ-7', socketIds: [recipient.socketId] }]);
    expect(connector.deliveries('AUTH_CLIENT_REPLY')).toEqual([]);
    webhook.release();
    expect(await answerTo(pending)).toBe(true);
  });

  it("limits each app's webhook calls, refuses a login over the app's queue at once, and keeps apps apart", async () => {
    const slow = new Map<string, string>();
    for (let i = 1; i <= 3; i++) slow.set(`SLOW-${i}`, await login(SLOW.appId, `SLOW-${i}`));
    await harness.settled();
    await waitFor('two calls under way (the third login waits)', () => webhook.held === 2);
    const refused = await login(SLOW.appId, 'SLOW-4');
    expect(await answerTo(refused)).toBe(false);
    // Refused as busy: the reply says when to try again, so the connector closes with 4011 AUTH_BUSY, not 4001.
    const busy = connector.deliveries('AUTH_CLIENT_REPLY').find((r) => r.delivery.targets[0].socketIds[0] === refused);
    expect(busy?.delivery.envelope.data).toEqual({
      appId: SLOW.appId,
      userId: 'SLOW-4',
      isAuthenticated: false,
      retryAfterMs: AUTH_BUSY_RETRY_AFTER_MS,
    });
    expect(harness.processors[0].health().stats.authBusy).toBe(1);
    const other = await login(OTHER.appId, 'OTHER-1');
    await waitFor("the other app's webhook call, while SLOW's are all taken", () => webhook.asked.includes('OTHER-1'));
    expect(await answerTo(await login(APP_ID, 'ANZ-123223'))).toBe(true);
    expect(webhook.asked.filter((user) => user.startsWith('SLOW-'))).toHaveLength(2);
    webhook.release();
    await waitFor('the waiting login to be asked once a call ended', () => webhook.held === 1);
    webhook.release();
    expect(await Promise.all([...slow.values(), other].map(answerTo))).toEqual([true, true, true, true]);
    expect([...webhook.asked].sort()).toEqual(['OTHER-1', 'SLOW-1', 'SLOW-2', 'SLOW-3']);
  });

  it('answers every login it took within twice the webhook timeout when the auth server never answers', async () => {
    const timeoutMs = 1_000;
    const quick = await Harness.start({
      settings: { authWebhookTimeoutMs: timeoutMs, authWebhookConcurrency: 1, authWebhookQueue: 2 },
      topology: anzTopology([{ ...SLOW, authEnabled: true, authUrl: webhook.url }]),
    });
    try {
      const fake = await quick.connector('connector-01');
      const started = Date.now();
      const users = ['SLOW-1', 'SLOW-2', 'SLOW-3'];
      for (const userId of users) {
        await quick.send(
          intake({
            type: 'AUTH_CLIENT',
            from: userId,
            data: { appId: SLOW.appId, userId, token: 't' },
            origin: { domain: DOMAIN, connector: 'connector-01', socketId: userId },
          }),
        );
      }
      const answered = await waitFor(
        'an AUTH_CLIENT_REPLY to each of the 3 logins',
        () => {
          const replies = fake.deliveries('AUTH_CLIENT_REPLY');
          return replies.length === 3 && replies;
        },
        { timeoutMs: 5 * timeoutMs },
      );
      const lastAfterMs = Date.now() - started;
      expect(answered.map((r) => (r.delivery.envelope.data as { isAuthenticated: boolean }).isAuthenticated)).toEqual([
        false,
        false,
        false,
      ]);
      // The login that waited too long for a free call is refused as busy (retry later); the others by the timeout.
      const busy = answered.filter(
        (r) => (r.delivery.envelope.data as { retryAfterMs?: number }).retryAfterMs === AUTH_BUSY_RETRY_AFTER_MS,
      );
      expect(busy.length).toBeGreaterThanOrEqual(1);
      // Asked one at a time, the third would wait for two timeouts and its own: past the connector's auth deadline.
      expect(lastAfterMs).toBeLessThan(2 * timeoutMs + 600);
      // Which of SLOW-2 and SLOW-3 waited past the timeout depends on the milliseconds between their intakes; not all were asked.
      expect(users.filter((userId) => webhook.asked.includes(userId)).length).toBeLessThan(users.length);
      expect(quick.processors[0].health().stats.authBusy).toBeGreaterThanOrEqual(1);
    } finally {
      await quick.stop();
    }
  });

  it('answers the calls under way before a stopping processor has stopped', async () => {
    const sockets = new Map<string, string>();
    for (let i = 1; i <= 3; i++) sockets.set(`SLOW-${i}`, await login(SLOW.appId, `SLOW-${i}`));
    await harness.settled();
    await waitFor('two calls under way (the third login waits)', () => webhook.held === 2);
    const [first, second] = webhook.asked;
    const stopped = harness.processors[0].stop();
    webhook.open();
    await stopped;
    // Both answers are in the connector's topic by then (the waiting login was dropped by the stop, or asked and
    // answered if a call ended before the stop reached the webhook logins: keyed-limiter.spec.ts covers the drop).
    const written = harness.broker.partitionSizes(connectorTopic(DOMAIN, 'connector-01')).reduce((sum, n) => sum + n, 0);
    expect(written).toBeGreaterThanOrEqual(2);
    expect(await answerTo(sockets.get(first) as string)).toBe(true);
    expect(await answerTo(sockets.get(second) as string)).toBe(true);
  });
});
