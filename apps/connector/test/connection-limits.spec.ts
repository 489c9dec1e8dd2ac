import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { waitFor } from '@linker/testing';
import { TestClient } from '../src/socket/testing/test-client';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(60_000);

/** A raw TCP connection to the client port, with everything the server wrote and whether it closed. */
interface RawConnection {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    let ended = false;
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is fine: the answer is what is checked
    const closed = new Promise<void>((done) => socket.once('close', () => ((ended = true), done())));
    socket.once('connect', () => resolve({ socket, received: () => data, closed, isClosed: () => ended }));
    socket.once('error', reject);
  });
}

function upgradeRequest(extraHeaders: readonly string[] = []): string {
  return [
    'GET /ws HTTP/1.1',
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

/** The status line of what the server answered (e.g. `HTTP/1.1 503 Service Unavailable`). */
function statusLine(connection: RawConnection): string {
  return connection.received().split('\r\n')[0] ?? '';
}

async function served(client: TestClient): Promise<void> {
  const before = client.all('PONG').length;
  client.send({ type: 'PING', data: {} });
  await client.count('PONG', before + 1);
}

function openFiles(): number {
  return readdirSync('/proc/self/fd').length;
}

// The client port's defences against connection floods: a handshake deadline, a cap on connections, a cap on
// unauthenticated sockets per address, and a clear answer to an oversized handshake.
describe('connector connection limits', () => {
  let h: Harness;
  const raw: RawConnection[] = [];
  afterEach(async () => {
    for (const connection of raw.splice(0)) connection.socket.destroy();
    await h?.close();
  });

  /**
   * Open `count` connections, 100 at a time: all at once would overflow the listen backlog, and a connection the kernel
   * completed but the server never accepted gets no answer (a SYN flood is the kernel's and the network's to absorb).
   */
  async function open(count: number, send?: string): Promise<RawConnection[]> {
    const opened: RawConnection[] = [];
    while (opened.length < count) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, count - opened.length) }, () => rawConnection(h.connector.port)));
      if (send !== undefined) for (const connection of batch) connection.socket.write(send);
      raw.push(...batch);
      opened.push(...batch);
    }
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

  it('answers 431 to a handshake with 2,000 headers, and keeps serving', async () => {
    h = await startHarness();
    const user = await h.user('ANZ-1');
    const headers = Array.from({ length: 2_000 }, (_, i) => `X-Padding-${i}: ${'v'.repeat(8)}`);
    const [big] = await open(1, upgradeRequest(headers));
    await waitFor('an answer to the oversized handshake', () => statusLine(big!) !== '');
    expect(statusLine(big!)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
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

  it('holds under a flood of 1,500 silent connections and 1,500 upgrades that never authenticate; others unaffected, files released', async () => {
    h = await startHarness({ settings: { handshakeTimeoutMs: 2_000, authTimeoutMs: 3_000, maxUnauthenticatedPerAddress: 100 } });
    const [a, b] = [await h.user('ANZ-1'), await h.user('ANZ-2')];
    const baseline = openFiles();
    const silent = await open(1_500);
    const upgrades = await open(1_500, upgradeRequest());
    await waitFor('an answer to each of the 1,500 upgrades', () => upgrades.every((c) => statusLine(c) !== ''), { timeoutMs: 20_000 });
    const answers = new Map<string, number>();
    for (const connection of upgrades) answers.set(statusLine(connection), (answers.get(statusLine(connection)) ?? 0) + 1);
    expect(Object.fromEntries(answers)).toEqual({ 'HTTP/1.1 101 Switching Protocols': 100, 'HTTP/1.1 503 Service Unavailable': 1_400 });
    // The pair keeps talking meanwhile.
    a.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'still here' }, reference: 'r1' });
    await h.processor.next('MESSAGE', (e) => e.from === 'ANZ-1');
    await served(b);
    // The silent ones are closed by the handshake deadline, the upgraded ones by the auth deadline; only then do the
    // clients' own ends close, so the process (which holds both ends here) gets its files back.
    await waitFor('every flooding connection closed by the server', () => silent.every((c) => c.isClosed()) && upgrades.every((c) => c.isClosed()), {
      timeoutMs: 20_000,
    });
    await waitFor(`open files back to about ${baseline}`, () => openFiles() <= baseline + 10);
    await served(a);
  });
});
