import { Redis } from 'ioredis';
import type { SocketAddress } from '@linker/contracts';
import { PrivateRedis, waitFor } from '@linker/testing';
import { RedisPresence } from '../../src/redis/redis-presence';

/**
 * The lookup cache of RedisPresence against a real redis-server of the test's own (its command counts are ours alone,
 * and killing a connection disturbs nobody). The writer is another client with its own connection, as another
 * connector or processor of the domain is.
 */
const at = (connector: string, socketId: string): SocketAddress => ({ domain: 'domain-01', connector, socketId });
const ids = (sockets: readonly SocketAddress[] | undefined): string[] => (sockets ?? []).map((s) => `${s.connector}/${s.socketId}`).sort();
const IN_A_ROW = 100;
const WAIT = { timeoutMs: 10_000 };

describe('RedisPresence lookup cache (real Redis)', () => {
  let server: PrivateRedis;
  let admin: Redis;
  let cached: RedisPresence;
  let writer: RedisPresence;
  let prefix = 0;

  beforeAll(async () => {
    server = await PrivateRedis.start();
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    await admin?.quit();
    await server?.stop();
  });

  beforeEach(async () => {
    const keyPrefix = `cache-test-${++prefix}`;
    cached = new RedisPresence({ url: server.url, keyPrefix, cache: { maxUsers: 100 } });
    writer = new RedisPresence({ url: server.url, keyPrefix });
    await waitFor('the lookup cache to receive invalidations', () => cached.lookupCache?.cache.active, WAIT);
  });

  afterEach(async () => {
    await cached.close();
    await writer.close();
  });

  /**
   * Wait until the cache has received the invalidations of every write made so far: Redis sends them in order, so once
   * the invalidation of one more write (a fence user's hash) has arrived, all earlier ones have.
   */
  async function settle(): Promise<void> {
    const cache = cached.lookupCache!.cache;
    await cached.lookup('FENCE');
    expect(cache.sockets('FENCE')).toEqual([]);
    await admin.hset(`cache-test-${prefix}:u:FENCE`, 'fence', '1');
    await waitFor('the invalidation of the fence to arrive', () => cache.sockets('FENCE') === undefined, WAIT);
    await admin.del(`cache-test-${prefix}:u:FENCE`);
  }

  it("sees another client's add, remove and removeConnector on the next lookup after the write resolved", async () => {
    await writer.heartbeat('c1', 60_000);
    expect(await cached.lookup('ANZ-1')).toEqual([]);
    await writer.add('ANZ-1', at('c1', 's0'));
    await waitFor('the add of s0 to show in the cached lookup', async () => ids(await cached.lookup('ANZ-1')).length === 1, WAIT);
    for (let i = 1; i <= IN_A_ROW; i++) {
      await writer.add('ANZ-1', at('c1', `s${i}`));
      expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s0', `c1/s${i}`]);
      await writer.remove('ANZ-1', at('c1', `s${i}`));
      expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s0']);
    }
    for (let i = 1; i <= IN_A_ROW / 10; i++) {
      await writer.add('ANZ-1', at(`c${i + 1}`, 's1'));
      expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s0', `c${i + 1}/s1`]);
      await writer.removeConnector(`c${i + 1}`);
      expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s0']);
    }
    expect(cached.lookupCache?.cache.size).toBe(1); // held all along: the lookups above were answered from it
  });

  it('costs no Redis command for users it holds', async () => {
    await writer.add('ANZ-1', at('c1', 's1'));
    await writer.add('ANZ-2', at('c2', 's2'));
    await settle();
    await cached.lookupMany(['ANZ-1', 'ANZ-2']);
    const commands = await server.commandsDuring(async () => {
      for (let i = 0; i < IN_A_ROW; i++) {
        const found = await cached.lookupMany(['ANZ-1', 'ANZ-2']);
        expect(ids(found.get('ANZ-1'))).toEqual(['c1/s1']);
        expect(ids(found.get('ANZ-2'))).toEqual(['c2/s2']);
      }
    });
    expect(commands).toEqual([]);
  });

  it('drops a connector whose lease expired from cached lookups, without any write and without any command', async () => {
    await writer.heartbeat('c-short', 300);
    await writer.heartbeat('c-long', 60_000);
    await writer.add('ANZ-1', at('c-short', 's1'));
    await writer.add('ANZ-1', at('c-long', 's2'));
    await settle();
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c-long/s2', 'c-short/s1']);
    const commands = await server.commandsDuring(async () => {
      await waitFor(
        'the lease of c-short to expire in the cached lookup',
        async () => ids(await cached.lookup('ANZ-1')).length === 1,
        WAIT,
      );
    });
    expect(commands).toEqual([]);
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c-long/s2']);
    const [seconds, micros] = await admin.time();
    const score = Number(await admin.zscore(`cache-test-${prefix}:leases`, 'c-short'));
    expect(score).toBeLessThanOrEqual(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
  });

  it('flushes the cache when its invalidation connection is killed, and stays correct through the reconnection', async () => {
    await writer.add('ANZ-1', at('c1', 's1'));
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s1']);
    const tracking = cached.lookupCache!.tracking;
    const killed = tracking.invalidationClientId;
    const established = tracking.established;
    expect(killed).toBeDefined();
    await admin.client('KILL', 'ID', String(killed));
    // Written while nobody receives its invalidation: only a flush keeps the cached lookup from missing it.
    await writer.add('ANZ-1', at('c1', 's2'));
    await waitFor('tracking to be set up again', () => tracking.established > established && cached.lookupCache?.cache.active, WAIT);
    expect(tracking.invalidationClientId).not.toBe(killed);
    expect(cached.lookupCache?.cache.size).toBe(0);
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s1', 'c1/s2']);
    await writer.remove('ANZ-1', at('c1', 's1'));
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s2']);
  });

  it('flushes the cache when its tracking connection is killed (tracking ends with it), and sets tracking up again', async () => {
    await writer.add('ANZ-1', at('c1', 's1'));
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s1']);
    const tracking = cached.lookupCache!.tracking;
    const established = tracking.established;
    const list = await admin.client('LIST');
    const trackers = String(list)
      .split('\n')
      .filter((line) => line.includes('name=linker-presence-tracking'));
    const id = /id=(\d+)/.exec(trackers[0])?.[1];
    await admin.client('KILL', 'ID', String(id));
    await writer.add('ANZ-1', at('c1', 's2'));
    await waitFor('tracking to be set up again', () => tracking.established > established && cached.lookupCache?.cache.active, WAIT);
    expect(cached.lookupCache?.cache.size).toBe(0);
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s1', 'c1/s2']);
    await writer.remove('ANZ-1', at('c1', 's1'));
    expect(ids(await cached.lookup('ANZ-1'))).toEqual(['c1/s2']);
  });

  it('turns the cache off when Redis stops answering with its connections open (a hung Redis), and on again after', async () => {
    const watched = new RedisPresence({ url: server.url, keyPrefix: `cache-test-${prefix}`, cache: { maxUsers: 100, livenessMs: 300 } });
    try {
      await waitFor('the watched cache to receive invalidations', () => watched.lookupCache?.cache.active, WAIT);
      await writer.add('ANZ-1', at('c1', 's1'));
      expect(ids(await watched.lookup('ANZ-1'))).toEqual(['c1/s1']);
      const established = watched.lookupCache!.tracking.established;
      server.pause();
      try {
        // Nothing would tell a cache whose connection died without closing that it misses invalidations: the PING does.
        await waitFor('the cache to turn off while Redis does not answer', () => watched.lookupCache?.cache.active === false, WAIT);
      } finally {
        server.resume();
      }
      await waitFor(
        'tracking to be set up again',
        () => watched.lookupCache!.tracking.established > established && watched.lookupCache?.cache.active,
        WAIT,
      );
      await writer.add('ANZ-1', at('c1', 's2'));
      await waitFor('the add of s2 to show in the cached lookup', async () => ids(await watched.lookup('ANZ-1')).length === 2, WAIT);
    } finally {
      await watched.close();
    }
  });

  it('keeps at most maxUsers users, dropping the least recently looked up', async () => {
    const small = new RedisPresence({ url: server.url, keyPrefix: `cache-test-${prefix}`, cache: { maxUsers: 3 } });
    try {
      await waitFor('the small cache to receive invalidations', () => small.lookupCache?.cache.active, WAIT);
      await writer.add('ANZ-0', at('c1', 's0'));
      for (let i = 0; i < 10; i++) await small.lookup(`ANZ-${i % 5}`);
      expect(small.lookupCache?.cache.size).toBe(3);
      expect(ids(await small.lookup('ANZ-0'))).toEqual(['c1/s0']);
    } finally {
      await small.close();
    }
  });
});
