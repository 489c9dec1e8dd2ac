import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { verifyAuthRequest } from '@linker/client-sdk';
import { WEBHOOK_SIGNATURE_HEADER } from '@linker/contracts';
import { startJwksServer, waitFor, type JwksServer } from '@linker/testing';
import { DOMAIN, FakeConnector, Harness, anzTopology, intake } from './testing/harness';

// Tokens with a lifetime (docs/protocol.md, Authentication, Token expiry): a JWT login's reply says when its token
// expires, REFRESH_TOKEN is checked as a login of the session's user and answered to its socket, jwksUrl apps verify
// with their key set beside the intake, and authUrl requests are signed as the app's webhooks are.

const JWT_SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const AUTH_URL_SECRET = 'an-auth-url-signing-secret-of-32-chars';
const unixIn = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
const hs256 = (sub: string, exp: number) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(exp).sign(new TextEncoder().encode(JWT_SECRET));

interface SignedAuthServer {
  url: string;
  server: Server;
  /** Per request: whether its signature verified with the SDK's `verifyAuthRequest`, and the header it came with. */
  checks: Array<{ ok: boolean; header: string | undefined }>;
}

/** An auth server that accepts a login only when its request's signature verifies with `secret` (the SDK's `verifyAuthRequest`). */
async function startSignedAuthServer(secret: string): Promise<SignedAuthServer> {
  const checks: SignedAuthServer['checks'] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const header = request.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined;
      void verifyAuthRequest(secret, header, body).then(({ ok }) => {
        checks.push({ ok, header });
        const { appId, userId } = JSON.parse(body) as { appId: string; userId: string };
        response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ appId, userId, isAuthenticated: ok }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`, server, checks };
}

describe('tokens with a lifetime (processor)', () => {
  let harness: Harness;
  let connector: FakeConnector;
  let jwks: JwksServer;
  let signed: SignedAuthServer;
  let unsigned: SignedAuthServer;
  let sockets = 0;

  beforeAll(async () => {
    jwks = await startJwksServer();
    signed = await startSignedAuthServer(AUTH_URL_SECRET);
    unsigned = await startSignedAuthServer(AUTH_URL_SECRET);
    harness = await Harness.start({
      settings: { jwksCooldownMs: 0 },
      topology: anzTopology([
        { appName: 'JWT', appId: 'jwt-id', jwtSecret: JWT_SECRET },
        { appName: 'KS', appId: 'ks-id', jwksUrl: jwks.url },
        { appName: 'SIG', appId: 'sig-id', authUrl: signed.url, authUrlSecret: AUTH_URL_SECRET },
        { appName: 'UNSIG', appId: 'unsig-id', authUrl: unsigned.url },
      ]),
    });
    connector = await harness.connector('connector-01');
  });

  afterAll(async () => {
    await harness.stop();
    await jwks.close();
    for (const { server } of [signed, unsigned]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** Send `type` from a fresh socket of `userId` and return the data of the reply to that socket. */
  async function ask(type: 'AUTH_CLIENT' | 'REFRESH_TOKEN', userId: string, data: object): Promise<Record<string, unknown>> {
    const socketId = `s${++sockets}`;
    const origin = { domain: DOMAIN, connector: 'connector-01', socketId };
    await harness.send(intake({ type, from: userId, data, origin, reference: `ref-${socketId}` }));
    const replyType = type === 'AUTH_CLIENT' ? 'AUTH_CLIENT_REPLY' : 'REFRESH_TOKEN_REPLY';
    const reply = await waitFor(`${replyType} to ${socketId}`, () =>
      connector.deliveries(replyType).find((r) => r.delivery.targets[0].socketIds[0] === socketId),
    );
    expect(reply.delivery.targets).toEqual([{ userId, socketIds: [socketId] }]);
    if (type === 'REFRESH_TOKEN') expect(reply.delivery.envelope.reference).toBe(`ref-${socketId}`);
    return reply.delivery.envelope.data as Record<string, unknown>;
  }

  it("answers a JWT login with its token's expiry (exp, in ms)", async () => {
    const exp = unixIn(300);
    const data = await ask('AUTH_CLIENT', 'JWT-1', { appId: 'jwt-id', userId: 'JWT-1', token: await hs256('JWT-1', exp) });
    expect(data).toEqual({ appId: 'jwt-id', userId: 'JWT-1', isAuthenticated: true, expiresAt: exp * 1000 });
  });

  it("accepts a fresh token for the session's own user, with its new expiry", async () => {
    const exp = unixIn(600);
    expect(await ask('REFRESH_TOKEN', 'JWT-1', { token: await hs256('JWT-1', exp) })).toEqual({
      isAuthenticated: true,
      expiresAt: exp * 1000,
    });
  });

  it.each([
    ['a token for another user of the app', () => hs256('JWT-2', unixIn(600)), 'token refused (its sub is not this user)'],
    ['an expired token', () => hs256('JWT-1', unixIn(-60)), 'token refused (expired)'],
    ['a token that is no JWT', () => Promise.resolve('not-a-jwt'), 'token refused (ERR_JWS_INVALID)'],
  ])('refuses %s, saying why', async (_case, token, reason) => {
    expect(await ask('REFRESH_TOKEN', 'JWT-1', { token: await token() })).toEqual({ isAuthenticated: false, reason });
  });

  it("refuses a fresh token signed for another app's user: the session's user is the envelope's sender", async () => {
    const forKs = await jwks.sign('KS-1', unixIn(600));
    expect(await ask('REFRESH_TOKEN', 'JWT-1', { token: forKs })).toMatchObject({ isAuthenticated: false });
  });

  it('verifies a jwksUrl login with the key set, and finds a rotated key', async () => {
    const exp = unixIn(300);
    const first = await ask('AUTH_CLIENT', 'KS-1', { appId: 'ks-id', userId: 'KS-1', token: await jwks.sign('KS-1', exp) });
    expect(first).toEqual({ appId: 'ks-id', userId: 'KS-1', isAuthenticated: true, expiresAt: exp * 1000 });
    await jwks.rotate();
    const second = await ask('AUTH_CLIENT', 'KS-2', { appId: 'ks-id', userId: 'KS-2', token: await jwks.sign('KS-2', exp) });
    expect(second).toMatchObject({ isAuthenticated: true });
    expect(await ask('REFRESH_TOKEN', 'KS-1', { token: await jwks.sign('KS-1', exp + 60) })).toEqual({
      isAuthenticated: true,
      expiresAt: (exp + 60) * 1000,
    });
  });

  it("signs authUrl requests with the app's authUrlSecret (verified with the SDK's verifyAuthRequest); unsigned without one", async () => {
    expect(await ask('AUTH_CLIENT', 'SIG-1', { appId: 'sig-id', userId: 'SIG-1', token: 't' })).toEqual({
      appId: 'sig-id',
      userId: 'SIG-1',
      isAuthenticated: true,
    });
    expect(signed.checks).toEqual([{ ok: true, header: expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/) as unknown }]);
    expect(await ask('AUTH_CLIENT', 'UNSIG-1', { appId: 'unsig-id', userId: 'UNSIG-1', token: 't' })).toMatchObject({
      isAuthenticated: false,
    });
    expect(unsigned.checks).toEqual([{ ok: false, header: undefined }]);
  });
});
