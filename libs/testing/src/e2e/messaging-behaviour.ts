import { confirmationsBesides, confirmationsSettled, settle, type Lane } from './markers';
import type { SuiteContext } from './suite-context';

const LANES: Lane[] = ['RELIABLE', 'FAST'];

interface ConfirmationCase {
  name: string;
  lane: Lane;
  confirmationEnabled?: boolean;
  /** undefined: no `reference` field at all. */
  reference?: string;
  confirmed: boolean;
}

/** Lane × confirmationEnabled × reference (non-blank or blank), then the defaults (docs/protocol.md, Confirmations). */
const CONFIRMATION_CASES: ConfirmationCase[] = [
  ...LANES.flatMap((lane): ConfirmationCase[] => [
    {
      name: `${lane}, confirmationEnabled true, reference "ref": confirmed`,
      lane,
      confirmationEnabled: true,
      reference: 'ref',
      confirmed: true,
    },
    {
      name: `${lane}, confirmationEnabled true, blank reference: not confirmed`,
      lane,
      confirmationEnabled: true,
      reference: '   ',
      confirmed: false,
    },
    {
      name: `${lane}, confirmationEnabled false, reference "ref": not confirmed`,
      lane,
      confirmationEnabled: false,
      reference: 'ref',
      confirmed: false,
    },
    {
      name: `${lane}, confirmationEnabled false, blank reference: not confirmed`,
      lane,
      confirmationEnabled: false,
      reference: '   ',
      confirmed: false,
    },
  ]),
  {
    name: 'RELIABLE, confirmationEnabled absent (default true), reference "ref": confirmed',
    lane: 'RELIABLE',
    reference: 'ref',
    confirmed: true,
  },
  { name: 'FAST, confirmationEnabled absent (default true), reference "ref": confirmed', lane: 'FAST', reference: 'ref', confirmed: true },
  { name: 'RELIABLE, no reference at all: not confirmed', lane: 'RELIABLE', confirmed: false },
  { name: 'FAST, empty reference: not confirmed', lane: 'FAST', reference: '', confirmed: false },
];

/** MESSAGE and GROUP_MESSAGE, lanes, confirmations (docs/protocol.md, Client frames, Lanes, Confirmations). */
export function messagingBehaviour(ctx: SuiteContext): void {
  describe('messages', () => {
    deliveryBehaviour(ctx);
    confirmationBehaviour(ctx);
    groupBehaviour(ctx);
  });
}

function deliveryBehaviour(ctx: SuiteContext): void {
  it.each([
    ['RELIABLE', 'RELIABLE'],
    ['FAST', 'FAST'],
    ['default-lane (no feature)', undefined],
  ])(
    'delivers a %s message as {from, content} with the sender reference and an id (and without a reference when none was given)',
    async (_name, lane) => {
      const senderId = ctx.users.anz();
      const recipientId = ctx.users.anz();
      const sender = await ctx.login(senderId, { connector: 0 });
      const recipient = await ctx.login(recipientId, { connector: 1 });
      const content = ctx.text('hello');
      sender.send({ type: 'MESSAGE', data: { to: recipientId, content }, reference: 'r-1', ...(lane ? { feature: lane } : {}) });
      expect(await recipient.message(content)).toEqual({
        type: 'MESSAGE',
        data: { from: senderId, content },
        reference: 'r-1',
        id: expect.any(String),
      });
      const bare = ctx.text('no reference');
      sender.send({ type: 'MESSAGE', data: { to: recipientId, content: bare }, ...(lane ? { feature: lane } : {}) });
      expect(await recipient.message(bare)).toEqual({ type: 'MESSAGE', data: { from: senderId, content: bare }, id: expect.any(String) });
    },
  );

  it.each(LANES)("keeps the order of one sender's %s messages to one recipient", async (lane) => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId, { connector: 0 });
    const recipient = await ctx.login(recipientId, { connector: 1 });
    const contents = Array.from({ length: 20 }, (_, i) => ctx.text(`in order ${i}`));
    for (const content of contents) sender.send({ type: 'MESSAGE', data: { to: recipientId, content }, feature: lane });
    const received = await recipient.count('MESSAGE', contents.length);
    expect(received.map((f) => f.data.content)).toEqual(contents);
  });

  it('acknowledges a RELIABLE MESSAGE sent with a client id (ACCEPTED) and delivers or stores it once however often it is resent', async () => {
    const senderId = ctx.users.anz();
    const [onlineId, offlineId] = [ctx.users.anz(), ctx.users.anz()];
    const sender = await ctx.login(senderId, { connector: 0 });
    const online = await ctx.login(onlineId, { connector: 1 });
    const [live, stored] = [ctx.text('resent live'), ctx.text('resent stored')];
    for (let i = 0; i < 3; i++) {
      sender.send({ type: 'MESSAGE', id: 'live-1', data: { to: onlineId, content: live }, reference: `live-${i}` });
      sender.send({ type: 'MESSAGE', id: 'stored-1', data: { to: offlineId, content: stored } });
    }
    for (let i = 0; i < 3; i++) {
      expect(await sender.next('ACCEPTED', (f) => f.reference === `live-${i}`)).toEqual({
        type: 'ACCEPTED',
        data: { id: 'live-1' },
        reference: `live-${i}`,
      });
    }
    // A later message from the same sender to the same recipient travels the same way, in order: once it is there, any
    // copy of the resent one would be too.
    const after = ctx.text('after the resends');
    sender.send({ type: 'MESSAGE', data: { to: onlineId, content: after } });
    await online.message(after);
    expect(online.all('MESSAGE', (f) => f.data.content === live)).toHaveLength(1);
    await settle(ctx, sender, senderId);
    const { messages, leftMissingCount } = await (await ctx.client(offlineId)).fetchMissing(10);
    expect(messages.map((m) => m.content)).toEqual([stored]);
    expect(leftMissingCount).toBe(0);
  });

  it.each(LANES)('delivers a %s message to every socket of the recipient, on every connector, and confirms it once', async (lane) => {
    const senderId = ctx.users.anz();
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(senderId, { connector: 0 });
    const sockets = [await ctx.login(recipientId, { connector: 0 }), await ctx.login(recipientId, { connector: 1 })];
    const content = ctx.text('to both sockets');
    sender.send({ type: 'MESSAGE', data: { to: recipientId, content }, reference: 'both', feature: lane });
    const frames = await Promise.all(sockets.map((socket) => socket.message(content)));
    expect(frames[0]).toEqual({ type: 'MESSAGE', data: { from: senderId, content }, reference: 'both', id: expect.any(String) });
    expect(frames[1]).toEqual(frames[0]);
    expect(await sender.next('MESSAGE_CONFIRMATION', (f) => f.data.reference === 'both')).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'both' },
    });
    const markers = await confirmationsSettled(ctx, sender);
    expect(confirmationsBesides(sender, markers)).toHaveLength(1);
    for (const socket of sockets) expect(socket.all('MESSAGE', (f) => f.data.content === content)).toHaveLength(1);
  });
}

function confirmationBehaviour(ctx: SuiteContext): void {
  it.each(CONFIRMATION_CASES)('confirmation on $name', async ({ lane, confirmationEnabled, reference, confirmed }) => {
    const recipientId = ctx.users.anz();
    const sender = await ctx.login(ctx.users.anz(), { connector: 0 });
    const recipient = await ctx.login(recipientId, { connector: 1 });
    const content = ctx.text('confirm?');
    const head = {
      feature: lane,
      ...(reference === undefined ? {} : { reference }),
      ...(confirmationEnabled === undefined ? {} : { confirmationEnabled }),
    };
    sender.send({ type: 'MESSAGE', data: { to: recipientId, content }, ...head });
    expect((await recipient.message(content)).reference).toBe(reference);
    if (confirmed) await sender.next('MESSAGE_CONFIRMATION', (f) => f.data.reference === reference);
    const markers = await confirmationsSettled(ctx, sender);
    expect(confirmationsBesides(sender, markers)).toEqual(confirmed ? [{ type: 'MESSAGE_CONFIRMATION', data: { reference } }] : []);
  });
}

function groupBehaviour(ctx: SuiteContext): void {
  it.each(LANES)(
    'delivers a %s GROUP_MESSAGE once to each online recipient on every connector, stores it for offline ones (RELIABLE only), never confirms',
    async (lane) => {
      const senderId = ctx.users.anz();
      const [r1, r2, r3, offline1, offline2] = Array.from({ length: 5 }, () => ctx.users.anz());
      const sender = await ctx.login(senderId, { connector: 0 });
      const online = [await ctx.login(r1, { connector: 0 }), await ctx.login(r2, { connector: 1 })];
      online.push(await ctx.login(r3, { connector: 0 }), await ctx.login(r3, { connector: 1 }));
      const content = ctx.text('group');
      const to = [r1, r2, r3, offline1, offline2, r1, r3];
      sender.send({ type: 'GROUP_MESSAGE', data: { to, content }, reference: 'grp', feature: lane });
      for (const socket of online) {
        expect(await socket.message(content)).toEqual({
          type: 'MESSAGE',
          data: { from: senderId, content },
          reference: 'grp',
          id: expect.any(String),
        });
      }
      await settle(ctx, sender, senderId, lane);
      const markers = await confirmationsSettled(ctx, sender);
      expect(confirmationsBesides(sender, markers)).toEqual([]);
      for (const socket of online) expect(socket.all('MESSAGE', (f) => f.data.content === content)).toHaveLength(1);
      for (const userId of [offline1, offline2]) {
        const { messages, leftMissingCount } = await (await ctx.client(userId)).fetchMissing(10);
        expect(messages).toEqual(lane === 'RELIABLE' ? [{ from: senderId, content, reference: 'grp', id: expect.any(String) }] : []);
        expect(leftMissingCount).toBe(0);
      }
    },
  );
}
