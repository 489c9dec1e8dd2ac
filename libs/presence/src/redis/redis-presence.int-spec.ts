import { Redis } from 'ioredis';
import { presenceContract } from '@linker/testing/contracts/presence.contract';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { RedisPresence } from './redis-presence';

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

  /** Every key under `prefix`, for inspection and clean-up. */
  async function keysOf(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    return keys.sort();
  }

  presenceContract('redis', {
    open: (keyPrefix) => new RedisPresence({ url: redisUrl, keyPrefix }),
    async discard(prefix) {
      const keys = await keysOf(prefix);
      if (keys.length > 0) await admin.del(keys);
    },
  });

  describe('adapter details', () => {
    let keyPrefix: string;

    beforeEach(() => {
      keyPrefix = uniqueName('presence');
    });

    afterEach(async () => {
      const keys = await keysOf(keyPrefix);
      if (keys.length > 0) await admin.del(keys);
    });

    it('leaves no key behind once every socket is removed and the connector is gone', async () => {
      const presence = new RedisPresence({ url: redisUrl, keyPrefix });
      await presence.add('ANZ-1', address('c1', 's1'));
      await presence.add('ANZ-2', address('c1', 's2'));
      expect(await keysOf(keyPrefix)).toEqual(
        [`${keyPrefix}:c:c1`, `${keyPrefix}:leases`, `${keyPrefix}:u:ANZ-1`, `${keyPrefix}:u:ANZ-2`].sort(),
      );
      await presence.remove('ANZ-1', address('c1', 's1'));
      await presence.removeConnector('c1');
      await presence.close();
      expect(await keysOf(keyPrefix)).toEqual([]);
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
      expect(await keysOf(keyPrefix)).toEqual([]);
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
