import type { SocketAddress } from '@linker/contracts';
import type { Presence } from '@linker/presence';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { endedConnectorCases } from './presence-ended.contract';
import { at, ids, type PresenceClientOptions } from './presence-kit';
import { leaseCases } from './presence-lease.contract';

export interface PresenceHarness {
  /**
   * A new client of the store named `prefix`, with `options`. Two clients of one prefix share one store (like two
   * processes sharing one Redis); stores of different prefixes share nothing. The suite closes every client it opens.
   */
  open(prefix: string, options?: PresenceClientOptions): Presence | Promise<Presence>;
  /** Delete what the store named `prefix` holds; called after each test, once its clients are closed. */
  discard?(prefix: string): void | Promise<void>;
  /**
   * Make the store named `prefix` lose everything it holds at once while its clients stay open, as a Redis restarted
   * without persistence does.
   */
  lose(prefix: string): void | Promise<void>;
}

const SHORT_TTL_MS = 300;
const LONG_TTL_MS = 60_000;
const SLOW_TEST_MS = 20_000;

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** The contract every `Presence` adapter passes: run once per adapter, against its real store. */
export function presenceContract(name: string, harness: PresenceHarness): void {
  describe(`Presence contract: ${name}`, () => {
    let prefix: string;
    let opened: Presence[] = [];

    const client = async (options?: PresenceClientOptions): Promise<Presence> => {
      const presence = await harness.open(prefix, options);
      opened.push(presence);
      return presence;
    };

    beforeEach(() => {
      prefix = uniqueName('presence');
    });

    afterEach(async () => {
      await Promise.all(opened.map((presence) => presence.close()));
      opened = [];
      await harness.discard?.(prefix);
    });

    it('registers, finds and forgets a socket', async () => {
      const presence = await client();
      expect(await presence.lookup('ANZ-1')).toEqual([]);
      await presence.add('ANZ-1', at('c1', 's1'));
      expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
      await presence.remove('ANZ-1', at('c1', 's1'));
      expect(await presence.lookup('ANZ-1')).toEqual([]);
    });

    it('holds many sockets of one user on several connectors, apart from other users', async () => {
      const presence = await client();
      const mine = [at('c1', 's1'), at('c1', 's2'), at('c1', 's3'), at('c2', 's1'), at('c2', 's9')];
      for (const address of mine) await presence.add('ANZ-1', address);
      await presence.add('ANZ-2', at('c1', 's4'));
      expect(ids(await presence.lookup('ANZ-1'))).toEqual(ids(mine));
      expect(ids(await presence.lookup('ANZ-2'))).toEqual(['c1/s4']);
    });

    it('treats a repeated add or remove as one', async () => {
      const presence = await client();
      await presence.add('ANZ-1', at('c1', 's1'));
      await presence.add('ANZ-1', at('c1', 's1'));
      expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
      await presence.remove('ANZ-1', at('c1', 's1'));
      await presence.remove('ANZ-1', at('c1', 's1'));
      await presence.remove('ANZ-9', at('c7', 'never-added'));
      expect(await presence.lookup('ANZ-1')).toEqual([]);
      await presence.add('ANZ-1', at('c1', 's1'));
      expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
    });

    it('keys sockets by connector and socket id, for any characters in the names', async () => {
      const presence = await client();
      await presence.add('ANZ-1', at('c:1', '2s'));
      await presence.add('ANZ-1', at('c', ':12s'));
      await presence.add('ANZ-1', at('connecteur-é', 'sock€t'));
      expect(ids(await presence.lookup('ANZ-1'))).toEqual(['c/:12s', 'c:1/2s', 'connecteur-é/sock€t']);
      await presence.remove('ANZ-1', at('c', ':12s'));
      expect(ids(await presence.lookup('ANZ-1'))).toEqual(['c:1/2s', 'connecteur-é/sock€t']);
    });

    it('returns copies that callers may change freely', async () => {
      const presence = await client();
      await presence.add('ANZ-1', at('c1', 's1'));
      const found = await presence.lookup('ANZ-1');
      found[0].socketId = 'changed';
      found.push(at('c9', 's9'));
      expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
    });

    it('looks up many users at once, each asked user present in the result', async () => {
      const presence = await client();
      await presence.add('ANZ-1', at('c1', 's1'));
      await presence.add('ANZ-1', at('c2', 's2'));
      await presence.add('ANZ-3', at('c1', 's3'));
      const found = await presence.lookupMany(['ANZ-1', 'ANZ-2', 'ANZ-3', 'ANZ-1', 'ANZ-4']);
      expect([...found.keys()].sort()).toEqual(['ANZ-1', 'ANZ-2', 'ANZ-3', 'ANZ-4']);
      expect(ids(found.get('ANZ-1'))).toEqual(['c1/s1', 'c2/s2']);
      expect(found.get('ANZ-2')).toEqual([]);
      expect(found.get('ANZ-3')).toEqual([at('c1', 's3')]);
      expect(found.get('ANZ-4')).toEqual([]);
      expect((await presence.lookupMany([])).size).toBe(0);
    });

    it('looks up hundreds of users in one call', async () => {
      const presence = await client();
      const users = range(300).map((i) => `ANZ-${i}`);
      await Promise.all(users.filter((_, i) => i % 3 === 0).map((u) => presence.add(u, at('c1', `s-${u}`))));
      const found = await presence.lookupMany(users);
      expect(found.size).toBe(300);
      users.forEach((u, i) => expect(ids(found.get(u))).toEqual(i % 3 === 0 ? [`c1/s-${u}`] : []));
    });

    it(
      'stops returning the sockets of a connector whose lease expired, and only those',
      async () => {
        const presence = await client();
        await presence.heartbeat('c-short', SHORT_TTL_MS);
        await presence.heartbeat('c-long', LONG_TTL_MS);
        await presence.add('ANZ-1', at('c-short', 's1'));
        await presence.add('ANZ-1', at('c-long', 's2'));
        await presence.add('ANZ-2', at('c-short', 's3'));
        expect(ids(await presence.lookup('ANZ-1'))).toEqual(['c-long/s2', 'c-short/s1']);
        await waitFor(
          'the lease of c-short to expire',
          async () => {
            const found = await presence.lookup('ANZ-1');
            return found.length === 1 && found[0].connector === 'c-long';
          },
          { timeoutMs: 10_000, intervalMs: 25 },
        );
        const many = await presence.lookupMany(['ANZ-1', 'ANZ-2']);
        expect(many.get('ANZ-1')).toEqual([at('c-long', 's2')]);
        expect(many.get('ANZ-2')).toEqual([]);
      },
      SLOW_TEST_MS,
    );

    it(
      'renews the lease on add, by the ttl of the last heartbeat',
      async () => {
        const presence = await client();
        await presence.heartbeat('c1', SHORT_TTL_MS);
        const start = Date.now();
        const misses: number[] = [];
        let round = 0;
        await waitFor(
          `adds to keep c1 alive for ${3 * SHORT_TTL_MS} ms`,
          async () => {
            round += 1;
            await presence.add('ANZ-1', at('c1', `s${round}`));
            if ((await presence.lookup('ANZ-1')).length !== round) misses.push(Date.now() - start);
            return Date.now() - start > 3 * SHORT_TTL_MS;
          },
          { timeoutMs: 10_000, intervalMs: SHORT_TTL_MS / 6 },
        );
        expect(misses).toEqual([]);
        expect(round).toBeGreaterThan(3);
        await waitFor('the renewed lease of c1 to expire at last', async () => (await presence.lookup('ANZ-1')).length === 0, {
          timeoutMs: 10_000,
          intervalMs: 25,
        });
      },
      SLOW_TEST_MS,
    );

    it(
      'gives a connector that never sent a heartbeat a lease on add, and a later heartbeat can shorten it',
      async () => {
        const presence = await client();
        await presence.add('ANZ-1', at('c1', 's1'));
        expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
        await presence.heartbeat('c1', SHORT_TTL_MS);
        await waitFor('the shortened lease of c1 to expire', async () => (await presence.lookup('ANZ-1')).length === 0, {
          timeoutMs: 10_000,
          intervalMs: 25,
        });
      },
      SLOW_TEST_MS,
    );

    it("forgets, on removeConnector, that connector's sockets and nothing else", async () => {
      const [one, other] = [await client(), await client()];
      await one.add('ANZ-1', at('c1', 's1'));
      await one.add('ANZ-1', at('c2', 's2'));
      await one.add('ANZ-2', at('c1', 's3'));
      await one.add('ANZ-3', at('c2', 's4'));
      await other.removeConnector('c1');
      const found = await one.lookupMany(['ANZ-1', 'ANZ-2', 'ANZ-3']);
      expect(ids(found.get('ANZ-1'))).toEqual(['c2/s2']);
      expect(found.get('ANZ-2')).toEqual([]);
      expect(ids(found.get('ANZ-3'))).toEqual(['c2/s4']);
      await other.removeConnector('c1');
      await one.heartbeat('c1', LONG_TTL_MS);
      expect(await one.lookup('ANZ-2')).toEqual([]);
      await one.add('ANZ-2', at('c1', 's5'));
      expect(ids(await other.lookup('ANZ-2'))).toEqual(['c1/s5']);
    });

    it(
      'deletes, on sweep, the entries of expired connectors, so a revived lease does not bring them back',
      async () => {
        const presence = await client();
        await presence.heartbeat('c-dead', SHORT_TTL_MS);
        await presence.heartbeat('c-live', LONG_TTL_MS);
        await presence.add('ANZ-1', at('c-dead', 's1'));
        await presence.add('ANZ-2', at('c-dead', 's2'));
        await presence.add('ANZ-1', at('c-live', 's3'));
        await waitFor('the lease of c-dead to expire', async () => (await presence.lookup('ANZ-2')).length === 0, {
          timeoutMs: 10_000,
          intervalMs: 25,
        });
        expect(await presence.sweep()).toBe(2);
        expect(await presence.sweep()).toBe(0);
        await presence.heartbeat('c-dead', LONG_TTL_MS);
        const found = await presence.lookupMany(['ANZ-1', 'ANZ-2']);
        expect(found.get('ANZ-1')).toEqual([at('c-live', 's3')]);
        expect(found.get('ANZ-2')).toEqual([]);
      },
      SLOW_TEST_MS,
    );

    it(
      'loses no update when two clients write the same user at once',
      async () => {
        const [a, b] = [await client(), await client()];
        const aSockets = range(200).map((i) => at('c1', `a${i}`));
        const bSockets = range(200).map((i) => at(i % 2 === 0 ? 'c1' : 'c2', `b${i}`));
        await Promise.all([...aSockets.map((s) => a.add('ANZ-1', s)), ...bSockets.map((s) => b.add('ANZ-1', s))]);
        expect(ids(await a.lookup('ANZ-1'))).toEqual(ids([...aSockets, ...bSockets]));

        const evenOf = (sockets: SocketAddress[]) => sockets.filter((_, i) => i % 2 === 0);
        const everyFourth = (sockets: SocketAddress[]) => sockets.filter((_, i) => i % 4 === 0);
        await Promise.all([
          ...[...evenOf(aSockets), ...everyFourth(bSockets)].map((s) => a.remove('ANZ-1', s)),
          ...[...evenOf(bSockets), ...everyFourth(aSockets)].map((s) => b.remove('ANZ-1', s)),
        ]);
        const odd = (sockets: SocketAddress[]) => sockets.filter((_, i) => i % 2 === 1);
        expect(ids(await b.lookup('ANZ-1'))).toEqual(ids([...odd(aSockets), ...odd(bSockets)]));
        await a.removeConnector('c2');
        expect(ids(await b.lookup('ANZ-1'))).toEqual(ids(odd(aSockets)));
      },
      SLOW_TEST_MS,
    );

    it('shows a resolved write of one client to the next lookup of another', async () => {
      const [writer, reader] = [await client(), await client()];
      await writer.add('ANZ-1', at('c1', 's1'));
      expect(await reader.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
      expect((await reader.lookupMany(['ANZ-1'])).get('ANZ-1')).toEqual([at('c1', 's1')]);
      await reader.remove('ANZ-1', at('c1', 's1'));
      expect(await writer.lookup('ANZ-1')).toEqual([]);
    });

    it('keeps stores of different prefixes apart', async () => {
      const presence = await client();
      const otherPrefix = uniqueName('presence-other');
      const stranger = await harness.open(otherPrefix);
      try {
        await presence.add('ANZ-1', at('c1', 's1'));
        await stranger.add('ANZ-1', at('c1', 's2'));
        await stranger.removeConnector('c1');
        expect(await stranger.lookup('ANZ-1')).toEqual([]);
        expect(await presence.lookup('ANZ-1')).toEqual([at('c1', 's1')]);
      } finally {
        await stranger.close();
        await harness.discard?.(otherPrefix);
      }
    });

    it('refuses calls once closed', async () => {
      const presence = await client();
      await presence.close();
      await expect(presence.lookup('ANZ-1')).rejects.toMatchObject({ code: 'PRESENCE_CLOSED' });
      await expect(presence.add('ANZ-1', at('c1', 's1'))).rejects.toMatchObject({ code: 'PRESENCE_CLOSED' });
      await expect(presence.sweep()).rejects.toMatchObject({ code: 'PRESENCE_CLOSED' });
      await expect(presence.claimEnded(1_000)).rejects.toMatchObject({ code: 'PRESENCE_CLOSED' });
      await expect(presence.releaseEnded({ connector: 'c1', token: '1' })).rejects.toMatchObject({ code: 'PRESENCE_CLOSED' });
    });

    endedConnectorCases(client);
    leaseCases(client, async () => harness.lose(prefix));
  });
}
