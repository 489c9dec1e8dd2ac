import type { Presence } from '@linker/presence';
import { Harness, intake, type FakeConnector } from './testing/harness';

// After Redis restarted empty, presence may miss live sockets until the connectors registered them again
// (`Presence.mayMissSockets`): a RELIABLE message for a user who looks offline then waits (its batch is handed again)
// instead of going to the mailbox, so an online user gets it live once the connector registered the socket.

const SENDER = 'ANZ-100';
const RECIPIENT = 'ANZ-200';

describe('presence settling after a Redis restart', () => {
  let harness: Harness;
  let connector: FakeConnector;
  let settling = false;
  const settlingPresence = (presence: Presence): Presence =>
    Object.assign(Object.create(presence) as Presence, { mayMissSockets: () => settling });

  beforeEach(async () => {
    settling = true;
    harness = await Harness.start({ presence: settlingPresence });
    connector = await harness.connector('connector-01');
  });
  afterEach(() => harness.stop());

  const message = (lane: 'RELIABLE' | 'FAST', to = RECIPIENT) =>
    intake({ type: 'MESSAGE', from: SENDER, lane, data: { to, content: 'hi' } });

  it('holds a RELIABLE message for a user who looks offline, and delivers it live once the socket is registered again', async () => {
    const sent = message('RELIABLE');
    await harness.send(sent);
    const socket = await connector.connect(RECIPIENT); // the connector registers the socket again
    settling = false;
    const delivered = await connector.next('MESSAGE', RECIPIENT);
    expect(delivered.delivery.envelope.id).toBe(sent.id);
    expect(delivered.delivery.targets).toEqual([{ userId: RECIPIENT, socketIds: [socket.socketId] }]);
    await harness.settled();
    expect(await harness.mailbox.oldest(RECIPIENT, 10)).toEqual([]);
  });

  it('stores it once presence has settled if the user is really offline; FAST is dropped at once as ever', async () => {
    const sent = message('RELIABLE');
    await harness.send(message('FAST'));
    await harness.send(sent);
    settling = false;
    await harness.settled();
    expect((await harness.mailbox.oldest(RECIPIENT, 10)).map((e) => e.id)).toEqual([sent.id]);
    expect(connector.received).toHaveLength(0);
  });
});
