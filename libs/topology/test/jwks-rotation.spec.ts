import { startJwksServer, waitFor, type JwksServer } from '@linker/testing';
import { JwtVerifier, type ClientApp } from '@linker/topology';

// jwksUrl apps (docs/protocol.md, Authentication): the key set is fetched once and cached, a token whose kid the cached
// set does not hold fetches it again (a rotated key is found), at most once per cooldown, against a real local
// JWKS endpoint that rotates its key.

const COOLDOWN_MS = 1_000;
const inMinutes = (minutes: number) => Math.floor(Date.now() / 1000) + minutes * 60;

describe('JwtVerifier with a jwksUrl', () => {
  let jwks: JwksServer;
  let app: ClientApp;

  beforeAll(async () => {
    jwks = await startJwksServer();
    app = { appName: 'KS', appId: 'ks', jwksUrl: jwks.url };
  });

  afterAll(async () => {
    await jwks.close();
  });

  it('verifies with the cached set, finds a rotated key after one more fetch, and fetches at most once per cooldown', async () => {
    const verifier = new JwtVerifier({ timeoutMs: 5_000, cooldownMs: COOLDOWN_MS, maxAgeMs: 600_000 });
    const exp = inMinutes(5);
    const first = await jwks.sign('KS-1', exp);
    expect(await verifier.verify(app, first, 'KS-1', Date.now())).toEqual({ accepted: true, expiresAt: exp * 1000 });
    expect(await verifier.verify(app, await jwks.sign('KS-2', exp), 'KS-2', Date.now())).toMatchObject({ accepted: true });
    expect(jwks.fetches).toBe(1); // cached

    await jwks.rotate();
    const rotated = await jwks.sign('KS-1', exp);
    // Within the cooldown of the first fetch, an unknown kid is refused without asking again, however often it comes.
    const early = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(app, rotated, 'KS-1', Date.now())));
    const fetchesAfterBurst = jwks.fetches;
    expect(fetchesAfterBurst).toBeLessThanOrEqual(2);
    if (fetchesAfterBurst === 1) expect(early.every((v) => !v.accepted && /no key/.test(v.reason))).toBe(true);
    // Once the cooldown is over, the set is fetched again and the new key verifies.
    await waitFor('the rotated key to verify', async () => (await verifier.verify(app, rotated, 'KS-1', Date.now())).accepted, {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(jwks.fetches).toBe(2);
    // The old key left the set: a token signed with it is refused now.
    expect(await verifier.verify(app, first, 'KS-1', Date.now())).toMatchObject({ accepted: false });
  });

  it('refuses a token of the set for another user, an expired one, and says why', async () => {
    const verifier = new JwtVerifier();
    const forOther = await jwks.sign('KS-2', inMinutes(5));
    expect(await verifier.verify(app, forOther, 'KS-1', Date.now())).toEqual({
      accepted: false,
      reason: 'token refused (its sub is not this user)',
    });
    const expired = await jwks.sign('KS-1', inMinutes(-1));
    expect(await verifier.verify(app, expired, 'KS-1', Date.now())).toEqual({ accepted: false, reason: 'token refused (expired)' });
  });

  it('refuses every token of an app whose key set cannot be read', async () => {
    const verifier = new JwtVerifier({ timeoutMs: 500, cooldownMs: 0, maxAgeMs: 600_000 });
    const unreachable: ClientApp = { appName: 'KS', appId: 'ks', jwksUrl: 'http://127.0.0.1:9/jwks.json' };
    const verdict = await verifier.verify(unreachable, await jwks.sign('KS-1', inMinutes(5)), 'KS-1', Date.now());
    expect(verdict).toMatchObject({ accepted: false });
  });
});
