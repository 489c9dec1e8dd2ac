import { toClientFrame } from '@linker/contracts';
import { MASTER, intake, withTwoConnectors } from './testing/harness';

// Master users: the presence feed and CLOSE_CONNECTION (docs/protocol.md, Master users).

describe('master user', () => {
  const t = withTwoConnectors();

  const event = (type: 'USER_CONNECTED' | 'USER_DISCONNECTED', userId: string) =>
    intake({ type, from: 'SYSTEM', data: { userId }, origin: { domain: 'domain-01', connector: 'connector-02', socketId: 'x' } });

  it('gets USER_CONNECTED and USER_DISCONNECTED for other users of its app, on every socket, but not for itself', async () => {
    const m1 = await t.c1.connect(MASTER);
    const m2 = await t.c2.connect(MASTER);
    await t.harness.send(event('USER_CONNECTED', MASTER), MASTER);
    await t.harness.send(event('USER_CONNECTED', 'ANZ-7'), 'ANZ-7');
    await t.harness.send(event('USER_DISCONNECTED', 'ANZ-7'), 'ANZ-7');
    await t.harness.settled();
    const feed = t.c1.received.map((r) => toClientFrame(r.delivery.envelope));
    expect(feed).toEqual([
      { type: 'USER_CONNECTED', data: { userId: 'ANZ-7' } },
      { type: 'USER_DISCONNECTED', data: { userId: 'ANZ-7' } },
    ]);
    expect(t.c1.received.every((r) => r.lane === 'RELIABLE' && r.delivery.targets[0].socketIds[0] === m1.socketId)).toBe(true);
    expect(t.c2.received.map((r) => r.delivery.targets)).toEqual([
      [{ userId: MASTER, socketIds: [m2.socketId] }],
      [{ userId: MASTER, socketIds: [m2.socketId] }],
    ]);
  });

  it('an offline master gets nothing, now or later', async () => {
    await t.harness.send(event('USER_CONNECTED', 'ANZ-7'), 'ANZ-7');
    await t.harness.settled();
    expect(await t.harness.mailbox.count(MASTER)).toBe(0);
    expect(t.c1.received).toHaveLength(0);
  });

  it('may close every socket of a user of its app (RELIABLE, even if asked on FAST)', async () => {
    const origin = await t.c1.connect(MASTER);
    const t1 = await t.c1.connect('ANZ-7');
    const t2 = await t.c2.connect('ANZ-7');
    await t.harness.send(intake({ type: 'CLOSE_CONNECTION', from: MASTER, lane: 'FAST', data: { userId: 'ANZ-7' }, origin }));
    const on1 = await t.c1.next('CLOSE_CONNECTION', 'ANZ-7');
    const on2 = await t.c2.next('CLOSE_CONNECTION', 'ANZ-7');
    expect(on1.lane).toBe('RELIABLE');
    expect(on1.delivery.targets).toEqual([{ userId: 'ANZ-7', socketIds: [t1.socketId] }]);
    expect(on2.delivery.targets).toEqual([{ userId: 'ANZ-7', socketIds: [t2.socketId] }]);
    expect(on1.delivery.envelope).toMatchObject({ type: 'CLOSE_CONNECTION', from: MASTER, to: 'ANZ-7', data: {} });
  });

  it('nobody else may close a connection: NOT_ALLOWED, and the target keeps its sockets', async () => {
    const origin = await t.c1.connect('ANZ-8');
    await t.c2.connect('ANZ-7');
    await t.harness.send(intake({ type: 'CLOSE_CONNECTION', from: 'ANZ-8', data: { userId: 'ANZ-7' }, reference: 'close-1', origin }));
    await t.harness.send(intake({ type: 'CLOSE_CONNECTION', from: 'ANZ-8', data: { userId: 'NOPE-1' }, origin }));
    const error = await t.c1.next('INVALID_MESSAGE', 'ANZ-8');
    expect(toClientFrame(error.delivery.envelope)).toEqual({
      type: 'INVALID_MESSAGE',
      data: { code: 'NOT_ALLOWED', message: expect.stringContaining('master') },
      reference: 'close-1',
    });
    await t.harness.settled();
    expect(t.c1.deliveries('INVALID_MESSAGE', 'ANZ-8')).toHaveLength(2);
    expect(t.c2.deliveries('CLOSE_CONNECTION')).toHaveLength(0);
  });

  it('closing an offline user does nothing and stores nothing', async () => {
    const origin = await t.c1.connect(MASTER);
    await t.harness.send(intake({ type: 'CLOSE_CONNECTION', from: MASTER, data: { userId: 'ANZ-7' }, origin }));
    await t.harness.settled();
    expect(t.c1.received).toHaveLength(0);
    expect(await t.harness.mailbox.count('ANZ-7')).toBe(0);
  });
});
