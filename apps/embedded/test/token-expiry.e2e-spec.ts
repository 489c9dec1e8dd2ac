import { SignJWT } from 'jose';
import { LinkerClient, type ClientEvents } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { CLOSE_CODES } from '@linker/contracts';
import { startEmbeddedDomain, waitFor, type EmbeddedDomain } from '@linker/testing';
import type { Topology } from '@linker/topology';

// Tokens with a lifetime against the built embedded entry (`npm run build` first; docs/protocol.md, Token expiry): a
// JWT session is told before its token expires, refreshes it in-band (the SDK with getToken) and stays open past the
// first `exp`; a session that does not refresh is closed with 4010 at its `exp`.

const JWT_SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const APP_ID = 'jwt-app';
const NOTICE_MS = 2_000;
/** Each token lives 4-5 s (`exp` is in whole seconds). */
const TOKEN_S = 5;
/** Room for a loaded machine around each instant. */
const SLACK_MS = 5_000;

const topology: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:0'] }],
  domainLinks: [],
  clientApps: [{ appName: 'JWT', appId: APP_ID, jwtSecret: JWT_SECRET, userDistributions: [{ domainName: 'domain-01' }] }],
};

/** A token for `sub` that expires `seconds` from now (negative: expired already). */
function token(sub: string, seconds = TOKEN_S): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** Every event of `names` that `client` emits, in order. */
function recordEvents(
  client: LinkerClient,
  names: ReadonlyArray<keyof ClientEvents>,
): Array<{ name: string; at: number; payload: unknown }> {
  const seen: Array<{ name: string; at: number; payload: unknown }> = [];
  for (const name of names) client.on(name, (payload) => seen.push({ name, at: Date.now(), payload }));
  return seen;
}

describe('tokens with a lifetime (embedded mode)', () => {
  let domain: EmbeddedDomain | undefined;
  const clients: LinkerClient[] = [];

  beforeAll(async () => {
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env: { LINKER_TOKEN_EXPIRY_NOTICE_MS: String(NOTICE_MS) } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await domain?.close();
  });

  const client = (userId: string, options: Partial<ConstructorParameters<typeof LinkerClient>[0]>): LinkerClient => {
    const url = domain?.connectorUrls[0] as string;
    const made = new LinkerClient({ url, appId: APP_ID, userId, webSocket: NodeWebSocket, ...options });
    clients.push(made);
    return made;
  };

  it('tells a session before its exp; the SDK refreshes in-band with getToken and the session outlives the first exp', async () => {
    const asked: number[] = [];
    const refreshing = client('JWT-1', { getToken: () => (asked.push(Date.now()), token('JWT-1')) });
    const events = recordEvents(refreshing, ['authenticated', 'tokenExpiring', 'tokenRefreshed', 'closed', 'reconnecting']);
    const first = await refreshing.connect();
    const firstExpiry = first.expiresAt as number;
    expect(firstExpiry).toBeGreaterThan(Date.now());

    const refreshed = await waitFor('the fresh token to be accepted', () => events.find((e) => e.name === 'tokenRefreshed'), {
      timeoutMs: TOKEN_S * 1000 + SLACK_MS,
    });
    const told = events.find((e) => e.name === 'tokenExpiring');
    expect(told?.payload).toEqual({ expiresAt: firstExpiry, inMs: expect.any(Number) as unknown });
    expect(told?.at).toBeGreaterThanOrEqual(firstExpiry - NOTICE_MS - 50);
    expect(refreshed.payload).toMatchObject({ isAuthenticated: true });
    const secondExpiry = (refreshed.payload as { expiresAt: number }).expiresAt;
    expect(secondExpiry).toBeGreaterThan(firstExpiry);

    // Past the first exp, the same connection still serves: no close, no reconnect, one login.
    await waitFor('the first exp to pass', () => Date.now() > firstExpiry + 1_000, { timeoutMs: TOKEN_S * 1000 + SLACK_MS });
    expect(await refreshing.ping()).toBeGreaterThanOrEqual(0);
    expect(refreshing.state).toBe('open');
    expect(events.filter((e) => ['closed', 'reconnecting'].includes(e.name))).toEqual([]);
    expect(events.filter((e) => e.name === 'authenticated')).toHaveLength(1);
    // getToken was asked for the login, then once per notice (each fresh token lives a few seconds too).
    const notices = events.filter((e) => e.name === 'tokenExpiring').length;
    expect(asked).toHaveLength(1 + notices);
  }, 30_000);

  it('closes a session that sends no fresh token with 4010 at its exp, after telling it', async () => {
    const silent = client('JWT-2', { token: await token('JWT-2'), reconnect: false });
    const events = recordEvents(silent, ['tokenExpiring', 'closed']);
    const { expiresAt } = await silent.connect();
    const closed = await waitFor('the 4010 close', () => events.find((e) => e.name === 'closed'), { timeoutMs: TOKEN_S * 1000 + SLACK_MS });
    expect(closed.payload).toMatchObject({ code: CLOSE_CODES.TOKEN_EXPIRED.code, reason: CLOSE_CODES.TOKEN_EXPIRED.reason });
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt as number);
    expect(events.map((e) => e.name)).toEqual(['tokenExpiring', 'closed']);
  }, 30_000);

  it('retries a login refused for an expired token once, with the fresh token getToken gives', async () => {
    const tokens = [token('JWT-3', -60), token('JWT-3')];
    let asked = 0;
    const retrying = client('JWT-3', { getToken: () => tokens[Math.min(asked++, 1)] });
    const reply = await retrying.connect();
    expect(reply).toMatchObject({ isAuthenticated: true, userId: 'JWT-3' });
    expect(asked).toBe(2);
  }, 30_000);
});
