import { CLOSE_CODES } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

// docs/protocol.md, Token expiry: the connector watches the expiry of a JWT login's token (the processor's
// `expiresAt`), tells the socket before it (TOKEN_EXPIRING), passes a fresh token on (REFRESH_TOKEN) and moves the
// watch to the one the processor accepted, and closes with 4010 when no fresh one came by `exp`.

const NOTICE_MS = 1_000;
/** How long the token of a test login lives: the notice comes about 1 s before its end. */
const LIFETIME_MS = 2_500;
/** Room for a loaded machine around each instant. */
const SLACK_MS = 2_000;

describe('token expiry (connector)', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const expiring = (lifetimeMs: number) => ({ isAuthenticated: true, expiresAt: Date.now() + lifetimeMs });

  it('tells the socket before its token expires, then closes it with 4010 at the expiry', async () => {
    h = await startHarness({ settings: { tokenExpiryNoticeMs: NOTICE_MS }, processor: { authenticate: () => expiring(LIFETIME_MS) } });
    const client = await h.client();
    const reply = await client.auth('ANZ-1');
    const { expiresAt } = reply.data as { expiresAt: number };
    const notice = await client.next('TOKEN_EXPIRING', () => true, LIFETIME_MS + SLACK_MS);
    const toldAt = Date.now();
    expect(notice.data).toEqual({ expiresAt, inMs: expect.any(Number) as unknown });
    const { inMs } = notice.data as { inMs: number };
    expect(inMs).toBeGreaterThan(0);
    expect(inMs).toBeLessThanOrEqual(NOTICE_MS);
    expect(toldAt).toBeGreaterThanOrEqual(expiresAt - NOTICE_MS);
    expect(await client.closed(NOTICE_MS + SLACK_MS)).toEqual({ code: 4010, reason: CLOSE_CODES.TOKEN_EXPIRED.reason });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    await waitFor('the closed socket to be gone', () => h.connector.health().sockets === 0);
  });

  it('passes REFRESH_TOKEN on as the user, writes the reply, and keeps the socket open until the fresh expiry', async () => {
    let freshExpiry = 0;
    h = await startHarness({
      settings: { tokenExpiryNoticeMs: NOTICE_MS },
      processor: {
        authenticate: () => expiring(LIFETIME_MS),
        refresh: (_userId, token) => {
          freshExpiry = Date.now() + 2 * LIFETIME_MS;
          return token === 'fresh' ? { isAuthenticated: true, expiresAt: freshExpiry } : undefined;
        },
      },
    });
    const client = await h.user('ANZ-1');
    const { expiresAt } = (await client.next('AUTH_CLIENT_REPLY')).data as { expiresAt: number };
    await client.next('TOKEN_EXPIRING', () => true, LIFETIME_MS + SLACK_MS);
    client.send({ type: 'REFRESH_TOKEN', data: { token: 'fresh' }, reference: 'r-1' });
    const refresh = await h.processor.next('REFRESH_TOKEN');
    expect(refresh).toMatchObject({ from: 'ANZ-1', data: { token: 'fresh' }, reference: 'r-1', origin: { socketId: client.socketId } });
    expect(await client.next('REFRESH_TOKEN_REPLY')).toEqual({
      type: 'REFRESH_TOKEN_REPLY',
      data: { isAuthenticated: true, expiresAt: freshExpiry },
      reference: 'r-1',
    });
    await waitFor('the first expiry to pass', () => Date.now() > expiresAt + 500, { timeoutMs: LIFETIME_MS + SLACK_MS });
    client.send({ type: 'PING', data: {} });
    await client.next('PONG');
    expect(client.closeInfo).toBeUndefined();
    // The watch moved to the fresh token: told again before it.
    const second = await client.next(
      'TOKEN_EXPIRING',
      (f) => (f.data as { expiresAt: number }).expiresAt === freshExpiry,
      2 * LIFETIME_MS + SLACK_MS,
    );
    expect(second.data).toMatchObject({ expiresAt: freshExpiry });
  });

  it('keeps the old expiry when the fresh token is refused, and closes with 4010 then', async () => {
    h = await startHarness({
      settings: { tokenExpiryNoticeMs: NOTICE_MS },
      processor: {
        authenticate: () => expiring(LIFETIME_MS),
        refresh: () => ({ isAuthenticated: false, reason: 'token refused (its sub is not this user)' }),
      },
    });
    const client = await h.user('ANZ-1');
    client.send({ type: 'REFRESH_TOKEN', data: { token: 'for-someone-else' }, reference: 'r-2' });
    expect(await client.next('REFRESH_TOKEN_REPLY')).toMatchObject({
      data: { isAuthenticated: false, reason: expect.stringContaining('sub') as unknown },
    });
    expect((await client.closed(LIFETIME_MS + SLACK_MS)).code).toBe(CLOSE_CODES.TOKEN_EXPIRED.code);
  });

  it('refuses REFRESH_TOKEN before the login (AUTH_REQUIRED) and a token that is not a string (INVALID_FIELD)', async () => {
    h = await startHarness();
    const fresh = await h.client();
    fresh.send({ type: 'REFRESH_TOKEN', data: { token: 't' } });
    await fresh.next('AUTH_REQUIRED');
    const client = await h.user('ANZ-1');
    client.send({ type: 'REFRESH_TOKEN', data: { token: 42 }, reference: 'r-3' });
    expect(await client.next('INVALID_MESSAGE')).toMatchObject({ data: { code: 'INVALID_FIELD' }, reference: 'r-3' });
    expect(h.processor.all('REFRESH_TOKEN')).toHaveLength(0);
  });

  it('closes a login refused because the auth server is busy with 4011 AUTH_BUSY (retry later), not 4001', async () => {
    h = await startHarness({ processor: { authenticate: () => ({ isAuthenticated: false, retryAfterMs: 1_000 }) } });
    const client = await h.client();
    expect((await client.auth('ANZ-1')).data).toEqual({ appId: 'app-1', userId: 'ANZ-1', isAuthenticated: false, retryAfterMs: 1_000 });
    expect(await client.closed()).toEqual({ code: 4011, reason: CLOSE_CODES.AUTH_BUSY.reason });
  });
});
