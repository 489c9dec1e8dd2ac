import { waitFor } from '@linker/testing';
import { rawConnections, statusLine, type RawConnection } from '@linker/testing/e2e/raw-connection';
import { TestClient } from './socket/testing/test-client';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(60_000);

async function served(client: TestClient): Promise<void> {
  const before = client.all('PONG').length;
  client.send({ type: 'PING', data: {} });
  await client.count('PONG', before + 1);
}

// The client port's defences against connection floods: a handshake deadline, a cap on connections, a cap on
// unauthenticated sockets per address. The flood itself and the oversized handshake are abuse cases against the built
// embedded mode, with a chatting pair (apps/embedded/test/abuse/connections.e2e-spec.ts).
describe('connector connection limits', () => {
  let h: Harness;
  const raw: RawConnection[] = [];
  afterEach(async () => {
    for (const connection of raw.splice(0)) connection.socket.destroy();
    await h?.close();
  });

  async function open(count: number): Promise<RawConnection[]> {
    const opened = await rawConnections(h.connector.port, count);
    raw.push(...opened);
    return opened;
  }

  it('answers 408 and closes a connection that sends nothing, or half a request, within the handshake deadline', async () => {
    h = await startHarness({ settings: { handshakeTimeoutMs: 1_000 } });
    const [silent, slow] = await open(2);
    slow!.socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    await waitFor('both connections closed by the server', () => silent!.isClosed() && slow!.isClosed());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(statusLine(slow!)).toBe('HTTP/1.1 408 Request Timeout');
    expect(statusLine(silent!)).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('keeps an upgraded socket past the handshake deadline (the auth deadline governs it)', async () => {
    h = await startHarness({ settings: { handshakeTimeoutMs: 200 } });
    const client = await h.client();
    const user = await h.user('ANZ-1');
    const [silent] = await open(1); // opened after the upgrades: once it is closed, their deadline has passed too
    await waitFor('the silent connection closed by the handshake deadline', () => silent!.isClosed());
    client.send({ type: 'PING', data: {} });
    await client.next('AUTH_REQUIRED');
    await served(user);
  });

  it('refuses the upgrade beyond the connection cap with 503, and admits again once a socket closed', async () => {
    h = await startHarness({ settings: { maxConnections: 3 } });
    const users = [await h.user('ANZ-1'), await h.user('ANZ-2'), await h.user('ANZ-3')];
    await expect(TestClient.connect(h.url)).rejects.toThrow('HTTP 503');
    users[0]!.close();
    await users[0]!.closed();
    const again = await waitFor('an upgrade admitted once a socket closed', () => TestClient.connect(h.url).catch(() => undefined));
    again.send({ type: 'PING', data: {} });
    await again.next('AUTH_REQUIRED');
    again.close();
  });

  it('caps the unauthenticated sockets of one address with 503; authenticated ones do not count', async () => {
    h = await startHarness({ settings: { maxUnauthenticatedPerAddress: 2 } });
    const first = await h.client();
    await h.client();
    await expect(TestClient.connect(h.url)).rejects.toThrow('HTTP 503');
    first.send({ type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-1', token: 't' } });
    await first.next('AUTH_CLIENT_REPLY');
    const third = await TestClient.connect(h.url);
    third.send({ type: 'PING', data: {} });
    await third.next('AUTH_REQUIRED');
    await expect(TestClient.connect(h.url)).rejects.toThrow('HTTP 503');
    await served(first);
  });
});
