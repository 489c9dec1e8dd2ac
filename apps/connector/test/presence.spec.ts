import { MemoryPresence, MemoryPresenceStore, type Presence, type PresenceEntry } from '@linker/presence';
import { waitFor } from '@linker/testing';
import type { TestClient } from './socket/testing/test-client';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

/** A presence client whose heartbeats can be made to fail, and that counts them. */
function flakyHeartbeats(target: Presence, state: { failing: boolean; beats: number }): Presence {
  return Object.assign(Object.create(target) as Presence, {
    heartbeat: async (connector: string, ttlMs: number) => {
      state.beats += 1;
      if (state.failing) throw new Error('presence unreachable (test fault)');
      return target.heartbeat(connector, ttlMs);
    },
  });
}

/** A presence client whose `addMany` first runs `before` (to make something happen while it is under way). */
function beforeAddMany(target: Presence, before: () => Promise<void>): Presence {
  return Object.assign(Object.create(target) as Presence, {
    addMany: async (entries: readonly PresenceEntry[]) => {
      await before();
      return target.addMany(entries);
    },
  });
}

// docs/protocol.md, Authentication: this connector's entries in presence live exactly as long as its sockets and its lease.
describe('connector presence', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('clears what a crashed predecessor of the same name left, on start', async () => {
    const store = new MemoryPresenceStore();
    await new MemoryPresence({ store }).add('ANZ-OLD', { domain: DOMAIN, connector: CONNECTOR, socketId: 'old-1' });
    await new MemoryPresence({ store }).add('ANZ-ELSEWHERE', { domain: DOMAIN, connector: 'connector-other', socketId: '1' });
    h = await startHarness({ store });
    expect(await h.presence.lookup('ANZ-OLD')).toEqual([]);
    expect(await h.presence.lookup('ANZ-ELSEWHERE')).toHaveLength(1);
  });

  it('removes a closed socket and publishes USER_DISCONNECTED, only for authenticated sockets', async () => {
    h = await startHarness();
    const user = await h.user('ANZ-1');
    const anonymous = await h.client();
    anonymous.close();
    user.close();
    const disconnected = await h.processor.next('USER_DISCONNECTED');
    expect(disconnected).toMatchObject({ data: { userId: 'ANZ-1' }, origin: { socketId: user.socketId } });
    await waitFor('both sockets gone', () => h.connector.health().sockets === 0);
    expect(await h.presence.lookup('ANZ-1')).toEqual([]);
    expect(h.processor.all('USER_DISCONNECTED')).toHaveLength(1);
  });

  it('renews its lease, and registers its sockets again once a lapsed lease is renewed', async () => {
    const state = { failing: false, beats: 0 };
    h = await startHarness({
      settings: { presenceHeartbeatMs: 20, presenceTtlMs: 100 },
      wrapPresence: (presence) => flakyHeartbeats(presence, state),
    });
    await h.user('ANZ-1');
    await waitFor('several renewals', () => state.beats >= 8);
    expect(await h.presence.lookup('ANZ-1')).toHaveLength(1); // alive well past one ttl

    state.failing = true;
    await waitFor('the lease to lapse', async () => (await h.presence.lookup('ANZ-1')).length === 0);
    await h.presence.sweep(); // another member sweeps the expired connector: its entries are gone
    await waitFor('the health to show the lapsed lease', () => !h.connector.health().presenceLease);
    state.failing = false;
    await waitFor('the socket registered again', async () => (await h.presence.lookup('ANZ-1')).length === 1);
    expect(h.connector.health().presenceLease).toBe(true);
  });

  it('registers its sockets again at once when presence lost them, though its lease never lapsed by its own clock', async () => {
    const store = new MemoryPresenceStore();
    const state = { failing: false, beats: 0 };
    h = await startHarness({
      store,
      settings: { presenceHeartbeatMs: 20, presenceTtlMs: 60_000 },
      wrapPresence: (presence) => flakyHeartbeats(presence, state),
    });
    await h.user('ANZ-1');
    await h.user('ANZ-2');
    state.failing = true; // Redis restarts: a heartbeat or two fail, and it comes back empty
    store.clear();
    await h.user('ANZ-3'); // a login before the next heartbeat: its add gives the connector a lease again
    expect(await h.presence.lookup('ANZ-1')).toEqual([]);
    state.failing = false;
    await waitFor('the lost sockets registered again', async () => {
      const found = await h.presence.lookupMany(['ANZ-1', 'ANZ-2', 'ANZ-3']);
      return [...found.values()].every((sockets) => sockets.length === 1);
    });
    expect(h.connector.health().presenceLease).toBe(true);
  });

  it('leaves no entry for a socket that ended while the sockets were being registered again', async () => {
    const store = new MemoryPresenceStore();
    let leaving: TestClient | undefined;
    h = await startHarness({
      store,
      settings: { presenceHeartbeatMs: 20, presenceTtlMs: 60_000 },
      wrapPresence: (presence) =>
        beforeAddMany(presence, async () => {
          const client = leaving;
          leaving = undefined;
          if (!client) return;
          client.close(); // it ends, and its removal reaches presence before the batch that still lists it
          await h.processor.next('USER_DISCONNECTED', (e) => e.origin?.socketId === client.socketId);
        }),
    });
    await h.user('ANZ-1');
    const ending = await h.user('ANZ-2');
    leaving = ending;
    store.clear();
    await waitFor('ANZ-1 registered again', async () => (await h.presence.lookup('ANZ-1')).length === 1);
    expect(leaving).toBeUndefined(); // the batch did run after ANZ-2 ended
    await waitFor('no entry left for the socket that ended', async () => (await h.presence.lookup('ANZ-2')).length === 0);
    expect(await h.presence.lookup('ANZ-1')).toHaveLength(1);
  });
});
