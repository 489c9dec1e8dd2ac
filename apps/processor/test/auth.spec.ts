import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, exportSPKI, SignJWT } from 'jose';
import { waitFor } from '@linker/testing';
import { APP_ID, DOMAIN, FakeConnector, Harness, anzTopology, intake } from './testing/harness';

// docs/protocol.md, Authentication: the checks, in order, then the app's method (open, webhook, JWT).

const JWT_SECRET = 'a-test-secret-of-at-least-32-bytes!!';

interface Webhook {
  url: string;
  server: Server;
  /** What the server was sent, per call. */
  calls: unknown[];
}

/** A real auth server on port 0. It answers by the user's number: see `answer`. */
async function startWebhook(): Promise<Webhook> {
  const calls: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const sent = JSON.parse(body) as { appId: string; userId: string };
      calls.push(sent);
      answer(sent, (status, reply) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(reply);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/auth`, server, calls };
}

function answer({ appId, userId }: { appId: string; userId: string }, send: (status: number, body: string) => void): void {
  const verdict = (isAuthenticated: unknown, status = 200) => send(status, JSON.stringify({ appId, userId, isAuthenticated }));
  switch (userId) {
    case 'EXT-1':
      return verdict(true);
    case 'EXT-2':
      return verdict(false);
    case 'EXT-3':
      return send(200, JSON.stringify({ some: 'wrong' }));
    case 'EXT-4':
      return verdict(true, 500);
    case 'EXT-5':
      return send(200, JSON.stringify({ appId, userId: 'EXT-999', isAuthenticated: true }));
    case 'EXT-6':
      return send(200, 'not json');
    case 'EXT-7':
      return; // never answers: the processor's timeout decides
    default:
      return verdict(false, 404);
  }
}

describe('AUTH_CLIENT', () => {
  let webhook: Webhook;
  let harness: Harness;
  let connector: FakeConnector;

  beforeAll(async () => {
    webhook = await startWebhook();
    harness = await Harness.start({
      settings: { authWebhookTimeoutMs: 300 },
      topology: anzTopology([
        { appName: 'EXT', appId: 'ext-id', authEnabled: true, authUrl: webhook.url },
        { appName: 'BLANK', appId: 'blank-id', authEnabled: true, authUrl: '   ' },
        { appName: 'NOMETHOD', appId: 'nomethod-id' },
        { appName: 'JWT', appId: 'jwt-id', jwtSecret: JWT_SECRET },
      ]),
    });
    connector = await harness.connector('connector-01');
  });

  afterAll(async () => {
    await harness.stop();
    webhook.server.closeAllConnections();
    await new Promise((resolve) => webhook.server.close(resolve));
  });

  /** Send AUTH_CLIENT from a fresh socket and return the reply's data, checking it goes to that socket only. */
  async function login(appId: string, userId: string, token?: string): Promise<boolean> {
    const socketId = `pending-${userId}-${Math.random().toString(36).slice(2)}`;
    const origin = { domain: DOMAIN, connector: 'connector-01', socketId };
    const request = intake({
      type: 'AUTH_CLIENT',
      from: userId,
      data: token === undefined ? { appId, userId } : { appId, userId, token },
      origin,
    });
    await harness.send(request);
    const reply = await waitForReply(socketId);
    expect(reply.lane).toBe('RELIABLE');
    expect(reply.delivery.targets).toEqual([{ userId, socketIds: [socketId] }]);
    expect(reply.delivery.envelope).toMatchObject({
      type: 'AUTH_CLIENT_REPLY',
      from: 'SYSTEM',
      lane: 'RELIABLE',
      id: `${request.id}.reply`,
    });
    const data = reply.delivery.envelope.data as { appId: string; userId: string; isAuthenticated: boolean; expiresAt?: number };
    // A JWT login's reply also says when its token expires (docs/protocol.md, Token expiry).
    expect(data).toEqual({
      appId,
      userId,
      isAuthenticated: data.isAuthenticated,
      ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
    });
    return data.isAuthenticated;
  }

  function waitForReply(socketId: string) {
    return waitFor(`AUTH_CLIENT_REPLY to ${socketId}`, () =>
      connector.deliveries('AUTH_CLIENT_REPLY').find((r) => r.delivery.targets[0].socketIds[0] === socketId),
    );
  }

  it('accepts the right appId for a user whose home is this domain (authEnabled: false)', async () => {
    expect(await login(APP_ID, 'ANZ-123223', 'token-12345')).toBe(true);
    expect(await login(APP_ID, 'ANZ-7')).toBe(true);
  });

  it('refuses a wrong appId, an unknown app, a malformed user id and a user whose home is another domain', async () => {
    expect(await login('app-id-999', 'ANZ-123223')).toBe(false);
    expect(await login(APP_ID, 'ANZXX-123223')).toBe(false);
    expect(await login(APP_ID, 'ANZ-abc')).toBe(false);
    expect(await login(APP_ID, 'ANZ-3123223')).toBe(false); // home domain-03
    expect(await login(APP_ID, 'ANZ-1232121')).toBe(false); // home domain-02
    expect(await login(APP_ID, 'ANZ-9000000')).toBe(false); // outside every range
  });

  describe('external auth (authUrl)', () => {
    it('passes when the auth server says true, sending it {appId, userId, token}', async () => {
      expect(await login('ext-id', 'EXT-1', 'token-1')).toBe(true);
      expect(webhook.calls).toContainEqual({ appId: 'ext-id', userId: 'EXT-1', token: 'token-1' });
    });

    it.each([
      ['says false', 'EXT-2'],
      ['answers a malformed body', 'EXT-3'],
      ['answers 500 (even with a true body)', 'EXT-4'],
      ['names another user', 'EXT-5'],
      ['answers something that is not JSON', 'EXT-6'],
      ['does not answer within the timeout', 'EXT-7'],
    ])('fails when the auth server %s', async (_case, userId) => {
      expect(await login('ext-id', userId, 'token')).toBe(false);
    });

    it('fails with a blank authUrl, and with auth enabled but no method', async () => {
      expect(await login('blank-id', 'BLANK-1', 'token')).toBe(false);
      expect(await login('nomethod-id', 'NOMETHOD-1', 'token')).toBe(false);
    });

    it('fails when the auth server cannot be reached', async () => {
      const closed = await startWebhook();
      closed.server.close();
      const isolated = await Harness.start({
        topology: anzTopology([{ appName: 'EXT', appId: 'ext-id', authEnabled: true, authUrl: closed.url }]),
      });
      const gone = await isolated.connector('connector-01');
      const origin = { domain: DOMAIN, connector: 'connector-01', socketId: 'x1' };
      await isolated.send(intake({ type: 'AUTH_CLIENT', from: 'EXT-1', data: { appId: 'ext-id', userId: 'EXT-1', token: 't' }, origin }));
      const reply = await gone.next('AUTH_CLIENT_REPLY', 'EXT-1');
      expect(reply.delivery.envelope.data).toEqual({ appId: 'ext-id', userId: 'EXT-1', isAuthenticated: false });
      await isolated.stop();
    });
  });

  describe('JWT (jwtSecret, HS256)', () => {
    const sign = (sub: string, expiresIn: string | number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setExpirationTime(expiresIn)
        .sign(new TextEncoder().encode(JWT_SECRET));

    it('accepts a valid, unexpired token whose sub is the user', async () => {
      expect(await login('jwt-id', 'JWT-1', await sign('JWT-1', '5m'))).toBe(true);
    });

    it('refuses an expired token, a token for another user, a wrongly signed token, no token, no exp', async () => {
      expect(await login('jwt-id', 'JWT-1', await sign('JWT-1', Math.floor(Date.now() / 1000) - 60))).toBe(false);
      expect(await login('jwt-id', 'JWT-1', await sign('JWT-2', '5m'))).toBe(false);
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('JWT-1')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('another-secret-another-secret-123'));
      expect(await login('jwt-id', 'JWT-1', forged)).toBe(false);
      expect(await login('jwt-id', 'JWT-1')).toBe(false);
      const eternal = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('JWT-1')
        .sign(new TextEncoder().encode(JWT_SECRET));
      expect(await login('jwt-id', 'JWT-1', eternal)).toBe(false);
    });
  });
});

describe('AUTH_CLIENT with jwtPublicKey', () => {
  it.each(['RS256', 'ES256'] as const)(
    'accepts a %s token signed by the matching private key, refuses one for another user',
    async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg);
      const harness = await Harness.start({
        topology: anzTopology([{ appName: 'PK', appId: 'pk-id', jwtPublicKey: await exportSPKI(publicKey) }]),
      });
      const connector = await harness.connector('connector-01');
      const sign = (sub: string) => new SignJWT({}).setProtectedHeader({ alg }).setSubject(sub).setExpirationTime('5m').sign(privateKey);
      const origin = (socketId: string) => ({ domain: DOMAIN, connector: 'connector-01', socketId });
      await harness.send(
        intake({
          type: 'AUTH_CLIENT',
          from: 'PK-1',
          data: { appId: 'pk-id', userId: 'PK-1', token: await sign('PK-1') },
          origin: origin('a'),
        }),
      );
      await harness.send(
        intake({
          type: 'AUTH_CLIENT',
          from: 'PK-2',
          data: { appId: 'pk-id', userId: 'PK-2', token: await sign('PK-1') },
          origin: origin('b'),
        }),
      );
      expect((await connector.next('AUTH_CLIENT_REPLY', 'PK-1')).delivery.envelope.data).toMatchObject({ isAuthenticated: true });
      expect((await connector.next('AUTH_CLIENT_REPLY', 'PK-2')).delivery.envelope.data).toMatchObject({ isAuthenticated: false });
      await harness.stop();
    },
  );
});
