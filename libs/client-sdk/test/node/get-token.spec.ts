import { CLOSE_CODES } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { LinkerClientError } from '../../src';
import { FakeConnector, type FakeConnection, type ReceivedFrame } from './testing/fake-connector';
import { record, TestClients } from './testing/clients';

/** `getToken` (docs/protocol.md, Token expiry): a token per login, an in-band refresh when told, one retry of a refused login. */
describe('LinkerClient with getToken (Node, fake connector)', () => {
  let connector: FakeConnector | undefined;
  const clients = new TestClients(() => connector as FakeConnector);

  afterEach(async () => {
    await clients.closeAll();
    await connector?.stop();
  });

  /** A getToken handing out `tokens` in turn (the last one again once they run out), and how often it was asked. */
  const tokens = (...given: string[]) => {
    const asked: string[] = [];
    const getToken = () => {
      const token = given[Math.min(asked.length, given.length - 1)];
      asked.push(token);
      return Promise.resolve(token);
    };
    return { asked, getToken };
  };

  it('logs in with the token getToken gives, and tries a refused login once more with a fresh one', async () => {
    connector = await FakeConnector.start({ authenticate: ({ token }) => token === 'fresh' });
    const source = tokens('stale', 'fresh');
    const reply = await clients.make('ANZ-1', { token: 'ignored', getToken: source.getToken }).connect();
    expect(reply.isAuthenticated).toBe(true);
    expect(source.asked).toEqual(['stale', 'fresh']);
    expect(connector.connections.map((c) => (c.received[0] as ReceivedFrame).data.token)).toEqual(['stale', 'fresh']);
  });

  it('gives up with AUTH_REFUSED when the fresh token is refused too (one retry only)', async () => {
    connector = await FakeConnector.start({ authenticate: () => false });
    const source = tokens('stale', 'still-stale');
    const failed = await clients
      .make('ANZ-1', { getToken: source.getToken })
      .connect()
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(LinkerClientError);
    expect((failed as LinkerClientError).code).toBe('AUTH_REFUSED');
    expect(source.asked).toEqual(['stale', 'still-stale']);
    expect(connector.connections).toHaveLength(2);
  });

  it('sends a fresh token from getToken when told the token expires, and reports the answer', async () => {
    const refreshes: ReceivedFrame[] = [];
    connector = await FakeConnector.start({
      onFrame: (connection: FakeConnection, frame) => {
        if (frame.type !== 'REFRESH_TOKEN') return false;
        refreshes.push(frame);
        connection.send({
          type: 'REFRESH_TOKEN_REPLY',
          data: { isAuthenticated: true, expiresAt: 2_000_000_000_000 },
          reference: frame.reference,
        });
        return true;
      },
    });
    const source = tokens('first', 'second');
    const client = await clients.connected('ANZ-1', { getToken: source.getToken });
    const events = record(client);
    connector.connections[0].send({ type: 'TOKEN_EXPIRING', data: { expiresAt: 1_900_000_000_000, inMs: 30_000 } });
    await waitFor('the tokenRefreshed event', () => events.tokenRefreshed.length === 1);
    expect(events.tokenExpiring).toEqual([{ expiresAt: 1_900_000_000_000, inMs: 30_000 }]);
    expect(refreshes).toEqual([{ type: 'REFRESH_TOKEN', data: { token: 'second' }, reference: expect.any(String) as unknown }]);
    expect(events.tokenRefreshed).toEqual([{ isAuthenticated: true, expiresAt: 2_000_000_000_000 }]);
    expect(connector.connections).toHaveLength(1); // in-band: no reconnect
    expect(await client.refreshToken('by-hand')).toEqual({ isAuthenticated: true, expiresAt: 2_000_000_000_000 });
    expect(refreshes[1]).toMatchObject({ data: { token: 'by-hand' } });
  });

  it('rejects a login refused because the auth server is busy (4011) as retriable, not as refused credentials', async () => {
    connector = await FakeConnector.start({
      onFrame: (connection, frame) => {
        if (frame.type !== 'AUTH_CLIENT') return false;
        const { appId, userId } = frame.data as { appId: string; userId: string };
        connection.send({ type: 'AUTH_CLIENT_REPLY', data: { appId, userId, isAuthenticated: false, retryAfterMs: 1_000 } });
        connection.close(CLOSE_CODES.AUTH_BUSY.code, CLOSE_CODES.AUTH_BUSY.reason);
        return true;
      },
    });
    const failed = (await clients
      .make('ANZ-1')
      .connect()
      .catch((error: unknown) => error)) as LinkerClientError;
    expect([failed.code, failed.retriable, failed.closeCode]).toEqual(['CONNECTION_CLOSED', true, CLOSE_CODES.AUTH_BUSY.code]);
  });
});
