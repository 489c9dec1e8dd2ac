import { jwt } from './auth-behaviour';
import type { Lane } from './markers';
import type { Frame, RawSocket } from './raw-socket';
import type { SuiteContext } from './suite-context';
import { ANZ, HISTORY_SIZE, JWT, SUITE_MAX_CHANNELS } from './suite-topology';

/** SUBSCRIBE, UNSUBSCRIBE, PUBLISH and PUBLICATION (docs/protocol.md, Channels), within the domain under test. */
export function channelBehaviour(ctx: SuiteContext): void {
  describe('channels', () => {
    fanOutBehaviour(ctx);
    refusalBehaviour(ctx);
    tokenBehaviour(ctx);
    historyBehaviour(ctx);
  });
}

/** A channel name of `app` no other test of this run uses, from the rule `<prefix>-*`. */
function channelOf(ctx: SuiteContext, prefix: string, app: string = ANZ.appName): string {
  return `${app}:${prefix}-${ctx.text('c').replace(/[^A-Za-z0-9]/g, '')}`;
}

let subscribes = 0;

/** SUBSCRIBE to `channel` and wait for its answer (SUBSCRIBED, or the refusal), told apart by a reference of its own. */
async function subscribe(socket: RawSocket, channel: string, token?: string, since?: { epoch: string; offset: number }): Promise<Frame> {
  const reference = `sub-${++subscribes}`;
  const data = { channel, ...(token === undefined ? {} : { token }), ...(since === undefined ? {} : { since }) };
  socket.send({ type: 'SUBSCRIBE', data, reference });
  return socket.find(
    `the answer to SUBSCRIBE ${channel}`,
    (f) => f.reference === reference && (f.type === 'SUBSCRIBED' || f.type === 'INVALID_MESSAGE'),
  );
}

const publication = (channel: string, data: unknown) => (f: Frame) =>
  f.data.channel === channel && JSON.stringify(f.data.data) === JSON.stringify(data);

function fanOutBehaviour(ctx: SuiteContext): void {
  it.each<Lane>(['RELIABLE', 'FAST'])(
    'a %s publication reaches every subscribed socket once, on every connector, with its publisher',
    async (lane) => {
      const channel = channelOf(ctx, 'chat');
      const publisherId = ctx.users.anz();
      const sockets = [await ctx.login(ctx.users.anz(), { connector: 0 }), await ctx.login(ctx.users.anz(), { connector: 1 })];
      const publisher = await ctx.login(publisherId, { connector: 0 });
      for (const socket of [...sockets, publisher]) {
        expect(await subscribe(socket, channel)).toEqual({ type: 'SUBSCRIBED', data: { channel }, reference: expect.any(String) });
      }
      const data = { x: 12.5, y: -3, text: ctx.text('position') };
      publisher.send({ type: 'PUBLISH', data: { channel, data }, feature: lane, id: 'p-1' });
      expect(await publisher.next('ACCEPTED')).toEqual({ type: 'ACCEPTED', data: { id: 'p-1' } });
      for (const socket of [...sockets, publisher]) {
        expect(await socket.next('PUBLICATION', publication(channel, data))).toEqual({
          type: 'PUBLICATION',
          data: { channel, data, from: publisherId },
        });
      }
      const marker = { marker: ctx.text('marker') };
      publisher.send({ type: 'PUBLISH', data: { channel, data: marker }, feature: lane });
      for (const socket of sockets) await socket.next('PUBLICATION', publication(channel, marker));
      for (const socket of sockets) expect(socket.all('PUBLICATION', publication(channel, data))).toHaveLength(1);
    },
  );

  it('an unsubscribed or closed socket gets no more publications; the others still do', async () => {
    const channel = channelOf(ctx, 'chat');
    const [stays, leaves, closes] = [
      await ctx.login(ctx.users.anz(), { connector: 1 }),
      await ctx.login(ctx.users.anz(), { connector: 1 }),
      await ctx.login(ctx.users.anz(), { connector: 0 }),
    ];
    const publisher = await ctx.login(ctx.users.anz(), { connector: 0 });
    for (const socket of [stays, leaves, closes]) await subscribe(socket, channel);
    leaves.send({ type: 'UNSUBSCRIBE', data: { channel }, reference: 'u' });
    expect(await leaves.next('UNSUBSCRIBED')).toEqual({ type: 'UNSUBSCRIBED', data: { channel }, reference: 'u' });
    await closes.close();
    const data = ctx.text('after');
    publisher.send({ type: 'PUBLISH', data: { channel, data } });
    await stays.next('PUBLICATION', publication(channel, data));
    // `leaves` is on the connector of `stays`: the one PUBLICATION record for that connector has been handled.
    expect(leaves.all('PUBLICATION')).toEqual([]);
  });

  it('a socket that never subscribes (an original client) gets no channel frame', async () => {
    const channel = channelOf(ctx, 'chat');
    const bystanderId = ctx.users.anz();
    const bystander = await ctx.login(bystanderId, { connector: 1 });
    const subscriber = await ctx.login(ctx.users.anz(), { connector: 1 });
    await subscribe(subscriber, channel);
    subscriber.send({ type: 'PUBLISH', data: { channel, data: 1 } });
    await subscriber.next('PUBLICATION');
    expect(bystander.frames.filter((f) => ['PUBLICATION', 'SUBSCRIBED', 'UNSUBSCRIBED'].includes(f.type))).toEqual([]);
  });
}

function refusalBehaviour(ctx: SuiteContext): void {
  it.each<[string, (ctx: SuiteContext) => Record<string, unknown>, string]>([
    ['a channel no rule declares', () => ({ type: 'SUBSCRIBE', data: { channel: 'ANZ:undeclared-1' } }), 'UNKNOWN_CHANNEL'],
    ['a channel of another app', () => ({ type: 'SUBSCRIBE', data: { channel: 'JWT:team-1' } }), 'UNKNOWN_CHANNEL'],
    ['a name that is not <appName>:<name>', () => ({ type: 'SUBSCRIBE', data: { channel: 'ANZ/chat' } }), 'INVALID_FIELD'],
    ['a token channel without a token', (c) => ({ type: 'SUBSCRIBE', data: { channel: channelOf(c, 'private') } }), 'NOT_ALLOWED'],
    [
      'a token channel of an app with no key to verify it',
      (c) => ({ type: 'SUBSCRIBE', data: { channel: channelOf(c, 'private'), token: 'x.y.z' } }),
      'NOT_ALLOWED',
    ],
    [
      'a client PUBLISH where only the server publishes',
      (c) => ({ type: 'PUBLISH', data: { channel: channelOf(c, 'news'), data: 1 } }),
      'NOT_ALLOWED',
    ],
    [
      'a PUBLISH to a channel no rule declares',
      () => ({ type: 'PUBLISH', data: { channel: 'ANZ:undeclared-2', data: 1 } }),
      'UNKNOWN_CHANNEL',
    ],
  ])('refuses %s with its code, and the socket goes on', async (_case, frame, code) => {
    const socketId = ctx.users.anz();
    const socket = await ctx.login(socketId);
    socket.send({ ...frame(ctx), reference: 'r-1' });
    const refused = await socket.error(code, 'r-1');
    expect(refused.data.message).toEqual(expect.any(String));
    const channel = channelOf(ctx, 'chat');
    expect((await subscribe(socket, channel)).type).toBe('SUBSCRIBED');
  });

  it('refuses the subscription past the per-socket cap with TOO_MANY_CHANNELS, and nothing of it is kept', async () => {
    const socket = await ctx.login(ctx.users.anz());
    const publisher = await ctx.login(ctx.users.anz());
    const cap = SUITE_MAX_CHANNELS;
    const channels = Array.from({ length: cap + 1 }, () => channelOf(ctx, 'chat'));
    for (const channel of channels.slice(0, cap)) expect((await subscribe(socket, channel)).type).toBe('SUBSCRIBED');
    const last = channels[cap];
    expect((await subscribe(socket, last)).data.code).toBe('TOO_MANY_CHANNELS');
    publisher.send({ type: 'PUBLISH', data: { channel: last, data: 'no' } });
    publisher.send({ type: 'PUBLISH', data: { channel: channels[0], data: 'yes' } });
    await socket.next('PUBLICATION', publication(channels[0], 'yes'));
    expect(socket.all('PUBLICATION', (f) => f.data.channel === last)).toEqual([]);
    socket.send({ type: 'UNSUBSCRIBE', data: { channel: channels[0] } });
    expect((await subscribe(socket, last)).type).toBe('SUBSCRIBED');
  });
}

function tokenBehaviour(ctx: SuiteContext): void {
  it('a token channel takes a subscription token for this user and this channel, and no other', async () => {
    const userId = ctx.users.of(JWT.appName);
    const socket = await ctx.login(userId, { appId: JWT.appId, token: await jwt(userId, 300) });
    const channel = channelOf(ctx, 'team', JWT.appName);
    const refusals = [
      await jwt(userId, 300),
      await jwt(userId, 300, JWT.secret, { channel: `${channel}x` }),
      await jwt(`${userId}9`, 300, JWT.secret, { channel }),
      await jwt(userId, -60, JWT.secret, { channel }),
      await jwt(userId, 300, 'another-secret-another-secret-another-secret', { channel }),
    ];
    for (const token of refusals) expect((await subscribe(socket, channel, token)).data.code).toBe('NOT_ALLOWED');
    expect((await subscribe(socket, channel, await jwt(userId, 300, JWT.secret, { channel }))).type).toBe('SUBSCRIBED');
  });
}

function historyBehaviour(ctx: SuiteContext): void {
  /** Publish `data` RELIABLE on `channel` from `publisher` (itself subscribed) and wait until it came back to it. */
  async function publishSeen(publisher: RawSocket, channel: string, data: string): Promise<Frame> {
    publisher.send({ type: 'PUBLISH', data: { channel, data } });
    return publisher.next('PUBLICATION', publication(channel, data));
  }

  it('numbers RELIABLE publications of a channel with a history; a subscriber back with its position gets what it missed, in order, then live ones', async () => {
    const channel = channelOf(ctx, 'feed');
    const publisher = await ctx.login(ctx.users.anz(), { connector: 0 });
    const first = await ctx.login(ctx.users.anz(), { connector: 1 });
    const start = await subscribe(first, channel);
    expect(start.data).toEqual({ channel, epoch: expect.any(String), offset: 0 });
    await subscribe(publisher, channel);
    const one = await publishSeen(publisher, channel, 'p1');
    expect(await first.next('PUBLICATION', publication(channel, 'p1'))).toEqual(one);
    expect(one.data).toMatchObject({ offset: 1 });
    await first.close();
    for (const data of ['p2', 'p3']) await publishSeen(publisher, channel, data);

    const back = await ctx.login(ctx.users.anz(), { connector: 1 });
    const answer = await subscribe(back, channel, undefined, { epoch: start.data.epoch as string, offset: 1 });
    expect(answer.data).toEqual({ channel, epoch: start.data.epoch, offset: 3, recovered: true });
    await publishSeen(publisher, channel, 'p4');
    await back.next('PUBLICATION', publication(channel, 'p4'));
    const after = back.frames.slice(back.frames.indexOf(answer));
    expect(after.filter((f) => f.type === 'PUBLICATION').map((f) => [f.data.data, f.data.offset])).toEqual([
      ['p2', 2],
      ['p3', 3],
      ['p4', 4],
    ]);
  });

  it('tells a subscriber whose position has left the history, or is of another epoch, that continuity was lost', async () => {
    const channel = channelOf(ctx, 'feed');
    const publisher = await ctx.login(ctx.users.anz());
    const { data: start } = await subscribe(publisher, channel);
    for (let i = 1; i <= HISTORY_SIZE + 2; i++) await publishSeen(publisher, channel, `q${i}`);
    const late = await ctx.login(ctx.users.anz());
    const gone = await subscribe(late, channel, undefined, { epoch: start.epoch as string, offset: 1 });
    expect(gone.data).toEqual({ channel, epoch: start.epoch, offset: HISTORY_SIZE + 2, recovered: false });
    const other = await ctx.login(ctx.users.anz());
    const elsewhere = await subscribe(other, channel, undefined, { epoch: 'another-epoch', offset: HISTORY_SIZE + 1 });
    expect(elsewhere.data).toMatchObject({ recovered: false });
    await publishSeen(publisher, channel, 'live');
    for (const socket of [late, other]) {
      await socket.next('PUBLICATION', publication(channel, 'live'));
      expect(socket.all('PUBLICATION').map((f) => f.data.data)).toEqual(['live']);
    }
  });

  it('keeps no FAST publication: it carries no offset', async () => {
    const channel = channelOf(ctx, 'feed');
    const socket = await ctx.login(ctx.users.anz());
    await subscribe(socket, channel);
    socket.send({ type: 'PUBLISH', data: { channel, data: 'fast' }, feature: 'FAST' });
    expect((await socket.next('PUBLICATION', publication(channel, 'fast'))).data).toEqual({
      channel,
      data: 'fast',
      from: expect.any(String),
    });
  });
}
