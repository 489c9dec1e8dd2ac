import { decodeJwt, SignJWT } from 'jose';
import { CLOSE_CODES } from '@linker/contracts';
import { AUTH_ANSWER } from './auth-server';
import type { RawSocket } from './raw-socket';
import type { SuiteContext } from './suite-context';
import { ANZ, DEAD, EXT, JWT } from './suite-topology';

/**
 * An HS256 token for `sub`, signed with `secret`, expiring `expiresIn` seconds from now (omitted: no `exp`), with
 * `claims` besides (a subscription token's `channel`).
 */
export async function jwt(
  sub: string,
  expiresIn: number | undefined,
  secret: string = JWT.secret,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const token = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  if (expiresIn !== undefined) token.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  return token.sign(new TextEncoder().encode(secret));
}

/** The login is refused: the exact AUTH_CLIENT_REPLY with false, then a close frame with 4001 and a reason. */
async function expectRefused(socket: RawSocket, appId: string, userId: string, token?: string): Promise<void> {
  const reply = await socket.auth(appId, userId, token);
  expect(reply).toEqual({ type: 'AUTH_CLIENT_REPLY', data: { appId, userId, isAuthenticated: false } });
  const closed = await socket.closed();
  expect(closed.code).toBe(CLOSE_CODES.AUTH_FAILED.code);
  expect(closed.reason).not.toBe('');
}

/**
 * The login is accepted with the exact reply (a JWT login's says when its token expires: `exp` in ms), and the socket
 * then answers a PING.
 */
async function expectAccepted(socket: RawSocket, appId: string, userId: string, token?: string, jwtLogin = false): Promise<void> {
  const reply = await socket.auth(appId, userId, token);
  const expiry = jwtLogin ? { expiresAt: (decodeJwt(token as string).exp as number) * 1000 } : {};
  expect(reply).toEqual({ type: 'AUTH_CLIENT_REPLY', data: { appId, userId, isAuthenticated: true, ...expiry } });
  socket.send({ type: 'PING', data: {} });
  expect(await socket.next('PONG')).toEqual({ type: 'PONG', data: {} });
}

/** docs/protocol.md, Authentication: appId, home domain, authEnabled false, authUrl, JWT. */
export function authBehaviour(ctx: SuiteContext): void {
  describe('authentication', () => {
    appAndHomeBehaviour(ctx);
    externalAuthBehaviour(ctx);
    jwtAuthBehaviour(ctx);
  });
}

function appAndHomeBehaviour(ctx: SuiteContext): void {
  it('accepts a user with the right appId whose home is this domain, on every connector, and serves it', async () => {
    for (let i = 0; i < ctx.connectorCount; i++) {
      const userId = ctx.users.anz();
      const socket = await ctx.open(userId, i);
      await expectAccepted(socket, ANZ.appId, userId);
      const peerId = ctx.users.anz();
      const peer = await ctx.login(peerId, { connector: i + 1 });
      expect((await ctx.deliver(peer, socket, userId)).data).toEqual({ from: peerId, content: expect.any(String) });
    }
  });

  it.each([
    ['a wrong appId', 'app-id-wrong', (): string => ctx.users.anz()],
    ['an unknown app', ANZ.appId, (): string => ctx.users.of('NOAPP')],
    ['a user whose home is another domain', ANZ.appId, (): string => ctx.users.anzElsewhere()],
    ['a user whose number is in no distribution', ANZ.appId, (): string => ctx.users.anzNowhere()],
    ['a user id that is not <appName>-<number>', ANZ.appId, (): string => `ANZ${ctx.users.anz()}x`],
  ])('refuses %s with AUTH_CLIENT_REPLY false and closes with 4001', async (_case, appId, makeUser) => {
    await expectRefused(await ctx.open(), appId, makeUser());
  });

  it("refuses a user presenting another app's appId (both ways)", async () => {
    await expectRefused(await ctx.open(), EXT.appId, ctx.users.anz());
    await expectRefused(await ctx.open(), ANZ.appId, ctx.users.of(EXT.appName, AUTH_ANSWER.accept));
  });

  it('answers every frame before authentication with AUTH_REQUIRED {}, acts on none, and keeps the socket open', async () => {
    const toId = ctx.users.anz();
    const to = await ctx.login(toId, { connector: 1 });
    const socket = await ctx.open('unauthenticated', 0);
    const early = ctx.text('too early');
    socket.send({ type: 'MESSAGE', data: { to: toId, content: early }, reference: 'early-1' });
    socket.send({ type: 'CLOSE_CONNECTION', data: { userId: toId } });
    socket.send({ type: 'PING', data: {} });
    const replies = await socket.count('AUTH_REQUIRED', 3);
    expect(replies).toEqual(Array(3).fill({ type: 'AUTH_REQUIRED', data: {} }));
    const userId = ctx.users.anz();
    await expectAccepted(socket, ANZ.appId, userId);
    expect((await ctx.deliver(socket, to, toId)).data.from).toBe(userId);
    expect(to.all('MESSAGE', (f) => f.data.content === early)).toEqual([]);
    expect(socket.all('AUTH_REQUIRED')).toHaveLength(3);
  });
}

function externalAuthBehaviour(ctx: SuiteContext): void {
  describe('external auth (authUrl)', () => {
    it('POSTs {appId, userId, token} as JSON and accepts a 2xx {appId, userId, isAuthenticated: true}', async () => {
      const userId = ctx.users.of(EXT.appName, AUTH_ANSWER.accept);
      await expectAccepted(await ctx.open(), EXT.appId, userId, 'token-ext-1');
      const seen = ctx.authServer.requests.filter((r) => (r.body as { userId?: string }).userId === userId);
      expect(seen).toEqual([
        {
          method: 'POST',
          contentType: expect.stringMatching(/^application\/json/),
          body: { appId: EXT.appId, userId, token: 'token-ext-1' },
        },
      ]);
    });

    it.each([
      ['answers false', AUTH_ANSWER.refuse],
      ['answers something that is not JSON', AUTH_ANSWER.malformed],
      ['answers 500', AUTH_ANSWER.serverError],
      ['accepts another user', AUTH_ANSWER.otherUser],
      ['answers isAuthenticated "true" (a string)', AUTH_ANSWER.wrongType],
    ])('refuses the login when the auth server %s', async (_case, answer) => {
      const userId = ctx.users.of(EXT.appName, answer);
      await expectRefused(await ctx.open(), EXT.appId, userId, 'token-ext');
      expect(ctx.authServer.requests.some((r) => (r.body as { userId?: string }).userId === userId)).toBe(true);
    });

    it('refuses the login when the authUrl does not answer (connection refused)', async () => {
      await expectRefused(await ctx.open(), DEAD.appId, ctx.users.of(DEAD.appName), 'token');
    });
  });
}

function jwtAuthBehaviour(ctx: SuiteContext): void {
  describe('JWT auth (jwtSecret, HS256)', () => {
    it('accepts a valid, unexpired token whose sub is the user', async () => {
      const userId = ctx.users.of(JWT.appName);
      await expectAccepted(await ctx.open(), JWT.appId, userId, await jwt(userId, 300), true);
    });

    it.each([
      ['an expired token', async (userId: string) => jwt(userId, -60)],
      ['a token for another user (wrong sub)', async (userId: string) => jwt(`${userId}9`, 300)],
      ['a token signed with another secret', async (userId: string) => jwt(userId, 300, 'another-secret-another-secret-another-secret')],
      ['a token without exp', async (userId: string) => jwt(userId, undefined)],
      ['a token that is not a JWT', async () => 'token-12345'],
    ])('refuses %s', async (_case, token) => {
      const userId = ctx.users.of(JWT.appName);
      await expectRefused(await ctx.open(), JWT.appId, userId, await token(userId));
    });
  });
}
