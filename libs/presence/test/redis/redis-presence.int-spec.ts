import { Redis } from 'ioredis';
import { presenceContract } from '@linker/testing/contracts/presence.contract';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { RedisPresence } from '../../src/redis/redis-presence';

const address = (connector: string, socketId: string) => ({ domain: 'domain-01', connector, socketId });

describe('RedisPresence', () => {
  const { redisUrl } = testServices();
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisUrl);
  });

  afterAll(async () => {
    await admin.quit();
  });

  /** Redis server time, epoch ms (as the scripts compute it). */
  async function redisNow(): Promise<number> {
    const [seconds, micros] = await admin.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Every key under `prefix`, for inspection and clean-up. */
  async function keysOf(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    return keys.sort();
  }

  /** Delete every key under `prefix` (the shared Redis is never flushed or restarted). */
  async function deleteAll(prefix: string): Promise<void> {
    const keys = await keysOf(prefix);
    if (keys.length > 0) await admin.del(keys);
  }

  presenceContract('redis', {
    open: (keyPrefix, options) => new RedisPresence({ url: redisUrl, keyPrefix, ...options }),
    discard: deleteAll,
    lose: deleteAll,
  });

  presenceContract('redis, cached lookups', {
    open: async (keyPrefix, options) => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix, ...options, cache: { maxUsers: 1000 } });
      await waitFor('the lookup cache to receive invalidations', () => presence.lookupCache?.cache.active, { timeoutMs: 10_000 });
      return presence;
    },
    discard: deleteAll,
    lose: deleteAll,
  });

  describe('adapter details', () => {
    let keyPrefix: string;

    beforeEach(() => {
      keyPrefix = uniqueName('presence');
    });

    afterEach(() => deleteAll(keyPrefix));

    it('leaves no key behind once every socket is removed, the connector is gone and its topic drained', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix, endedGraceMs: 1 });
      await presence.add('ANZ-1', address('c1', 's1'));
      await presence.add('ANZ-2', address('c1', 's2'));
      expect(await keysOf(keyPrefix)).toEqual(
        [`${keyPrefix}:c:c1`, `${keyPrefix}:leases`, `${keyPrefix}:u:ANZ-1`, `${keyPrefix}:u:ANZ-2`].sort(),
      );
      await presence.remove('ANZ-1', address('c1', 's1'));
      await presence.removeConnector('c1');
      expect(await keysOf(keyPrefix)).toEqual([`${keyPrefix}:ended`]);
      const claim = await waitFor('c1 to become claimable', () => presence.claimEnded(60_000), { timeoutMs: 10_000 });
      expect(claim.connector).toBe('c1');
      await presence.releaseEnded(claim);
      await presence.close();
      expect(await keysOf(keyPrefix)).toEqual([]);
    });

    it('lists an ended connector claimable at Redis time + the grace, and claims it until Redis time + claimMs', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix, endedGraceMs: 50 });
      const endedKey = `${keyPrefix}:ended`;
      await presence.add('ANZ-1', address('c1', 's1'));
      const before = await redisNow();
      await presence.removeConnector('c1');
      const listed = Number(await admin.zscore(endedKey, 'c1'));
      expect(listed).toBeGreaterThanOrEqual(before + 50);
      expect(listed).toBeLessThanOrEqual((await redisNow()) + 50);
      const claim = await waitFor('c1 to become claimable', () => presence.claimEnded(60_000), { timeoutMs: 10_000 });
      expect(claim.token).toBe(await admin.zscore(endedKey, 'c1'));
      expect(Number(claim.token)).toBeGreaterThanOrEqual(before + 50 + 60_000);
      await presence.close();
    });

    it('drops from the ended list the connectors a claim finds alive, and keeps the one it claims', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix, endedGraceMs: 1 });
      const endedKey = `${keyPrefix}:ended`;
      for (const connector of ['c1', 'c2', 'c3']) await presence.heartbeat(connector, 60_000);
      for (const connector of ['c1', 'c2', 'c3']) await presence.removeConnector(connector);
      await presence.heartbeat('c1', 60_000);
      await presence.add('ANZ-1', address('c2', 's1'));
      expect(await admin.zrange(endedKey, 0, -1)).toEqual(['c1', 'c2', 'c3']);
      const claim = await waitFor('c3 to become claimable', () => presence.claimEnded(60_000), { timeoutMs: 10_000 });
      expect(claim.connector).toBe('c3');
      expect(await admin.zrange(endedKey, 0, -1)).toEqual(['c3']);
      await presence.close();
    });

    it('refuses a grace under 1 ms or fractional', () => {
      for (const endedGraceMs of [0, -1, 1.5, Number.NaN]) {
        expect(() => new RedisPresence({ url: redisUrl, keyPrefix, endedGraceMs })).toThrow(/endedGraceMs/);
      }
      const client = new Redis(redisUrl, { lazyConnect: true });
      expect(() => new RedisPresence({ client, keyPrefix, endedGraceMs: 1 })).not.toThrow();
      client.disconnect();
    });

    it('sweeps a dead connector on the heartbeat of a live one', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix });
      await presence.heartbeat('c-dead', 200);
      await presence.add('ANZ-1', address('c-dead', 's1'));
      await presence.add('ANZ-1', address('c-live', 's2'));
      await waitFor('the lease of c-dead to expire', async () => (await presence.lookup('ANZ-1')).length === 1, {
        timeoutMs: 10_000,
      });
      await presence.heartbeat('c-live', 60_000);
      expect(await admin.exists(`${keyPrefix}:c:c-dead`)).toBe(0);
      expect(await admin.hkeys(`${keyPrefix}:u:ANZ-1`)).toEqual(['6:c-lives2']);
      expect(await admin.zrange(`${keyPrefix}:leases`, 0, -1)).toEqual(['c-live']);
      await presence.close();
    });

    it('sweeps a large dead connector in bounded batches', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix, sweepBatch: 7 });
      await presence.heartbeat('c1', 200);
      await Promise.all(Array.from({ length: 50 }, (_, i) => presence.add(`ANZ-${i % 5}`, address('c1', `s${i}`))));
      await waitFor('the lease of c1 to expire', async () => (await presence.lookup('ANZ-0')).length === 0, {
        timeoutMs: 10_000,
      });
      expect(await presence.sweep()).toBe(50);
      expect(await keysOf(keyPrefix)).toEqual([`${keyPrefix}:ended`]);
      expect(await admin.zrange(`${keyPrefix}:ended`, 0, -1)).toEqual(['c1']);
      await presence.close();
    });

    it('uses a given client without closing it', async () => {
      const client = new Redis(redisUrl);
      const presence = new RedisPresence({ client, keyPrefix });
      await presence.add('ANZ-1', address('c1', 's1'));
      await presence.close();
      expect(await client.ping()).toBe('PONG');
      const again = new RedisPresence({ client, keyPrefix });
      expect(await again.lookup('ANZ-1')).toEqual([address('c1', 's1')]);
      await again.close();
      await client.quit();
    });

    it('refuses a client with its own keyPrefix, whose keys the scripts could not see', async () => {
      const client = new Redis(redisUrl, { keyPrefix: 'elsewhere:', lazyConnect: true });
      expect(() => new RedisPresence({ client, keyPrefix })).toThrow(/keyPrefix/);
      client.disconnect();
    });

    it('fails with a retriable PRESENCE_UNAVAILABLE error when Redis cannot be reached', async () => {
      const client = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      const presence = new RedisPresence({ client, keyPrefix });
      await expect(presence.lookup('ANZ-1')).rejects.toMatchObject({ code: 'PRESENCE_UNAVAILABLE', retriable: true });
      expect(client.status).toBe('end'); // ended by its retryStrategy; disconnect() now would leave a 2 s ioredis timer
      await presence.close();
    });
  });
});
