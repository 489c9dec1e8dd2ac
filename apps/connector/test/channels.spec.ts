import { channelKey, type Presence } from '@linker/presence';
import type { Envelope } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { silentLogger } from '@linker/observability';
import { LocalTopologySource, type Topology } from '@linker/topology';
import { DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const CHANNEL = 'ANZ:chat-1';
const TOPOLOGY: Topology = {
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    { appName: 'ANZ', appId: 'anz', authEnabled: false, channels: [{ pattern: 'chat-*', subscribe: 'public', publish: 'clients' }] },
  ],
};

/** A presence client whose `add` fails for channel entries (the store is out of reach for them). */
function failingChannelAdds(target: Presence): Presence {
  return Object.assign(Object.create(target) as Presence, {
    add: async (userId: string, address: Parameters<Presence['add']>[1]) => {
      if (userId.startsWith('#')) throw new Error('presence unreachable (test fault)');
      return target.add(userId, address);
    },
  });
}

// docs/protocol.md, Channels: a subscription lives in presence exactly as long as the socket holds it, and what the
// processors route to this connector reaches each subscribed socket once.
describe('connector channels', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const publication = (id: string, data: unknown): Envelope => ({
    ...h.processor.system('PUBLICATION', { channel: CHANNEL, data }),
    id,
    lane: 'FAST',
    to: CHANNEL,
  });

  it('registers a subscription in presence under the channel, and removes it on UNSUBSCRIBE and on close', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const [a, b] = [await h.user('ANZ-1'), await h.user('ANZ-2')];
    for (const client of [a, b]) {
      client.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
      await client.next('SUBSCRIBED');
    }
    expect((await h.presence.lookup(channelKey(CHANNEL))).map((s) => s.socketId).sort()).toEqual([a.socketId, b.socketId].sort());
    a.send({ type: 'UNSUBSCRIBE', data: { channel: CHANNEL } });
    await a.next('UNSUBSCRIBED');
    b.close();
    await waitFor('both subscriptions gone from presence', async () => (await h.presence.lookup(channelKey(CHANNEL))).length === 0);
  });

  it('writes a publication once to each subscribed socket, though it is delivered twice, and to no other socket', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const [a, b, other] = [await h.user('ANZ-1'), await h.user('ANZ-2'), await h.user('ANZ-3')];
    for (const client of [a, b]) {
      client.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
      await client.next('SUBSCRIBED');
    }
    for (let i = 0; i < 2; i++) await h.processor.deliver({ envelope: publication('pub-1', { n: 1 }), targets: [] });
    await h.processor.deliver({ envelope: publication('pub-2', { n: 2 }), targets: [] });
    for (const client of [a, b]) {
      await client.next('PUBLICATION', (f) => (f.data as { data: { n: number } }).data.n === 2);
      expect(client.all('PUBLICATION')).toEqual([
        { type: 'PUBLICATION', data: { channel: CHANNEL, data: { n: 1 } } },
        { type: 'PUBLICATION', data: { channel: CHANNEL, data: { n: 2 } } },
      ]);
    }
    expect(other.all('PUBLICATION')).toEqual([]);
  });

  it('refuses a subscription that presence cannot register with UNAVAILABLE, and keeps nothing of it', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger), wrapPresence: failingChannelAdds });
    const client = await h.user('ANZ-1');
    client.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL }, reference: 'r' });
    const refused = await client.next('INVALID_MESSAGE');
    expect(refused).toMatchObject({ data: { code: 'UNAVAILABLE', retryAfterMs: expect.any(Number) }, reference: 'r' });
    await h.processor.deliver({ envelope: publication('pub-1', 'after'), targets: [] });
    client.send({ type: 'PING', data: {} });
    await client.next('PONG'); // frames to one socket are written in order: the publication came before the pong
    expect(client.all('PUBLICATION')).toEqual([]);
  });

  it('registers subscriptions again with their sockets when presence lost them', async () => {
    const state = { failing: false };
    h = await startHarness({
      topology: new LocalTopologySource(TOPOLOGY, silentLogger),
      settings: { presenceHeartbeatMs: 20, presenceTtlMs: 100 },
      wrapPresence: (presence) =>
        Object.assign(Object.create(presence) as Presence, {
          heartbeat: async (connector: string, ttlMs: number) => {
            if (state.failing) throw new Error('presence unreachable (test fault)');
            return presence.heartbeat(connector, ttlMs);
          },
        }),
    });
    const client = await h.user('ANZ-1');
    client.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
    await client.next('SUBSCRIBED');
    state.failing = true;
    await waitFor('the lease to lapse', async () => (await h.presence.lookup(channelKey(CHANNEL))).length === 0);
    await h.presence.sweep();
    state.failing = false;
    await waitFor('the subscription registered again', async () => (await h.presence.lookup(channelKey(CHANNEL))).length === 1);
  });
});
