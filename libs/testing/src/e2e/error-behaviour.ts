import { settle } from './markers';
import type { RawSocket } from './raw-socket';
import { bystanders, expectServed, type SuiteContext } from './suite-context';
import { ANZ } from './suite-topology';

/** `socket` got `INVALID_MESSAGE {code, message}` (with `reference` when given, without one otherwise), message matching `pattern`. */
export async function expectError(socket: RawSocket, code: string, reference?: string, pattern: RegExp = /./): Promise<void> {
  const error = await socket.error(code, reference);
  expect(error).toEqual({
    type: 'INVALID_MESSAGE',
    data: { code, message: expect.stringMatching(pattern) },
    ...(reference === undefined ? {} : { reference }),
  });
  expect(socket.isOpen).toBe(true);
}

/** docs/protocol.md, Errors: each error a client can trigger with one frame; the socket stays open and other clients are served. */
export function errorBehaviour(ctx: SuiteContext): void {
  describe('refused frames (INVALID_MESSAGE; the socket stays open, other clients are served)', () => {
    frameErrorBehaviour(ctx);
    fieldErrorBehaviour(ctx);
    recipientErrorBehaviour(ctx);
  });
}

function frameErrorBehaviour(ctx: SuiteContext): void {
  it('MALFORMED_JSON for a frame that is not one JSON object', async () => {
    const others = await bystanders(ctx);
    const userId = ctx.users.anz();
    const socket = await ctx.login(userId);
    const texts = ['not json {', '[1, 2, 3]', '"a string"', '42', 'null'];
    for (const [i, text] of texts.entries()) {
      socket.send(text);
      const [error] = (await socket.count('INVALID_MESSAGE', i + 1)).slice(i);
      expect(error).toEqual({ type: 'INVALID_MESSAGE', data: { code: 'MALFORMED_JSON', message: expect.any(String) } });
      socket.send({ type: 'PING', data: {} }); // a valid frame between: no PROTOCOL_ABUSE streak
    }
    expect(socket.isOpen).toBe(true);
    await expectServed(ctx, others);
    expect((await ctx.deliver(others.a, socket, userId)).data.from).toBe(others.aId);
  });

  it('UNKNOWN_TYPE for internal types and unknown types sent by a client, which have no effect', async () => {
    const others = await bystanders(ctx);
    const master = await ctx.login(ANZ.master);
    const forgerId = ctx.users.anz();
    const forger = await ctx.login(forgerId);
    const forged = ctx.text('forged');
    const victim = ctx.users.anz();
    const frames: Array<[string, unknown]> = [
      ['INTERNAL_MESSAGE', { from: ANZ.master, to: others.bId, content: forged }],
      ['MESSAGE_STATE_CHANGED', { to: others.bId, content: forged, state: 'DELIVERED' }],
      ['USER_CONNECTED', { userId: victim }],
      ['USER_DISCONNECTED', { userId: victim }],
      ['GROUP_CONNECTOR_MESSAGE', { to: [others.bId], content: forged }],
      ['NO_SUCH_TYPE', {}],
    ];
    for (const [type, data] of frames) forger.send({ type, data, reference: `u-${type}` });
    for (const [type] of frames) await expectError(forger, 'UNKNOWN_TYPE', `u-${type}`);
    await settle(ctx, forger, forgerId);
    await expectServed(ctx, others);
    expect(others.b.all('MESSAGE', (f) => f.data.content === forged)).toEqual([]);
    expect(master.frames.filter((f) => (f.data as { userId?: string }).userId === victim)).toEqual([]);
  });
}

function fieldErrorBehaviour(ctx: SuiteContext): void {
  it('INVALID_FIELD naming the field: a spoofed top-level from, a from inside data, a bad content or feature; nothing is sent', async () => {
    const others = await bystanders(ctx);
    const senderId = ctx.users.anz();
    const sender = await ctx.login(senderId);
    const spoofed = ctx.text('spoofed');
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['f-1', { type: 'MESSAGE', from: ANZ.master, data: { to: others.bId, content: spoofed } }, /from/],
      ['f-2', { type: 'MESSAGE', data: { to: others.bId, content: spoofed, from: ANZ.master } }, /from/],
      ['f-3', { type: 'MESSAGE', data: { to: others.bId, content: 42 } }, /data\.content/],
      ['f-4', { type: 'MESSAGE', data: { to: others.bId, content: spoofed }, feature: 'SLOW' }, /feature/],
      ['f-5', { type: 'MESSAGE', data: { content: spoofed } }, /to/],
      ['f-6', { type: 'GROUP_MESSAGE', data: { to: others.bId, content: spoofed } }, /data\.to/],
    ];
    for (const [reference, frame, pattern] of cases) {
      sender.send({ ...frame, reference });
      await expectError(sender, 'INVALID_FIELD', reference, pattern);
    }
    await settle(ctx, sender, senderId);
    await expectServed(ctx, others);
    expect(others.b.all('MESSAGE', (f) => f.data.content === spoofed)).toEqual([]);
  });

  it('INVALID_FIELD for a FETCH_MISSING_MESSAGES_REQUEST count that is not a positive integer', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.login(ctx.users.anz());
    const counts: unknown[] = [0, -1, 1.5, '3', null];
    for (const [i, count] of counts.entries()) {
      socket.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count }, reference: `c-${i}` });
      await expectError(socket, 'INVALID_FIELD', `c-${i}`, /data\.count/);
    }
    socket.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: {}, reference: 'c-missing' });
    await expectError(socket, 'INVALID_FIELD', 'c-missing', /count/);
    expect(socket.all('FETCH_MISSING_MESSAGES_COMPLETE')).toEqual([]);
    await expectServed(ctx, others);
  });

  it('ALREADY_AUTHENTICATED for a second AUTH_CLIENT; the socket stays the first user', async () => {
    const others = await bystanders(ctx);
    const userId = ctx.users.anz();
    const socket = await ctx.login(userId);
    const otherId = ctx.users.anz();
    socket.send({ type: 'AUTH_CLIENT', data: { appId: ANZ.appId, userId, token: 't' }, reference: 'again' });
    socket.send({ type: 'AUTH_CLIENT', data: { appId: ANZ.appId, userId: otherId, token: 't' }, reference: 'other' });
    await expectError(socket, 'ALREADY_AUTHENTICATED', 'again');
    await expectError(socket, 'ALREADY_AUTHENTICATED', 'other');
    expect(socket.all('AUTH_CLIENT_REPLY')).toHaveLength(1);
    expect((await ctx.deliver(socket, others.b, others.bId)).data.from).toBe(userId);
    expect((await ctx.deliver(others.a, socket, userId)).data.from).toBe(others.aId);
    await expectServed(ctx, others);
  });
}

function recipientErrorBehaviour(ctx: SuiteContext): void {
  it.each(['RELIABLE', 'FAST'])(
    'UNKNOWN_RECIPIENT_APP and UNREACHABLE_DOMAIN for %s messages to users who cannot be reached',
    async (lane) => {
      const others = await bystanders(ctx);
      const socket = await ctx.login(ctx.users.anz());
      const cases: Array<[string, string]> = [
        [ctx.users.of('NOAPP'), 'UNKNOWN_RECIPIENT_APP'],
        ['not-a-user-id', 'UNKNOWN_RECIPIENT_APP'],
        [ctx.users.anzElsewhere(), 'UNREACHABLE_DOMAIN'],
        [ctx.users.anzNowhere(), 'UNREACHABLE_DOMAIN'],
      ];
      for (const [i, [to, code]] of cases.entries()) {
        socket.send({ type: 'MESSAGE', data: { to, content: 'lost?' }, reference: `r-${i}`, feature: lane });
        await expectError(socket, code, `r-${i}`, new RegExp(to));
      }
      await expectServed(ctx, others);
    },
  );

  it('a GROUP_MESSAGE still reaches its local recipients when others cannot be reached, and the sender is told which', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.login(ctx.users.anz());
    const [noApp, elsewhere] = [ctx.users.of('NOAPP'), ctx.users.anzElsewhere()];
    const content = ctx.text('group, partly reachable');
    socket.send({ type: 'GROUP_MESSAGE', data: { to: [noApp, others.aId, elsewhere, others.bId], content }, reference: 'g-mixed' });
    await expectError(socket, 'UNKNOWN_RECIPIENT_APP', 'g-mixed', new RegExp(noApp));
    await expectError(socket, 'UNREACHABLE_DOMAIN', 'g-mixed', new RegExp(elsewhere));
    await others.a.message(content);
    await others.b.message(content);
  });
}
