import { INTERNAL_TYPES, type ChannelPresence, type Envelope } from '@linker/contracts';
import { silentLogger } from '@linker/observability';
import { channelKey } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { LocalTopologySource, type Topology } from '@linker/topology';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

// docs/protocol.md, Presence events: the connector tells the processors of a channel's first subscriber
// here (after registering it, naming the other connectors that had subscribers before) and of its last (after removing it).

const CHANNEL = 'ANZ:chat-1';
const TOPOLOGY: Topology = {
  domains: [{ name: DOMAIN, urls: [] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'anz',
      authEnabled: false,
      channels: [{ pattern: 'chat-*', subscribe: 'public' }],
      webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-signing-secret-of-32-chars!' },
    },
    { appName: 'QUIET', appId: 'quiet', authEnabled: false, channels: [{ pattern: 'chat-*', subscribe: 'public' }] },
  ],
};

describe('channel occupancy', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const events = (): Array<{ type: string; data: ChannelPresence; key?: string }> =>
    h.processor.received
      .filter((e: Envelope) => e.type === INTERNAL_TYPES.CHANNEL_OCCUPIED || e.type === INTERNAL_TYPES.CHANNEL_VACATED)
      .map((e) => ({ type: e.type, data: e.data as ChannelPresence }));

  it('announces the first subscriber here once, after registering it, and the last once it is removed', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const [a, b] = [await h.user('ANZ-1'), await h.user('ANZ-2')];
    a.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
    await a.next('SUBSCRIBED');
    const occupied = await h.processor.next(INTERNAL_TYPES.CHANNEL_OCCUPIED);
    expect(occupied.data).toEqual({ channel: CHANNEL, connector: CONNECTOR, others: [] });
    expect(await h.presence.lookup(channelKey(CHANNEL))).toHaveLength(1);
    b.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
    await b.next('SUBSCRIBED');
    a.send({ type: 'UNSUBSCRIBE', data: { channel: CHANNEL } });
    await a.next('UNSUBSCRIBED');
    b.close();
    const vacated = await h.processor.next(INTERNAL_TYPES.CHANNEL_VACATED);
    expect(vacated.data).toEqual({ channel: CHANNEL, connector: CONNECTOR });
    expect(await h.presence.lookup(channelKey(CHANNEL))).toEqual([]);
    expect(events().map((e) => e.type)).toEqual([INTERNAL_TYPES.CHANNEL_OCCUPIED, INTERNAL_TYPES.CHANNEL_VACATED]);
  });

  it('names the other connectors that had subscribers before its first registered', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const elsewhere = { domain: DOMAIN, connector: 'connector-x', socketId: 'x-1' };
    await h.presence.add(channelKey(CHANNEL), elsewhere);
    await h.presence.heartbeat('connector-x', 60_000);
    const a = await h.user('ANZ-1');
    a.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
    await a.next('SUBSCRIBED');
    const occupied = await h.processor.next(INTERNAL_TYPES.CHANNEL_OCCUPIED);
    expect(occupied.data).toEqual({ channel: CHANNEL, connector: CONNECTOR, others: ['connector-x'] });
  });

  it('announces again after a channel emptied here and filled again, in order, and never takes the types from a client', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const a = await h.user('ANZ-1');
    for (let round = 0; round < 2; round++) {
      a.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
      a.send({ type: 'UNSUBSCRIBE', data: { channel: CHANNEL } });
      await a.next('UNSUBSCRIBED', () => a.all('UNSUBSCRIBED').length === round + 1);
    }
    await waitFor('two rounds announced', () => events().length === 4);
    expect(events().map((e) => e.type)).toEqual([
      INTERNAL_TYPES.CHANNEL_OCCUPIED,
      INTERNAL_TYPES.CHANNEL_VACATED,
      INTERNAL_TYPES.CHANNEL_OCCUPIED,
      INTERNAL_TYPES.CHANNEL_VACATED,
    ]);
    expect(await h.presence.lookup(channelKey(CHANNEL))).toEqual([]);

    for (const type of [INTERNAL_TYPES.CHANNEL_OCCUPIED, INTERNAL_TYPES.CHANNEL_VACATED]) {
      a.send({ type, data: { channel: CHANNEL, connector: 'forged' } });
      expect(await a.next('INVALID_MESSAGE', (f) => JSON.stringify(f).includes(type))).toMatchObject({ data: { code: 'UNKNOWN_TYPE' } });
    }
    expect(events()).toHaveLength(4);
  });

  it('announces nothing for an app without a webhook', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    const quiet = await h.user('QUIET-1', { appId: 'quiet' });
    quiet.send({ type: 'SUBSCRIBE', data: { channel: 'QUIET:chat-1' } });
    await quiet.next('SUBSCRIBED');
    quiet.send({ type: 'UNSUBSCRIBE', data: { channel: 'QUIET:chat-1' } });
    await quiet.next('UNSUBSCRIBED');
    const a = await h.user('ANZ-1');
    a.send({ type: 'SUBSCRIBE', data: { channel: CHANNEL } });
    await a.next('SUBSCRIBED');
    await h.processor.next(INTERNAL_TYPES.CHANNEL_OCCUPIED); // the marker: ANZ's announcement came after QUIET's changes
    expect(events().map((e) => e.data.channel)).toEqual([CHANNEL]);
  });
});
