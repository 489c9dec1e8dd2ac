import { get } from 'node:http';
import { CLOSE_CODES } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import { TestClient } from './socket/testing/test-client';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** One PING → PONG round trip: the connector still serves `client`. */
async function served(client: TestClient): Promise<void> {
  const before = client.all('PONG').length;
  client.send({ type: 'PING', data: {} });
  await client.count('PONG', before + 1);
}

// docs/protocol.md, Connecting and Liveness: the WebSocket edge: path, origins, limits, liveness, and the drain.
describe('connector socket', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('upgrades only on /ws and refuses an origin outside the allow-list with HTTP 403', async () => {
    h = await startHarness({ settings: { allowedOrigins: ['https://chat.example.com'] } });
    const port = h.connector.port;
    await expect(TestClient.connect(h.url, { origin: 'https://evil.example.com' })).rejects.toThrow('HTTP 403');
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/ws/`)).rejects.toThrow('HTTP 404');
    await expect(TestClient.connect(`ws://127.0.0.1:${port}/ws?x=1`)).rejects.toThrow('HTTP 404');
    const allowed = await h.client({ origin: 'https://chat.example.com' });
    const noOrigin = await h.client();
    for (const client of [allowed, noOrigin]) {
      client.send({ type: 'PING', data: {} });
      await client.next('AUTH_REQUIRED');
    }
  });

  it('answers GET /health with the connector state', async () => {
    h = await startHarness();
    await h.user('ANZ-1');
    const health = await httpGet(h.connector.port, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({
      status: 'running',
      domain: 'domain-t',
      connector: 'connector-t',
      sockets: 1,
      authenticated: 1,
      presenceLease: true,
      pendingPublishes: 0,
      api: { answered: 0, refused: {} },
    });
    expect((await httpGet(h.connector.port, '/elsewhere')).status).toBe(404);
  });

  it('closes a socket that sends a 1 MiB frame with 1009, and keeps serving another', async () => {
    h = await startHarness();
    const big = await h.user('ANZ-1');
    const other = await h.user('ANZ-2');
    big.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x'.repeat(1024 * 1024) } }));
    expect((await big.closed()).code).toBe(1009);
    await served(other);
    await h.processor.next('USER_DISCONNECTED', (e) => (e.data as { userId: string }).userId === 'ANZ-1');
    expect(h.processor.all('MESSAGE')).toEqual([]);
  });

  it('keeps serving another client while one floods 10,000 frames in a second (and gets closed for it)', async () => {
    h = await startHarness();
    const flooder = await h.user('ANZ-1');
    const other = await h.user('ANZ-2');
    const frame = JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3', content: 'spam' } });
    const flood = flooder.flood(Array.from({ length: 10_000 }, () => frame));
    const started = Date.now();
    await served(other);
    other.send({ type: 'MESSAGE', data: { to: 'ANZ-3', content: 'legit' }, reference: 'ok' });
    await h.processor.next('MESSAGE', (e) => e.from === 'ANZ-2');
    expect(Date.now() - started).toBeLessThan(5_000);
    await flood;
    expect((await flooder.closed()).code).toBe(CLOSE_CODES.RATE_LIMITED.code);
    expect(flooder.all('INVALID_MESSAGE').every((f) => (f.data as { code: string }).code === 'RATE_LIMITED')).toBe(true);
    expect(h.processor.all('MESSAGE').filter((e) => e.from === 'ANZ-1').length).toBeLessThanOrEqual(200);
    await served(other);
  });

  it('pings every interval, keeps a client that answers and drops one that stopped answering', async () => {
    h = await startHarness({ settings: { pingIntervalMs: 50, maxMissedPongs: 2 } });
    const alive = await h.user('ANZ-1');
    const dead = await TestClient.connect(h.url, { autoPong: false });
    await waitFor('a few pings', () => alive.pings >= 4 && dead.pings >= 1);
    expect((await dead.closed()).code).toBe(1006); // dropped without a handshake: it was not listening
    await waitFor('the dead socket gone', () => h.connector.health().sockets === 1);
    await served(alive);
    expect(alive.closeInfo).toBeUndefined();
  });

  it('drains: refuses new sockets, closes every socket with 1001, removes presence and publishes USER_DISCONNECTED', async () => {
    h = await startHarness();
    const clients = [await h.user('ANZ-1'), await h.user('ANZ-1'), await h.user('ANZ-2')];
    const unauthenticated = await h.client();
    expect(await h.presence.lookup('ANZ-1')).toHaveLength(2);
    await h.connector.stop();
    for (const client of [...clients, unauthenticated]) {
      expect(await client.closed()).toEqual({ code: 1001, reason: CLOSE_CODES.GOING_AWAY.reason });
    }
    expect(await h.presence.lookup('ANZ-1')).toEqual([]);
    expect(await h.presence.lookup('ANZ-2')).toEqual([]);
    const disconnected = h.processor
      .all('USER_DISCONNECTED')
      .map((e) => e.origin?.socketId)
      .sort();
    expect(disconnected).toEqual(clients.map((c) => c.socketId).sort());
    expect(h.connector.health().status).toBe('stopped');
    await expect(TestClient.connect(h.url)).rejects.toThrow();
  });
});
