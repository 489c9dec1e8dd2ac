import { confirmationsBesides, confirmationsSettled, settle } from './markers';
import type { Frame, RawSocket } from './raw-socket';
import type { SuiteContext } from './suite-context';

/** `FETCH_MISSING_MESSAGES_REQUEST {count}` on `socket`; the MESSAGE frames it brought, then the COMPLETE frame. */
export async function fetchFrames(socket: RawSocket, count: number): Promise<{ messages: Frame[]; complete: Frame }> {
  const start = socket.frames.length;
  socket.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count } });
  const complete = await socket.next('FETCH_MISSING_MESSAGES_COMPLETE', (f) => socket.frames.indexOf(f) >= start);
  const batch = socket.frames.slice(start, socket.frames.indexOf(complete));
  return { messages: batch.filter((f) => f.type === 'MESSAGE'), complete };
}

/** FETCH_MISSING_MESSAGES_REQUEST and the mailbox (docs/protocol.md, Fetch, Mailbox, Ack mode). */
export function mailboxBehaviour(ctx: SuiteContext): void {
  describe('mailbox', () => {
    offlineBehaviour(ctx);
    fetchBehaviour(ctx);
  });
}

function offlineBehaviour(ctx: SuiteContext): void {
  it('stores a RELIABLE message for an offline user, unconfirmed until a fetch delivers it', async () => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId, { connector: 0 });
    const content = ctx.text('for later');
    sender.send({ type: 'MESSAGE', data: { to: recipientId, content }, reference: 'later', feature: 'RELIABLE' });
    await settle(ctx, sender, senderId);
    const markers = await confirmationsSettled(ctx, sender);
    expect(confirmationsBesides(sender, markers)).toEqual([]);

    const recipient = await ctx.login(recipientId, { connector: 1 });
    const { messages, complete } = await fetchFrames(recipient, 10);
    expect(messages).toEqual([{ type: 'MESSAGE', data: { from: senderId, content }, reference: 'later', id: expect.any(String) }]);
    expect(complete).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 0 } });
    expect(await sender.next('MESSAGE_CONFIRMATION', (f) => f.data.reference === 'later')).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'later' },
    });
  });

  it('drops a FAST message for an offline user (nothing to fetch later)', async () => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId);
    sender.send({ type: 'MESSAGE', data: { to: recipientId, content: ctx.text('fast, offline') }, feature: 'FAST' });
    await settle(ctx, sender, senderId, 'FAST');
    const { messages, leftMissingCount } = await (await ctx.client(recipientId)).fetchMissing(10);
    expect(messages).toEqual([]);
    expect(leftMissingCount).toBe(0);
  });
}

function fetchBehaviour(ctx: SuiteContext): void {
  it('fetch of 3 out of 4 stored returns the 3 oldest then leftMissingCount 1; a second fetch the last then 0', async () => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId, { connector: 0 });
    const contents = Array.from({ length: 4 }, (_, i) => ctx.text(`stored ${i + 1}`));
    for (const content of contents) sender.send({ type: 'MESSAGE', data: { to: recipientId, content } });
    await settle(ctx, sender, senderId);

    const recipient = await ctx.login(recipientId, { connector: 1 });
    const first = await fetchFrames(recipient, 3);
    expect(first.messages.map((f) => f.data)).toEqual(contents.slice(0, 3).map((content) => ({ from: senderId, content })));
    expect(first.complete).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 1 } });
    const second = await fetchFrames(recipient, 3);
    expect(second.messages.map((f) => f.data)).toEqual([{ from: senderId, content: contents[3] }]);
    expect(second.complete).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 0 } });
  });

  it('answers a fetch with nothing stored with FETCH_MISSING_MESSAGES_COMPLETE {leftMissingCount: 0} alone', async () => {
    const socket = await ctx.login(ctx.users.anz());
    socket.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 5 }, reference: 'f-1' });
    expect(await socket.next('FETCH_MISSING_MESSAGES_COMPLETE')).toMatchObject({
      type: 'FETCH_MISSING_MESSAGES_COMPLETE',
      data: { leftMissingCount: 0 },
    });
    expect(socket.all('MESSAGE')).toEqual([]);
  });

  it('delivers a fetched message only to the socket that asked, and removes it once delivered', async () => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId, { connector: 0 });
    const content = ctx.text('fetched once');
    sender.send({ type: 'MESSAGE', data: { to: recipientId, content } });
    await settle(ctx, sender, senderId);
    const asking = await ctx.login(recipientId, { connector: 0 });
    const other = await ctx.login(recipientId, { connector: 1 });
    expect((await fetchFrames(asking, 10)).messages.map((f) => f.data.content)).toEqual([content]);
    const again = await fetchFrames(other, 10);
    expect(again.messages).toEqual([]);
    expect(again.complete.data).toEqual({ leftMissingCount: 0 });
    expect(other.all('MESSAGE', (f) => f.data.content === content)).toEqual([]);
  });
}
