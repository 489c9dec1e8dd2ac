import { waitFor } from '@linker/testing';
import { FakeConnector, type FakeConnection } from './testing/fake-connector';
import { record, TestClients } from './testing/clients';
import { NodeWebSocket } from '../../src/node/node-websocket';

/** Automatic reconnect (backoff, re-auth, fetch) and ack mode (docs/protocol.md, Ack mode) against the fake connector. */
describe('LinkerClient reconnect and ack mode', () => {
  let connector: FakeConnector;
  let accept = true;
  const clients = new TestClients(() => connector);

  beforeEach(async () => {
    accept = true;
    connector = await FakeConnector.start({ authenticate: () => accept });
  });
  afterEach(async () => {
    await clients.closeAll();
    await connector.stop();
  });

  /** The authenticated connections of `userId`, oldest first. */
  const sessions = (userId: string): FakeConnection[] => connector.connections.filter((c) => c.authenticated && c.userId === userId);
  const acked = (connection: FakeConnection): string[] =>
    connection.received.filter((f) => f.type === 'MESSAGE_ACK').flatMap((f) => f.data.ids as string[]);

  describe('reconnect', () => {
    it('after a drop: backoff delays grow with jitter up to maxDelay, then re-auth and fetch of what was missed', async () => {
      const client = await clients.connected('ANZ-5', {
        reconnect: { initialDelayMs: 20, maxDelayMs: 80, factor: 2, jitter: 0.5 },
        random: () => 0.5, // jitter takes a quarter of each cap off
        fetchOnReconnect: 50,
      });
      const events = record(client);
      connector.store('ANZ-5', 'ANZ-1', 'while away 1');
      connector.store('ANZ-5', 'ANZ-1', 'while away 2');
      connector.acceptConnections = false;
      sessions('ANZ-5')[0].drop();
      await waitFor('four failed reconnect attempts', () => events.reconnecting.length >= 4);
      connector.acceptConnections = true;
      await waitFor('the reconnected event', () => events.reconnected.length === 1);

      expect(events.closed).toEqual([{ code: 1006, reason: '', willReconnect: true }]); // once, not per failed attempt
      expect(events.reconnecting.slice(0, 4)).toEqual([
        { attempt: 1, delayMs: 15 },
        { attempt: 2, delayMs: 30 },
        { attempt: 3, delayMs: 60 },
        { attempt: 4, delayMs: 60 },
      ]);
      expect(events.reconnected[0]).toEqual({ attempts: events.reconnecting.length, fetched: 2, leftMissingCount: 0 });
      expect(events.authenticated).toHaveLength(1);
      expect(events.message.map((m) => m.content)).toEqual(['while away 1', 'while away 2']);
      const [first, second] = sessions('ANZ-5');
      expect(second.raw[0]).toBe(first.raw[0]); // the same AUTH_CLIENT
      expect(second.received[1]).toEqual({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 50 }, reference: expect.any(String) });
      expect(client.state).toBe('open');
      client.send('ANZ-1', 'back');
      await second.waitForFrame('the message after reconnect', (f) => f.data?.content === 'back');
    });

    it('reconnects after a server close such as 1001 going away, and the next drop starts the backoff over', async () => {
      const client = await clients.connected('ANZ-5', {
        reconnect: { initialDelayMs: 5, maxDelayMs: 5, factor: 2, jitter: 0 },
        fetchOnReconnect: 0,
      });
      const events = record(client);
      sessions('ANZ-5')[0].close(1001, 'connector shutting down');
      await waitFor('the second session', () => sessions('ANZ-5').length === 2 && events.reconnected.length === 1);
      sessions('ANZ-5')[1].drop();
      await waitFor('the third session', () => sessions('ANZ-5').length === 3 && events.reconnected.length === 2);
      expect(events.closed.map((c) => [c.code, c.reason, c.willReconnect])).toEqual([
        [1001, 'connector shutting down', true],
        [1006, '', true],
      ]);
      expect(events.reconnecting.map((r) => r.attempt)).toEqual([1, 1]);
      expect(events.reconnected).toEqual([
        { attempts: 1, fetched: 0 },
        { attempts: 1, fetched: 0 },
      ]);
    });

    it('stops when the reconnect is refused (4001)', async () => {
      const client = await clients.connected('ANZ-5');
      const events = record(client);
      accept = false;
      sessions('ANZ-5')[0].drop();
      await waitFor('the final closed event', () => events.closed.length === 2);
      expect(events.closed[1]).toEqual({ code: 4001, reason: expect.any(String), willReconnect: false });
      expect(events.reconnecting).toHaveLength(1);
      expect(client.state).toBe('closed');
      expect(connector.connections).toHaveLength(2);
    });

    it("after 4006 (home domain moved) reconnects to the new home's endpoint named in the reason", async () => {
      const newHome = await FakeConnector.start({ authenticate: () => true });
      try {
        const client = await clients.connected('ANZ-5', {
          reconnect: { initialDelayMs: 5, maxDelayMs: 5, factor: 2, jitter: 0 },
          fetchOnReconnect: 0,
        });
        const events = record(client);
        sessions('ANZ-5')[0].close(4006, `home domain is now domain-02: reconnect to ${newHome.url}`);
        await waitFor(
          'the session at the new home',
          () => newHome.connections.some((c) => c.authenticated && c.userId === 'ANZ-5') && events.reconnected.length === 1,
        );
        expect(events.moved).toEqual([{ url: newHome.url, reason: `home domain is now domain-02: reconnect to ${newHome.url}` }]);
        expect(client.url).toBe(newHome.url);
        expect(sessions('ANZ-5')).toHaveLength(1); // never back to the old connector
        expect(client.state).toBe('open');
      } finally {
        await clients.closeAll();
        await newHome.stop();
      }
    });

    it('does not reconnect after 4008 (the topology no longer knows the user)', async () => {
      const client = await clients.connected('ANZ-5');
      const events = record(client);
      sessions('ANZ-5')[0].close(4008, 'no longer valid');
      await waitFor('the closed event', () => events.closed.length === 1);
      expect(events.closed[0]).toEqual({ code: 4008, reason: 'no longer valid', willReconnect: false });
      expect(client.state).toBe('closed');
    });

    it('does not reconnect after CLOSE_CONNECTION by the master user (4003)', async () => {
      const master = await clients.connected('ANZ-123223');
      const target = await clients.connected('ANZ-2');
      const events = record(target);
      master.closeConnection('ANZ-2');
      await waitFor('the target to be closed', () => events.closed.length === 1);
      expect(events.closed[0]).toEqual({ code: 4003, reason: 'Closed by the master user', willReconnect: false });
      expect(target.state).toBe('closed');
      expect(events.reconnecting).toEqual([]);
    });

    it('does not reconnect after close(), which closes the socket with 1000', async () => {
      const client = await clients.connected('ANZ-5');
      const events = record(client);
      await client.close();
      expect(events.closed).toEqual([{ code: 1000, reason: 'client closed', willReconnect: false }]);
      await waitFor('the server to see 1000', () => connector.connections[0].closed?.code === 1000);
      expect(client.state).toBe('closed');
      expect(events.reconnecting).toEqual([]);
      expect(() => client.send('ANZ-1', 'x')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
    });

    it('close() during the backoff wait cancels the pending attempt', async () => {
      const client = await clients.connected('ANZ-5', { reconnect: { initialDelayMs: 60_000, jitter: 0 } });
      const events = record(client);
      sessions('ANZ-5')[0].drop();
      await waitFor('the reconnect to be scheduled', () => events.reconnecting.length === 1);
      expect(client.state).toBe('reconnecting');
      expect(() => client.send('ANZ-1', 'x')).toThrow(expect.objectContaining({ code: 'NOT_CONNECTED' }));
      await client.close();
      expect(client.state).toBe('closed');
      expect(events.closed.map((c) => c.willReconnect)).toEqual([true, false]);
    });

    it('with reconnect: false, a drop is final', async () => {
      const client = await clients.connected('ANZ-5', { reconnect: false });
      const events = record(client);
      sessions('ANZ-5')[0].drop();
      await waitFor('the closed event', () => events.closed.length === 1);
      expect(events.closed[0].willReconnect).toBe(false);
      expect(client.state).toBe('closed');
    });
  });

  describe('ack mode', () => {
    it('emits each id once and acknowledges every delivery after the listeners ran', async () => {
      const log: string[] = [];
      class SpySocket extends NodeWebSocket {
        override send(data: string): void {
          const frame = JSON.parse(data);
          if (frame.type === 'MESSAGE_ACK') log.push(`ack ${frame.data.ids.join(',')}`);
          super.send(data);
        }
      }
      const client = await clients.connected('ANZ-5', { ack: true, webSocket: SpySocket });
      const events = record(client);
      client.on('message', (message) => log.push(`listener ${message.id}`));
      const server = sessions('ANZ-5')[0];
      const m1 = connector.messageFrame('ANZ-1', 'one', 'r1');
      server.send(m1);
      server.send(m1); // a redelivery (its ack was lost)
      server.send(connector.messageFrame('ANZ-1', 'two'));
      await waitFor('three acked ids', () => acked(server).length === 3);
      expect(events.message.map((m) => m.content)).toEqual(['one', 'two']);
      expect(acked(server).sort()).toEqual([m1.id, m1.id, events.message[1].id].sort());
      for (const message of events.message) {
        const listened = log.indexOf(`listener ${message.id}`);
        const firstAck = log.findIndex((entry) => entry.startsWith('ack') && entry.includes(message.id as string));
        expect(listened).toBeGreaterThanOrEqual(0);
        expect(firstAck).toBeGreaterThan(listened);
      }
    });

    it('reconnects at once when the server closes with 4009 RECONNECT (the connection reached its lifetime), then fetches', async () => {
      const client = await clients.connected('ANZ-5', { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } });
      const events = record(client);
      connector.store('ANZ-5', 'ANZ-1', 'stored meanwhile');
      sessions('ANZ-5')[0].close(4009, 'lifetime');
      await waitFor('the reconnected event', () => events.reconnected.length === 1);
      expect(events.reconnecting).toEqual([{ attempt: 1, delayMs: 0 }]);
      expect(events.closed).toEqual([{ code: 4009, reason: 'lifetime', willReconnect: true }]);
      expect(events.message.map((m) => m.content)).toEqual(['stored meanwhile']);
    });

    it('after a reconnect fetches fetchOnReconnect at a time until the server says nothing is left, past batches it had seen', async () => {
      const client = await clients.connected('ANZ-5', { reconnect: { initialDelayMs: 5, jitter: 0 }, fetchOnReconnect: 2 });
      const events = record(client);
      // Two messages written live but still stored (their acks did not count before the drop) come first in the fetch.
      for (const content of ['seen 1', 'seen 2']) connector.store('ANZ-5', 'ANZ-1', content);
      for (const frame of connector.mailbox.get('ANZ-5')!) sessions('ANZ-5')[0].send(frame);
      await waitFor('the two live messages', () => events.message.length === 2);
      for (let i = 1; i <= 3; i++) connector.store('ANZ-5', 'ANZ-1', `while away ${i}`);
      sessions('ANZ-5')[0].drop();
      await waitFor('the reconnected event', () => events.reconnected.length === 1);

      expect(events.reconnected[0]).toEqual({ attempts: 1, fetched: 3, leftMissingCount: 0 });
      expect(events.message.map((m) => m.content)).toEqual(['seen 1', 'seen 2', 'while away 1', 'while away 2', 'while away 3']);
      const fetches = sessions('ANZ-5')[1].received.filter((f) => f.type === 'FETCH_MISSING_MESSAGES_REQUEST');
      expect(fetches.map((f) => f.data)).toEqual([{ count: 2 }, { count: 2 }, { count: 2 }]);
    });

    it('drops fetched duplicates of live messages, acks fetched ones, and after a reconnect acks redelivered ones', async () => {
      const client = await clients.connected('ANZ-5', { ack: true, reconnect: { initialDelayMs: 5, jitter: 0 } });
      const events = record(client);
      const first = sessions('ANZ-5')[0];
      const liveId = connector.store('ANZ-5', 'ANZ-1', 'live, then stored again');
      connector.store('ANZ-5', 'ANZ-1', 'only stored');
      first.send(connector.mailbox.get('ANZ-5')![0]);
      await waitFor('the live message', () => events.message.length === 1);
      const fetched = await client.fetchMissing(10);
      expect(fetched.messages.map((m) => m.content)).toEqual(['only stored']);
      await waitFor('acks of all three deliveries', () => acked(first).length === 3);

      // Unacknowledged messages of a closed socket go back to the mailbox and come again after the reconnect.
      connector.store('ANZ-5', 'ANZ-1', 'x', undefined);
      connector.mailbox.get('ANZ-5')!.unshift(connector.messageFrame('ANZ-1', 'live, then stored again', undefined, liveId));
      first.drop();
      await waitFor('the reconnect', () => events.reconnected.length === 1);
      expect(events.reconnected[0]).toMatchObject({ fetched: 1, leftMissingCount: 0 });
      expect(events.message.map((m) => m.content)).toEqual(['live, then stored again', 'x']);
      const second = sessions('ANZ-5')[1];
      await waitFor('acks on the new socket', () => acked(second).length === 2);
      expect(acked(second)).toContain(liveId);
    });

    it('without ack mode sends no MESSAGE_ACK, and still drops a message id it was handed already (dedupWindow 0: keeps both)', async () => {
      const client = await clients.connected('ANZ-5');
      const keepsAll = await clients.connected('ANZ-6', { dedupWindow: 0 });
      const [events, allEvents] = [record(client), record(keepsAll)];
      const frame = connector.messageFrame('ANZ-1', 'twice');
      for (const userId of ['ANZ-5', 'ANZ-6']) {
        sessions(userId)[0].send(frame);
        sessions(userId)[0].send(frame);
      }
      await Promise.all([client.ping(), keepsAll.ping()]); // the PONG comes after both messages
      expect(events.message).toHaveLength(1);
      expect(allEvents.message).toHaveLength(2);
      expect(acked(sessions('ANZ-5')[0])).toEqual([]);
    });
  });
});
