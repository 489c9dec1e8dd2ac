import { toClientFrame } from '@linker/contracts';
import { FakeConnector, Harness, intake } from './testing/harness';

// GROUP_MESSAGE (docs/protocol.md, Client frames): one Delivery per local connector, one stored copy per offline user, no confirmation.

const SENDER = 'ANZ-100';

describe('GROUP_MESSAGE', () => {
  let harness: Harness;
  let c1: FakeConnector;
  let c2: FakeConnector;

  beforeEach(async () => {
    harness = await Harness.start({ settings: { maxGroupRecipients: 10 } });
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
  });

  afterEach(() => harness.stop());

  it('fans out as one Delivery per connector, stores one copy per offline user, names the rest in errors', async () => {
    const origin = await c1.connect(SENDER);
    const a = await c1.connect('ANZ-1');
    const a2 = await c2.connect('ANZ-1');
    const b = await c1.connect('ANZ-2');
    const c = await c2.connect('ANZ-3');
    // ANZ-4 and ANZ-5 are offline locals; ANZ-1232121 and ANZ-3123223 live in other domains; NOPE-1 is no app.
    const to = ['ANZ-1', 'ANZ-2', 'ANZ-3', 'ANZ-4', 'ANZ-5', 'ANZ-1232121', 'ANZ-3123223', 'NOPE-1', 'ANZ-1', 'ANZ-4'];
    const group = intake({ type: 'GROUP_MESSAGE', from: SENDER, data: { to, content: 'hi all' }, reference: 'g1', origin });
    await harness.send(group);
    await harness.settled();

    const [on1] = c1.deliveries('MESSAGE');
    const [on2] = c2.deliveries('MESSAGE');
    expect(c1.deliveries('MESSAGE')).toHaveLength(1);
    expect(c2.deliveries('MESSAGE')).toHaveLength(1);
    expect(on1.delivery.targets).toEqual(
      expect.arrayContaining([
        { userId: 'ANZ-1', socketIds: [a.socketId] },
        { userId: 'ANZ-2', socketIds: [b.socketId] },
      ]),
    );
    expect(on1.delivery.targets).toHaveLength(2);
    expect(on2.delivery.targets).toEqual(
      expect.arrayContaining([
        { userId: 'ANZ-1', socketIds: [a2.socketId] },
        { userId: 'ANZ-3', socketIds: [c.socketId] },
      ]),
    );
    expect(on2.delivery.targets).toHaveLength(2);
    expect(toClientFrame(on1.delivery.envelope)).toEqual({
      type: 'MESSAGE',
      data: { from: SENDER, content: 'hi all' },
      reference: 'g1',
      id: group.id,
    });
    expect(on1.delivery.envelope.confirm).toBe(false);

    for (const offline of ['ANZ-4', 'ANZ-5']) {
      const stored = await harness.mailbox.oldest(offline, 10);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ type: 'MESSAGE', from: SENDER, to: offline, data: { content: 'hi all' }, confirm: false });
    }
    for (const notStored of ['ANZ-1', 'ANZ-2', 'ANZ-3', 'ANZ-1232121', 'ANZ-3123223', 'NOPE-1'])
      expect(await harness.mailbox.count(notStored)).toBe(0);

    const errors = c1.deliveries('INVALID_MESSAGE', SENDER).map((e) => e.delivery.envelope.data as { code: string; message: string });
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        { code: 'UNKNOWN_RECIPIENT_APP', message: expect.stringContaining('NOPE-1') },
        { code: 'UNREACHABLE_DOMAIN', message: expect.stringMatching(/ANZ-1232121, ANZ-3123223/) },
      ]),
    );
    expect(c1.deliveries('MESSAGE_CONFIRMATION')).toHaveLength(0);
  });

  it('never confirms, even if a connector reports the fan-out delivered', async () => {
    const origin = await c1.connect(SENDER);
    await c1.connect('ANZ-1');
    const group = intake({ type: 'GROUP_MESSAGE', from: SENDER, data: { to: ['ANZ-1'], content: 'x' }, reference: 'g2', origin });
    await harness.send(group);
    const { envelope } = (await c1.next('MESSAGE', 'ANZ-1')).delivery;
    const item = { id: envelope.id, userId: 'ANZ-1', from: SENDER, reference: envelope.reference, confirm: envelope.confirm };
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [item], undelivered: [] } }), c1.name);
    await harness.settled();
    expect(c1.deliveries('MESSAGE_CONFIRMATION')).toHaveLength(0);
  });

  it('a FAST group stores nothing for offline users', async () => {
    await c1.connect('ANZ-1');
    await harness.send(intake({ type: 'GROUP_MESSAGE', from: SENDER, lane: 'FAST', data: { to: ['ANZ-1', 'ANZ-4'], content: 'x' } }));
    const received = await c1.next('MESSAGE', 'ANZ-1');
    expect(received.lane).toBe('FAST');
    await harness.settled();
    expect(await harness.mailbox.count('ANZ-4')).toBe(0);
  });

  it('over the recipient cap: TOO_LARGE and nothing sent', async () => {
    const origin = await c1.connect(SENDER);
    await c1.connect('ANZ-1');
    const to = Array.from({ length: 11 }, (_, i) => `ANZ-${i + 1}`);
    await harness.send(intake({ type: 'GROUP_MESSAGE', from: SENDER, data: { to, content: 'x' }, reference: 'big', origin }));
    const error = await c1.next('INVALID_MESSAGE', SENDER);
    expect(toClientFrame(error.delivery.envelope)).toEqual({
      type: 'INVALID_MESSAGE',
      data: { code: 'TOO_LARGE', message: expect.stringContaining('at most 10') },
      reference: 'big',
    });
    await harness.settled();
    expect(c1.deliveries('MESSAGE')).toHaveLength(0);
    expect(await harness.mailbox.count('ANZ-11')).toBe(0);
  });
});
