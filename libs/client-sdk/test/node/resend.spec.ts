import { waitFor } from '@linker/testing';
import { LinkerClientError } from '../../src/errors';
import { FakeConnector, type FakeConnection, type ReceivedFrame } from './testing/fake-connector';
import { record, TestClients } from './testing/clients';

/** `resend`: messages wait for ACCEPTED, and what a dropped connection left unanswered goes again after the reconnect. */
describe('LinkerClient resend of unaccepted messages', () => {
  let connector: FakeConnector;
  /** While true, the fake connector takes MESSAGE frames and answers nothing (a lane that does not answer). */
  let silent = false;
  const clients = new TestClients(() => connector);

  beforeEach(async () => {
    silent = false;
    connector = await FakeConnector.start({ onFrame: (_connection, frame) => silent && frame.type === 'MESSAGE' });
  });
  afterEach(async () => {
    await clients.closeAll();
    await connector.stop();
  });

  const sessions = (userId: string): FakeConnection[] => connector.connections.filter((c) => c.authenticated && c.userId === userId);
  const messagesTo = (connection: FakeConnection): ReceivedFrame[] => connection.received.filter((f) => f.type === 'MESSAGE');

  it('emits accepted {id, reference} for each message the server accepts, and keeps none of them', async () => {
    const client = await clients.connected('ANZ-1');
    const events = record(client);
    const reference = client.send('ANZ-2', 'hello', { reference: 'r-1' });
    const groupReference = client.sendGroup(['ANZ-2', 'ANZ-3'], 'hi all', { id: 'my-own-id' });
    await waitFor('two accepted events', () => events.accepted.length === 2);
    const [sent] = messagesTo(sessions('ANZ-1')[0]);
    expect(events.accepted).toEqual([
      { id: sent.id, reference },
      { id: 'my-own-id', reference: groupReference },
    ]);
    expect(client.unacceptedCount).toBe(0);
  });

  it('sends what was not accepted again after a reconnect, in order and with the same ids, before it fetches', async () => {
    const client = await clients.connected('ANZ-1', { fetchOnReconnect: 10 });
    const events = record(client);
    silent = true;
    for (const content of ['one', 'two', 'three']) client.send('ANZ-2', content);
    const first = sessions('ANZ-1')[0];
    await first.waitForFrame('three messages', () => messagesTo(first).length === 3);
    expect(client.unacceptedCount).toBe(3);
    silent = false;
    first.drop();
    await waitFor('the reconnect', () => events.reconnected.length === 1);
    const second = sessions('ANZ-1')[1];
    await waitFor('three accepted events', () => events.accepted.length === 3);
    expect(messagesTo(second)).toEqual(messagesTo(first));
    const types = second.received.map((f) => f.type);
    expect(types.indexOf('FETCH_MISSING_MESSAGES_REQUEST')).toBeGreaterThan(types.lastIndexOf('MESSAGE'));
    expect(client.unacceptedCount).toBe(0);
  });

  it('does not send a refused message again, and says which one it was', async () => {
    const client = await clients.connected('ANZ-1', { fetchOnReconnect: 0 });
    const events = record(client);
    silent = true;
    client.send('ANZ-2', 'refused', { id: 'no' });
    client.send('ANZ-2', 'unanswered', { id: 'later' });
    const first = sessions('ANZ-1')[0];
    await first.waitForFrame('two messages', () => messagesTo(first).length === 2);
    first.send({
      type: 'INVALID_MESSAGE',
      data: { code: 'UNAVAILABLE', message: 'lane down', retryAfterMs: 2000, lane: 'RELIABLE', id: 'no' },
    });
    await waitFor('the error event', () => events.error.length === 1);
    expect(events.error[0]).toMatchObject({ code: 'UNAVAILABLE', id: 'no', lane: 'RELIABLE', retryAfterMs: 2000 });
    silent = false;
    first.drop();
    await waitFor('the resent message accepted', () => events.accepted.length === 1);
    expect(messagesTo(sessions('ANZ-1')[1]).map((f) => f.id)).toEqual(['later']);
  });

  it('holds at most maxUnaccepted messages: beyond, send throws TOO_MANY_UNACCEPTED; a send that cannot go keeps nothing', async () => {
    const client = await clients.connected('ANZ-1', { maxUnaccepted: 2, reconnect: false });
    silent = true;
    client.send('ANZ-2', 'a');
    client.send('ANZ-2', 'b');
    expect(() => client.send('ANZ-2', 'c')).toThrow(expect.objectContaining({ code: 'TOO_MANY_UNACCEPTED' }) as LinkerClientError);
    expect(client.unacceptedCount).toBe(2);
    const closed = await clients.connected('ANZ-3', { reconnect: false });
    await closed.close();
    expect(() => closed.send('ANZ-2', 'd', { id: 'd' })).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }) as LinkerClientError);
    expect(closed.unacceptedCount).toBe(0);
  });
});
