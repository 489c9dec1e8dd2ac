import { waitFor } from '@linker/testing';
import { LinkerClientError } from '../../src';
import { FakeConnector } from './testing/fake-connector';
import { record, TestClients } from './testing/clients';

/** The client against a scripted fake connector on loopback (docs/protocol.md): auth, frames, events, fetch, ack mode. */
describe('LinkerClient (Node, fake connector)', () => {
  let connector: FakeConnector;
  const clients = new TestClients(() => connector);

  beforeEach(async () => {
    connector = await FakeConnector.start();
  });
  afterEach(async () => {
    await clients.closeAll();
    await connector.stop();
  });

  describe('authentication', () => {
    it('sends AUTH_CLIENT like the original README, in ack mode unless told not to, and resolves with the reply', async () => {
      const client = clients.make('ANZ-123223');
      const events = record(client);
      const reply = await client.connect();
      expect(reply).toEqual({ appId: 'app-id-343', userId: 'ANZ-123223', isAuthenticated: true });
      const seedAuth = { type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-123223', token: 'token-12345' } };
      expect(connector.connections[0].raw).toEqual([JSON.stringify({ ...seedAuth, data: { ...seedAuth.data, ack: true } })]);
      await clients.make('ANZ-123224', { ack: false }).connect();
      expect(connector.connections[1].raw).toEqual([JSON.stringify({ ...seedAuth, data: { ...seedAuth.data, userId: 'ANZ-123224' } })]);
      expect(events.authenticated).toEqual([reply]);
      expect(client.state).toBe('open');
    });

    it('asks for ack mode in AUTH_CLIENT when ack is on', async () => {
      await clients.connected('ANZ-1', { ack: true, token: undefined });
      expect(connector.connections[0].received[0]).toEqual({
        type: 'AUTH_CLIENT',
        data: { appId: 'app-id-343', userId: 'ANZ-1', ack: true },
      });
    });

    it('rejects with AUTH_REFUSED on isAuthenticated false and does not reconnect after 4001', async () => {
      await connector.stop();
      connector = await FakeConnector.start({ authenticate: () => false });
      const client = clients.make('ANZ-999');
      const events = record(client);
      const error = await client.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinkerClientError);
      expect(error).toMatchObject({ code: 'AUTH_REFUSED', closeCode: 4001, retriable: false });
      expect(events.closed).toEqual([{ code: 4001, reason: expect.any(String), willReconnect: false }]);
      expect(client.state).toBe('closed');
      expect(events.reconnecting).toEqual([]);
      expect(events.frame).toEqual([
        { type: 'AUTH_CLIENT_REPLY', data: { appId: 'app-id-343', userId: 'ANZ-999', isAuthenticated: false } },
      ]);
      await waitFor('the server to see the socket closed', () => connector.connections[0].closed);
      expect(connector.connections).toHaveLength(1);
    });

    it('rejects with CONNECTION_CLOSED when nothing listens, and with CONNECT_TIMEOUT when no reply comes', async () => {
      const url = connector.url;
      await connector.stop();
      const down = clients.make('ANZ-1', { url });
      await expect(down.connect()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1006 });
      expect(down.state).toBe('closed');

      connector = await FakeConnector.start({ onFrame: (_connection, frame) => frame.type === 'AUTH_CLIENT' });
      const silent = clients.make('ANZ-1', { connectTimeoutMs: 100 });
      await expect(silent.connect()).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
      expect(silent.state).toBe('closed');
    });

    it('refuses to send before it is connected', () => {
      const client = clients.make('ANZ-1');
      expect(() => client.send('ANZ-2', 'x')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
      expect(() => client.sendRaw({ type: 'PING', data: {} })).toThrow(LinkerClientError);
    });
  });

  describe('frames as docs/protocol.md says', () => {
    it('sends MESSAGE with reference and feature; the recipient gets {id, from, content, reference}; the sender a confirmation', async () => {
      const sender = await clients.connected('ANZ-123223');
      const recipient = await clients.connected('ANZ-1232121');
      const sent = record(sender);
      const received = record(recipient);
      const reference = sender.send('ANZ-1232121', 'some thing here to send', { feature: 'RELIABLE', reference: 'abc123' });
      expect(reference).toBe('abc123');
      await waitFor('the confirmation', () => sent.confirmation.length === 1);
      expect(connector.connections[0].received[1]).toEqual({
        type: 'MESSAGE',
        data: { to: 'ANZ-1232121', content: 'some thing here to send' },
        feature: 'RELIABLE',
        reference: 'abc123',
        id: expect.any(String),
      });
      expect(received.message).toEqual([
        { id: expect.any(String), from: 'ANZ-123223', content: 'some thing here to send', reference: 'abc123' },
      ]);
      expect(sent.confirmation).toEqual([{ reference: 'abc123' }]);
    });

    it('makes a fresh reference when none is given, omits what was not asked for, and passes confirmationEnabled false', async () => {
      const sender = await clients.connected('ANZ-1', { resend: false }); // without resend: the original's frames exactly
      const first = sender.send('ANZ-2', 'a');
      const second = sender.send('ANZ-2', 'b', { confirmationEnabled: false, feature: 'FAST' });
      expect(first).not.toBe(second);
      const frames = connector.connections[0];
      await frames.waitForFrame('two messages', () => frames.received.length === 3);
      expect(frames.received.slice(1)).toEqual([
        { type: 'MESSAGE', data: { to: 'ANZ-2', content: 'a' }, reference: first },
        { type: 'MESSAGE', data: { to: 'ANZ-2', content: 'b' }, reference: second, feature: 'FAST', confirmationEnabled: false },
      ]);
    });

    it('carries the original README examples verbatim through sendRaw, and understands the original server frames', async () => {
      const sender = await clients.connected('ANZ-123223');
      const one = await clients.connected('ANZ-1232121');
      const two = await clients.connected('ANZ-1232122');
      const [sent, gotOne, gotTwo] = [record(sender), record(one), record(two)];
      const seedMessage = {
        type: 'MESSAGE',
        data: { to: 'ANZ-1232121', content: 'some thing here to send' },
        feature: 'RELIABLE',
        reference: 'abc123',
      };
      const seedGroup = {
        type: 'GROUP_MESSAGE',
        data: { to: ['ANZ-1232121', 'ANZ-1232122'], content: 'some thing here to send' },
        reference: 'abc123',
      };
      sender.sendRaw(seedMessage);
      sender.sendRaw(JSON.stringify(seedGroup));
      await waitFor('both group copies', () => gotOne.message.length === 2 && gotTwo.message.length === 1);
      expect(connector.connections[0].raw.slice(1)).toEqual([JSON.stringify(seedMessage), JSON.stringify(seedGroup)]);
      expect(gotTwo.message[0]).toMatchObject({ from: 'ANZ-123223', content: 'some thing here to send', reference: 'abc123' });
      await waitFor('the one confirmation (none for the group)', () => sent.confirmation.length === 1);

      // The original's server frames, verbatim (no id: the original does not send one).
      const server = connector.connections[1];
      server.send('{"type":"MESSAGE","data":{"from":"ANZ-123223","content":"some thing here to send"},"reference":"abc123"}');
      server.send('{"type":"MESSAGE_CONFIRMATION","data":{"reference":"abc123"}}');
      server.send('{"type":"FETCH_MISSING_MESSAGES_COMPLETE","data":{"leftMissingCount":25}}');
      await waitFor('the three seed frames', () => gotOne.frame.length === 5);
      expect(gotOne.message[2]).toEqual({ from: 'ANZ-123223', content: 'some thing here to send', reference: 'abc123' });
      expect(gotOne.confirmation).toEqual([{ reference: 'abc123' }]);
      expect(gotOne.frame[4]).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 25 } });
    });

    it('sends GROUP_MESSAGE, CLOSE_CONNECTION and PING frames; a PONG resolves ping()', async () => {
      const client = await clients.connected('ANZ-123223');
      const groupReference = client.sendGroup(['ANZ-2', 'ANZ-3'], 'hi', { feature: 'FAST' });
      const closeReference = client.closeConnection('ANZ-2');
      const roundTrip = await client.ping();
      expect(roundTrip).toBeGreaterThanOrEqual(0);
      expect(connector.connections[0].received.slice(1)).toEqual([
        {
          type: 'GROUP_MESSAGE',
          data: { to: ['ANZ-2', 'ANZ-3'], content: 'hi' },
          reference: groupReference,
          feature: 'FAST',
          id: expect.any(String),
        },
        { type: 'CLOSE_CONNECTION', data: { userId: 'ANZ-2' }, reference: closeReference },
        { type: 'PING', data: {} },
      ]);
    });
  });

  describe('events', () => {
    it('emits error for INVALID_MESSAGE with the reference, presence for USER_CONNECTED/DISCONNECTED', async () => {
      const client = await clients.connected('ANZ-123223');
      const events = record(client);
      client.sendRaw({ type: 'USER_CONNECTED', data: { userId: 'ANZ-9' }, reference: 'forged' });
      await waitFor('the error event', () => events.error.length === 1);
      expect(events.error[0]).toEqual({ code: 'UNKNOWN_TYPE', message: expect.any(String), reference: 'forged' });
      const server = connector.connections[0];
      server.send({ type: 'USER_CONNECTED', data: { userId: 'ANZ-5' } });
      server.send({ type: 'USER_DISCONNECTED', data: { userId: 'ANZ-5' } });
      await waitFor('two presence events', () => events.presence.length === 2);
      expect(events.presence).toEqual([
        { type: 'USER_CONNECTED', userId: 'ANZ-5' },
        { type: 'USER_DISCONNECTED', userId: 'ANZ-5' },
      ]);
      expect(client.state).toBe('open');
    });

    it('skips malformed frames and survives a listener that throws (reported to the logger)', async () => {
      const warnings: string[] = [];
      const client = await clients.connected('ANZ-1', { logger: { debug: () => undefined, warn: (m) => warnings.push(m) } });
      const events = record(client);
      client.on('message', () => {
        throw new Error('app bug');
      });
      const server = connector.connections[0];
      server.send('garbage');
      server.send({ type: 'MESSAGE', data: { content: 'no sender' } });
      server.send(connector.messageFrame('ANZ-2', 'fine'));
      await waitFor('the good message', () => events.message.length === 1);
      expect(warnings).toEqual([
        expect.stringMatching(/not a JSON object/),
        expect.stringMatching(/malformed MESSAGE/),
        expect.stringMatching(/'message' listener threw/),
      ]);
    });
  });

  describe('fetchMissing', () => {
    it('collects MESSAGE frames until FETCH_MISSING_MESSAGES_COMPLETE: 3 of 4 oldest first, then the rest', async () => {
      for (const n of [1, 2, 3, 4]) connector.store('ANZ-7', 'ANZ-1', `stored ${n}`);
      const client = await clients.connected('ANZ-7');
      const events = record(client);
      const first = await client.fetchMissing(3);
      expect(first.messages.map((m) => m.content)).toEqual(['stored 1', 'stored 2', 'stored 3']);
      expect(first.leftMissingCount).toBe(1);
      expect(connector.connections[0].received[1]).toEqual({
        type: 'FETCH_MISSING_MESSAGES_REQUEST',
        data: { count: 3 },
        reference: expect.any(String),
      });
      const second = await client.fetchMissing(10);
      expect(second).toEqual({ messages: [{ id: expect.any(String), from: 'ANZ-1', content: 'stored 4' }], leftMissingCount: 0 });
      expect(events.message).toEqual([]); // fetched messages are returned, not emitted
    });

    it('rejects a fetch the server refuses (by reference) and a fetch cut off by a dropped connection', async () => {
      await connector.stop();
      connector = await FakeConnector.start({
        onFrame: (connection, frame) => {
          if (frame.type !== 'FETCH_MISSING_MESSAGES_REQUEST') return false;
          if (frame.data.count === 2001) return true; // never answered
          connection.send({ type: 'INVALID_MESSAGE', data: { code: 'INVALID_FIELD', message: 'count' }, reference: frame.reference });
          return true;
        },
      });
      const client = await clients.connected('ANZ-7', { reconnect: false });
      const events = record(client);
      await expect(client.fetchMissing(0)).rejects.toMatchObject({
        code: 'REJECTED',
        message: 'INVALID_FIELD: count',
        serverCode: 'INVALID_FIELD',
      });
      expect(events.error).toHaveLength(1);
      const pending = client.fetchMissing(2001);
      await connector.connections[0].waitForFrame('the fetch', (f) => f.data?.count === 2001);
      connector.connections[0].drop();
      await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    });
  });
});
