import { toClientFrame, type Envelope, type Lane } from '@linker/contracts';
import { intake, withTwoConnectors, type FakeConnector } from './testing/harness';

// MESSAGE: lanes, content, confirmations, offline recipients (docs/protocol.md, Lanes, Delivery, Confirmations, Mailbox).

const SENDER = 'ANZ-100';
const RECIPIENT = 'ANZ-200';

describe('MESSAGE', () => {
  const t = withTwoConnectors();

  const message = (lane: Lane, fields: Partial<Envelope> = {}, to = RECIPIENT) =>
    intake({ type: 'MESSAGE', from: SENDER, lane, data: { to, content: 'some thing here to send' }, reference: 'abc123', ...fields });

  it.each(['RELIABLE', 'FAST'] as const)('%s goes to the recipient connector on the same lane, keyed by the sender', async (lane) => {
    const socket = await t.c1.connect(RECIPIENT);
    await t.harness.send(message(lane, { origin: await t.c2.connect(SENDER) }));
    const received = await t.c1.next('MESSAGE', RECIPIENT);
    expect(received.lane).toBe(lane);
    expect(received.key).toBe(SENDER);
    expect(received.delivery.targets).toEqual([{ userId: RECIPIENT, socketIds: [socket.socketId] }]);
    await t.harness.settled();
    expect(t.c1.received).toHaveLength(1);
    expect(t.c2.received).toHaveLength(0);
  });

  it('delivers {from, content} with the reference and the message id, to every socket of the recipient', async () => {
    const a = await t.c1.connect(RECIPIENT);
    const b = await t.c1.connect(RECIPIENT);
    const c = await t.c2.connect(RECIPIENT);
    const sent = message('RELIABLE', { from: SENDER, data: { to: RECIPIENT, content: 'hello' } });
    await t.harness.send(sent);
    const on1 = await t.c1.next('MESSAGE', RECIPIENT);
    const on2 = await t.c2.next('MESSAGE', RECIPIENT);
    expect(toClientFrame(on1.delivery.envelope)).toEqual({
      type: 'MESSAGE',
      data: { from: SENDER, content: 'hello' },
      reference: 'abc123',
      id: sent.id,
    });
    expect(on1.delivery.targets).toEqual([{ userId: RECIPIENT, socketIds: expect.arrayContaining([a.socketId, b.socketId]) }]);
    expect(on2.delivery.targets).toEqual([{ userId: RECIPIENT, socketIds: [c.socketId] }]);
    expect(on1.delivery.envelope).toMatchObject({ id: sent.id, from: SENDER, to: RECIPIENT });
    expect(on1.delivery.envelope.origin).toBeUndefined();
  });

  it('works for a message to oneself', async () => {
    const own = await t.c1.connect(SENDER);
    await t.harness.send(message('RELIABLE', { origin: own }, SENDER));
    expect((await t.c1.next('MESSAGE', SENDER)).delivery.targets).toEqual([{ userId: SENDER, socketIds: [own.socketId] }]);
  });

  it('stores an offline RELIABLE message in the recipient mailbox, drops an offline FAST one', async () => {
    const reliable = message('RELIABLE');
    await t.harness.send(reliable);
    await t.harness.send(message('FAST'));
    await t.harness.settled();
    const stored = await t.harness.mailbox.oldest(RECIPIENT, 10);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: reliable.id,
      type: 'MESSAGE',
      from: SENDER,
      to: RECIPIENT,
      data: { content: 'some thing here to send' },
      reference: 'abc123',
    });
    expect(t.c1.received).toHaveLength(0);
  });

  it('answers UNKNOWN_RECIPIENT_APP and UNREACHABLE_DOMAIN to the sending socket, with the reference', async () => {
    const origin = await t.c2.connect(SENDER);
    const unknown = message('RELIABLE', { origin }, 'NOPE-1');
    const elsewhere = message('FAST', { origin, reference: 'r2' }, 'ANZ-1232121');
    await t.harness.send(unknown);
    await t.harness.send(elsewhere);
    const errors = (await t.c2.next('INVALID_MESSAGE', SENDER, 2)) && t.c2.deliveries('INVALID_MESSAGE', SENDER);
    expect(errors.map((e) => toClientFrame(e.delivery.envelope))).toEqual([
      { type: 'INVALID_MESSAGE', data: { code: 'UNKNOWN_RECIPIENT_APP', message: expect.stringContaining('NOPE-1') }, reference: 'abc123' },
      { type: 'INVALID_MESSAGE', data: { code: 'UNREACHABLE_DOMAIN', message: expect.stringContaining('ANZ-1232121') }, reference: 'r2' },
    ]);
    expect(errors.every((e) => e.lane === 'RELIABLE' && e.delivery.targets[0].socketIds[0] === origin.socketId)).toBe(true);
    expect(await t.harness.mailbox.count('NOPE-1')).toBe(0);
  });

  it('handles a redelivered envelope once', async () => {
    await t.c1.connect(RECIPIENT);
    const sent = message('RELIABLE');
    await t.harness.send(sent);
    await t.harness.send(sent);
    await t.harness.settled();
    expect(t.c1.deliveries('MESSAGE')).toHaveLength(1);
    expect(t.harness.processors[0].health().stats.duplicates).toBe(1);
  });
});

describe('MESSAGE_CONFIRMATION', () => {
  const t = withTwoConnectors();

  /** Play both connectors: report the MESSAGE written to every socket it targeted, with the envelope's `confirm`. */
  async function reportWritten(connectors: FakeConnector[], messageId: string): Promise<void> {
    for (const connector of connectors) {
      const { envelope, targets } = (await connector.next('MESSAGE')).delivery;
      expect(envelope.id).toBe(messageId);
      const delivered = targets.flatMap((t) =>
        t.socketIds.map(() => ({
          id: envelope.id,
          userId: t.userId,
          from: envelope.from,
          reference: envelope.reference,
          confirm: envelope.confirm,
        })),
      );
      const report = intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered, undelivered: [] } });
      await t.harness.send(report, connector.name);
    }
  }

  const combinations: Array<[Lane, boolean | undefined, string | undefined, boolean]> = [];
  for (const lane of ['RELIABLE', 'FAST'] as const) {
    for (const flag of [true, false]) {
      for (const reference of ['abc123', '  ']) combinations.push([lane, flag, reference, flag && reference.trim() !== '']);
    }
  }

  it.each(combinations)('%s, confirmationEnabled %s, reference %j → confirmed: %s', async (lane, flag, reference, expected) => {
    const senderSocket = await t.c2.connect(SENDER);
    await t.c1.connect(RECIPIENT);
    await t.c1.connect(RECIPIENT);
    await t.c2.connect(RECIPIENT);
    const sent = intake({
      type: 'MESSAGE',
      from: SENDER,
      lane,
      data: { to: RECIPIENT, content: 'x' },
      reference,
      confirm: flag,
      origin: senderSocket,
    });
    await t.harness.send(sent);
    await reportWritten([t.c1, t.c2], sent.id);
    expect((await t.c1.next('MESSAGE')).delivery.envelope.confirm).toBe(expected);
    await t.harness.settled();
    const confirmations = t.c2.deliveries('MESSAGE_CONFIRMATION', SENDER);
    if (!expected) {
      expect(confirmations).toHaveLength(0);
      return;
    }
    expect(confirmations).toHaveLength(1); // once per message, though three sockets on two connectors got it
    const [confirmation] = confirmations;
    expect(confirmation.lane).toBe('RELIABLE');
    expect(confirmation.delivery.envelope.id).toBe(`${sent.id}.confirmation`);
    expect(toClientFrame(confirmation.delivery.envelope)).toEqual({ type: 'MESSAGE_CONFIRMATION', data: { reference } });
  });

  it('is not sent for a message that was only stored, but is when a fetch later delivers it', async () => {
    const senderSocket = await t.c2.connect(SENDER);
    const sent = intake({ type: 'MESSAGE', from: SENDER, data: { to: RECIPIENT, content: 'x' }, reference: 'r1', origin: senderSocket });
    await t.harness.send(sent);
    await t.harness.settled();
    expect(await t.harness.mailbox.count(RECIPIENT)).toBe(1);
    expect(t.c2.deliveries('MESSAGE_CONFIRMATION')).toHaveLength(0);
    const [stored] = await t.harness.mailbox.oldest(RECIPIENT, 1);
    expect(stored.confirm).toBe(true);
    const report = { id: sent.id, userId: RECIPIENT, from: SENDER, reference: 'r1', confirm: true, fromMailbox: true };
    await t.harness.send(
      intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [report], undelivered: [] } }),
      'connector-01',
    );
    expect((await t.c2.next('MESSAGE_CONFIRMATION', SENDER)).delivery.envelope.data).toEqual({ reference: 'r1' });
    expect(await t.harness.mailbox.count(RECIPIENT)).toBe(0);
  });

  it('is stored in the sender mailbox when the sender is offline, once however often reported', async () => {
    await t.c1.connect(RECIPIENT);
    const sent = intake({ type: 'MESSAGE', from: SENDER, data: { to: RECIPIENT, content: 'x' }, reference: 'r9' });
    await t.harness.send(sent);
    await t.c1.next('MESSAGE', RECIPIENT);
    const item = { id: sent.id, userId: RECIPIENT, from: SENDER, reference: 'r9', confirm: true };
    for (let i = 0; i < 2; i++)
      await t.harness.send(
        intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [item], undelivered: [] } }),
        'connector-01',
      );
    await t.harness.settled();
    const stored = await t.harness.mailbox.oldest(SENDER, 10);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: `${sent.id}.confirmation`,
      type: 'MESSAGE_CONFIRMATION',
      from: 'SYSTEM',
      to: SENDER,
      data: { reference: 'r9' },
    });
  });
});
