import { INTERNAL_TYPES, socketName, SYSTEM, type ChannelPresence, type SocketAddress, type WebhookEvent } from '@linker/contracts';
import { channelKey } from '@linker/presence';
import { Harness, intake, MASTER, type FakeConnector } from './testing/harness';
import { anzWith, captureWebhookEvents, TEST_WEBHOOK } from './testing/webhook-events';

jest.setTimeout(30_000);

// user.connected / user.disconnected and channel.occupied / channel.vacated (docs/protocol.md,
// Presence events): the first and last socket of a user, the first and last subscriber of a channel, in the domain.

const USER = 'ANZ-500';
const CHANNEL = 'ANZ:room-1';

const ofTypes = (events: readonly WebhookEvent[], ...types: string[]) => events.filter((event) => types.includes(event.type));

describe('presence webhooks', () => {
  const events = captureWebhookEvents();
  let harness: Harness;
  let c1: FakeConnector;
  let c2: FakeConnector;

  beforeEach(async () => {
    harness = await Harness.start({ topology: anzWith({ webhook: TEST_WEBHOOK }) });
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
  });
  afterEach(() => harness.stop());

  /**
   * A connector's USER_CONNECTED / USER_DISCONNECTED for `socket`, sent after presence changed, as the connector does;
   * `others`: the user's sockets it read just before registering `socket` (absent: a connector that sends none).
   */
  async function userEvent(type: string, userId: string, socket: SocketAddress, others?: SocketAddress[]) {
    const data = others === undefined ? { userId } : { userId, others: others.map(socketName) };
    const envelope = intake({ type, from: SYSTEM, data, origin: socket });
    await harness.send(envelope, userId);
    await harness.settled();
    return envelope;
  }

  async function channelEvent(type: string, data: ChannelPresence) {
    const envelope = intake({ type, from: SYSTEM, data });
    await harness.send(envelope, data.channel);
    await harness.settled();
    return envelope;
  }

  it('tells of a user’s first socket and last socket only: two sockets, one connected and one disconnected', async () => {
    const s1 = await c1.connect(USER);
    const first = await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, s1);
    const s2 = await c2.connect(USER);
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, s2);
    await c1.disconnect(USER, s1);
    await userEvent(INTERNAL_TYPES.USER_DISCONNECTED, USER, s1);
    await c2.disconnect(USER, s2);
    const last = await userEvent(INTERNAL_TYPES.USER_DISCONNECTED, USER, s2);

    expect(ofTypes(events, 'user.connected', 'user.disconnected')).toEqual([
      {
        id: `${first.id}.connected`,
        type: 'user.connected',
        app: 'ANZ',
        domain: 'domain-01',
        at: first.createdAt,
        data: { userId: USER },
      },
      {
        id: `${last.id}.disconnected`,
        type: 'user.disconnected',
        app: 'ANZ',
        domain: 'domain-01',
        at: last.createdAt,
        data: { userId: USER },
      },
    ]);
  });

  it('counts one of two sockets registered at once as first, by the sockets each had before it was registered', async () => {
    const s1 = await c1.connect(USER);
    const s2 = await c2.connect(USER);
    // s1 read no socket before registering; s2 read s1: s1 is first, though both are live when the events are handled.
    const first = await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, s1, []);
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, s2, [s1]);
    expect(ofTypes(events, 'user.connected').map((event) => event.id)).toEqual([`${first.id}.connected`]);

    // Each read none (they registered at the same instant): both count as first (at least once; two ids).
    const s3 = await c1.connect('ANZ-501');
    const s4 = await c2.connect('ANZ-501');
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, 'ANZ-501', s3, []);
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, 'ANZ-501', s4, []);
    expect(ofTypes(events, 'user.connected')).toHaveLength(3);

    // A socket the new one saw before has gone since: the new one is first again.
    await c1.disconnect(USER, s1);
    await c2.disconnect(USER, s2);
    const s5 = await c1.connect(USER);
    const again = await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, s5, [s2]);
    expect(ofTypes(events, 'user.connected').at(-1)?.id).toBe(`${again.id}.connected`);
  });

  it('tells nothing of a user at home elsewhere, of an event that came over a link for a master, or of an app without webhook', async () => {
    const abroad = 'ANZ-1500000';
    const socket = await c1.connect(abroad);
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, abroad, socket);
    const forMaster = intake({
      type: INTERNAL_TYPES.USER_CONNECTED,
      from: SYSTEM,
      to: MASTER,
      data: { userId: 'ANZ-7' },
      path: ['domain-02', 'domain-01'],
    });
    await c1.connect('ANZ-7');
    await harness.send(forMaster, MASTER);
    await harness.settled();
    expect(ofTypes(events, 'user.connected')).toEqual([]);

    await harness.stop();
    harness = await Harness.start();
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
    await userEvent(INTERNAL_TYPES.USER_CONNECTED, USER, await c1.connect(USER));
    expect(ofTypes(events, 'user.connected')).toEqual([]);
  });

  /** A socket of `connector` subscribes to `channel` in presence, as `PresenceKeeper.subscribe` registers it. */
  async function subscribe(connector: FakeConnector, n: number): Promise<SocketAddress> {
    const socket = { domain: 'domain-01', connector: connector.name, socketId: `${connector.name}-c${n}` };
    await harness.presence.add(channelKey(CHANNEL), socket);
    return socket;
  }

  it('tells of a channel’s first and last subscriber across two connectors', async () => {
    const a = await subscribe(c1, 1);
    const occupied = await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: CHANNEL, connector: c1.name, others: [] });
    const b = await subscribe(c2, 1);
    await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: CHANNEL, connector: c2.name, others: [c1.name] });
    await harness.presence.remove(channelKey(CHANNEL), a);
    await channelEvent(INTERNAL_TYPES.CHANNEL_VACATED, { channel: CHANNEL, connector: c1.name });
    await harness.presence.remove(channelKey(CHANNEL), b);
    const vacated = await channelEvent(INTERNAL_TYPES.CHANNEL_VACATED, { channel: CHANNEL, connector: c2.name });

    expect(ofTypes(events, 'channel.occupied', 'channel.vacated')).toEqual([
      {
        id: `${occupied.id}.occupied`,
        type: 'channel.occupied',
        app: 'ANZ',
        domain: 'domain-01',
        at: occupied.createdAt,
        data: { channel: CHANNEL },
      },
      {
        id: `${vacated.id}.vacated`,
        type: 'channel.vacated',
        app: 'ANZ',
        domain: 'domain-01',
        at: vacated.createdAt,
        data: { channel: CHANNEL },
      },
    ]);
  });

  it('counts both as first when two connectors subscribe at once (at least once), and a connector seen before that left since', async () => {
    await subscribe(c1, 1);
    await subscribe(c2, 1);
    await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: CHANNEL, connector: c1.name, others: [] });
    await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: CHANNEL, connector: c2.name, others: [] });
    expect(ofTypes(events, 'channel.occupied')).toHaveLength(2);

    // connector-03 had subscribers when connector-02 registered its first, and has none now: connector-02's is first.
    await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: 'ANZ:room-2', connector: c2.name, others: ['connector-03'] });
    await channelEvent(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel: CHANNEL, connector: c2.name, others: [c1.name] });
    expect(ofTypes(events, 'channel.occupied').map((event) => event.data)).toEqual([
      { channel: CHANNEL },
      { channel: CHANNEL },
      { channel: 'ANZ:room-2' },
    ]);
  });
});
