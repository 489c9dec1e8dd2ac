import { Redis } from 'ioredis';
import { PrivateRedis, waitFor } from '@linker/testing';
import { RedisPresence } from '../../src/redis/redis-presence';

/** `mayMissSockets` after Redis restarts, against a redis-server of the test's own (killed and started again). */
describe('RedisPresence after a Redis restart (real Redis)', () => {
  let server: PrivateRedis;
  let presence: RedisPresence | undefined;

  beforeEach(async () => {
    server = await PrivateRedis.start();
  });
  afterEach(async () => {
    await presence?.close();
    await server?.stop();
  });

  it('may miss sockets while Redis is away and for settleMs once the restarted one is reached (a new run id), not after', async () => {
    presence = new RedisPresence({ url: server.url, keyPrefix: 'restart-test', settleMs: 1_500 });
    const started = presence;
    await started.lookupMany(['ANZ-1']); // connected, its run id read
    expect(started.mayMissSockets(Date.now())).toBe(false);
    await server.kill();
    await waitFor('the lost connection to be noticed', () => started.mayMissSockets(Date.now()), { timeoutMs: 10_000 });
    // The client may reach the restarted server (and read its new run id) before `start` resolves: the window cannot
    // start before the server is started, so it ends at least settleMs after that.
    const restarting = Date.now();
    await server.start();
    await waitFor('the settle window to end', () => !started.mayMissSockets(Date.now()), { timeoutMs: 10_000, intervalMs: 10 });
    expect(Date.now() - restarting).toBeGreaterThanOrEqual(1_500); // the window starts once the new run id is read
  });

  it('a reconnection to the same Redis (its run id unchanged) is no restart; without settleMs it never says so', async () => {
    presence = new RedisPresence({ url: server.url, keyPrefix: 'restart-test', settleMs: 60_000 });
    const plain = new RedisPresence({ url: server.url, keyPrefix: 'restart-test' });
    const admin = new Redis(server.url);
    try {
      await Promise.all([presence.lookupMany(['ANZ-1']), plain.lookupMany(['ANZ-1'])]);
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes'); // drops the presence clients' connections
      await waitFor('the presence client to reconnect', async () => (await presence!.lookupMany(['ANZ-1'])).has('ANZ-1'), {
        timeoutMs: 10_000,
      });
      // Until the run id is read again it may miss sockets; then the same run id: no settle window (it would last 60 s).
      await waitFor('the same run id to be read again', () => !presence!.mayMissSockets(Date.now()), { timeoutMs: 5_000, intervalMs: 10 });
      await server.kill();
      await server.start();
      await waitFor('the plain client to reconnect', async () => (await plain.lookupMany(['ANZ-1'])).has('ANZ-1'), { timeoutMs: 10_000 });
      expect(plain.mayMissSockets(Date.now())).toBe(false);
    } finally {
      admin.disconnect();
      await plain.close();
    }
  });
});
