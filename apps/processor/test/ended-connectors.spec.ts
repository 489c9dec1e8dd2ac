import { waitFor } from '@linker/testing';
import { Harness, intake, type FakeConnector } from './testing/harness';

// A connector that dies (SIGKILL) or stops for good may have deliveries in its lane topic that nobody else consumes:
// once its presence lease has ended, a processor drains that topic and reports each delivery undelivered (ADR 0007).

/** Lease of the connector that dies: short, so it ends within the test. */
const SHORT_LEASE_MS = 200;

describe('deliveries stranded in the topic of a connector that ended', () => {
  let harness: Harness;
  let live: FakeConnector;
  let doomed: FakeConnector;

  beforeEach(async () => {
    harness = await Harness.start({ settings: { endedConnectorsIntervalMs: 100 } });
    live = await harness.connector('connector-live');
    doomed = await harness.connector('connector-doomed');
    await harness.presence.heartbeat(doomed.name, SHORT_LEASE_MS);
  });

  afterEach(() => harness.stop());

  /** A RELIABLE message from ANZ-1 to `to`. */
  const message = (to: string, content: string) => intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to, content } });

  it('stores them in the mailbox of a recipient who is offline by then', async () => {
    await doomed.connect('ANZ-7');
    await doomed.stop(); // dies: consumes nothing more, and its sockets stay in presence until its lease ends
    const sent = [message('ANZ-7', 'one'), message('ANZ-7', 'two')];
    for (const envelope of sent) await harness.send(envelope);
    await harness.settled();

    await waitFor('both messages stored for ANZ-7', async () => (await harness.mailbox.count('ANZ-7')) === 2);
    expect((await harness.mailbox.oldest('ANZ-7', 10)).map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(await harness.mailbox.deadLetters(10)).toEqual([]);
  });

  it("re-sends them to the recipient's socket on another connector", async () => {
    await doomed.connect('ANZ-7');
    await doomed.stop();
    const sent = message('ANZ-7', 'one');
    await harness.send(sent);
    await harness.settled();
    const socket = await live.connect('ANZ-7'); // the user reconnected elsewhere before the lease ended

    const redelivered = await live.next('MESSAGE', 'ANZ-7');
    expect(redelivered.delivery.envelope.id).toBe(sent.id);
    expect(redelivered.delivery.targets).toEqual([{ userId: 'ANZ-7', socketIds: [socket.socketId] }]);
    expect(await harness.mailbox.count('ANZ-7')).toBe(0);
  });

  it('leaves fetched messages where they are and reports no control frame', async () => {
    const stored = message('ANZ-7', 'stored');
    await harness.send(stored);
    await harness.settled();
    await waitFor('the message stored (ANZ-7 offline)', async () => (await harness.mailbox.count('ANZ-7')) === 1);
    const socket = await doomed.connect('ANZ-7');
    await doomed.stop();
    // In its topic: the fetched message (`fromMailbox`), FETCH_MISSING_MESSAGES_COMPLETE (a control frame) and a new
    // message. Only the new message is reported: the fetched one stays stored, the control frame is live only.
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: 'ANZ-7', data: { count: 10 }, origin: socket }));
    const after = message('ANZ-7', 'after');
    await harness.send(after);
    await harness.settled();

    await waitFor('the message after the fetch stored too', async () => (await harness.mailbox.count('ANZ-7')) === 2);
    expect((await harness.mailbox.oldest('ANZ-7', 10)).map((m) => m.id)).toEqual([stored.id, after.id]);
    expect(live.received).toEqual([]);
  });

  it('does not drain the topic of a connector that is alive', async () => {
    const socket = await live.connect('ANZ-7');
    await doomed.connect('ANZ-8');
    await doomed.stop();
    const toLive = message('ANZ-7', 'live');
    const stranded = message('ANZ-8', 'stranded');
    await harness.send(toLive);
    await harness.send(stranded);
    await harness.settled();

    // The doomed connector's drain, later than both deliveries, is the sign that passes ran.
    await waitFor('the stranded message stored for ANZ-8', async () => (await harness.mailbox.count('ANZ-8')) === 1);
    expect(live.deliveries('MESSAGE', 'ANZ-7').map((r) => [r.delivery.envelope.id, r.delivery.targets])).toEqual([
      [toLive.id, [{ userId: 'ANZ-7', socketIds: [socket.socketId] }]],
    ]);
    expect(await harness.mailbox.count('ANZ-7')).toBe(0);
  });
});
