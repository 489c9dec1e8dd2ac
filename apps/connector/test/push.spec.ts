import { request } from 'node:http';
import type { Envelope } from '@linker/contracts';
import { silentLogger } from '@linker/observability';
import { channelKey, MemoryPresenceStore } from '@linker/presence';
import { apiCall, SseClient, waitFor } from '@linker/testing';
import { TextSocket } from '@linker/testing/e2e/push-seed';
import { LocalTopologySource } from '@linker/topology';
import type { ConnectorSettings } from '../src/config/connector.config';
import { COMPAT_KEYS, COMPAT_TOPOLOGY } from './testing/compat-topology';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const { ANZ: KEY, OTHER: OTHER_KEY } = COMPAT_KEYS;
const TOPOLOGY = COMPAT_TOPOLOGY;
const HEARTBEAT = 'event:heartbeat\ndata:{}';
const PING = '{"event":"ping","data":{}}';
const PUSH: Partial<ConnectorSettings> = { push: 'public', pushApp: 'ANZ', pushHeartbeatMs: 200 };

/** An upgrade request to `url`: 101 (the socket is dropped at once) or the refusal's status and JSON body. */
function upgrade(url: string): Promise<{ status: number; body?: unknown }> {
  return new Promise((resolve, reject) => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const headers = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key };
    const outgoing = request(url.replace(/^ws/, 'http'), { headers, agent: false, timeout: 10_000 });
    outgoing.on('upgrade', (_response, socket) => {
      socket.destroy();
      resolve({ status: 101 });
    });
    outgoing.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) }),
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer to the upgrade of ${url}`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

// docs/protocol.md, Compatible HTTP endpoints.
describe('Push-compatible endpoints', () => {
  let h: Harness;
  const opened: Array<SseClient | TextSocket> = [];
  const base = (): string => h.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
  const sse = (query: string): SseClient => {
    const client = new SseClient(`${base()}/sse/messages?${query}`);
    opened.push(client);
    return client;
  };
  const ws = (query: string): TextSocket => {
    const client = new TextSocket(`${h.url}/messages?${query}`);
    opened.push(client);
    return client;
  };
  const start = async (settings: Partial<ConnectorSettings> = {}, store?: MemoryPresenceStore): Promise<void> => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger), settings: { ...PUSH, ...settings }, store });
  };
  const entries = async (channel: string): Promise<string[]> => (await h.presence.lookup(channelKey(channel))).map((s) => s.socketId);
  const publication = (id: string, channel: string, data: unknown): Envelope => ({
    ...h.processor.system('PUBLICATION', { channel, data }),
    id,
    lane: 'FAST',
    to: channel,
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close()));
    await h?.close();
  });

  it('refuses to start with LINKER_PUSH but no app, or a lifetime window upside down', async () => {
    const topology = new LocalTopologySource(TOPOLOGY, silentLogger);
    await expect(startHarness({ topology, settings: { push: 'public' } })).rejects.toThrow(/LINKER_PUSH needs LINKER_PUSH_APP/);
    const upsideDown = { ...PUSH, pushLifetimeMinMs: 5_000, pushLifetimeMaxMs: 4_000 };
    await expect(startHarness({ topology, settings: upsideDown })).rejects.toThrow(/LINKER_PUSH_LIFETIME_MIN_MS/);
  });

  it('answers 404 on every Push path unless LINKER_PUSH is set', async () => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger) });
    expect((await apiCall(base(), 'POST', '/messages', { json: { channel: 'qwerty', message: 'm' } })).status).toBe(404);
    expect((await apiCall(base(), 'GET', '/sse/messages?channels=qwerty')).status).toBe(404);
    expect(await upgrade(`${h.url}/messages?channels=qwerty`)).toEqual({ status: 404 });
  });

  it('registers SSE and WebSocket subscribers under each channel before their first heartbeat, writes each publication once in its own frame, and removes them when they go', async () => {
    await start();
    const stream = sse('channels=qwerty,news-1');
    const socket = ws('channels=qwerty');
    await stream.until(HEARTBEAT);
    await socket.until(PING);
    expect(await entries('ANZ:qwerty')).toHaveLength(2);
    expect(await entries('ANZ:news-1')).toHaveLength(1);
    for (let i = 0; i < 2; i++) await h.processor.deliver({ envelope: publication('pub-1', 'ANZ:qwerty', 'hello'), targets: [] });
    await h.processor.deliver({ envelope: publication('pub-2', 'ANZ:news-1', { n: 2 }), targets: [] });
    await stream.until('event:message\ndata:{"channel":"news-1","message":{"n":2}}');
    await socket.until('{"event":"message","data":{"channel":"qwerty","message":"hello"}}');
    expect(stream.events.filter((e) => e !== HEARTBEAT)).toEqual([
      'event:message\ndata:{"channel":"qwerty","message":"hello"}',
      'event:message\ndata:{"channel":"news-1","message":{"n":2}}',
    ]);
    expect(socket.texts.filter((t) => t !== PING)).toEqual(['{"event":"message","data":{"channel":"qwerty","message":"hello"}}']);
    await stream.close();
    await waitFor('the SSE subscriber gone from presence', async () => (await entries('ANZ:news-1')).length === 0);
    expect(await entries('ANZ:qwerty')).toHaveLength(1);
    await socket.close();
    await waitFor('the WebSocket subscriber gone from presence', async () => (await entries('ANZ:qwerty')).length === 0);
  });

  it("announces a Push subscriber's channels as this connector's channel interest, so other domains forward to it", async () => {
    await start();
    const stream = sse('channels=news-7');
    await stream.until(HEARTBEAT);
    const channelsOf = (e: Envelope): unknown[] => (e.data as { channels: unknown[] }).channels;
    const first = await h.processor.next('CHANNEL_INTEREST', (e) => channelsOf(e).includes('ANZ:news-7'));
    await stream.close();
    await waitFor('an empty announcement after it', () => {
      const announcements = h.processor.all('CHANNEL_INTEREST');
      return announcements.slice(announcements.indexOf(first) + 1).some((e) => channelsOf(e).length === 0);
    });
  });

  it('refuses a subscription it cannot serve with a JSON error, registers nothing of it, and serves the others', async () => {
    await start({ maxChannelsPerSocket: 3 });
    const refusals: Array<[string, number, string]> = [
      ['', 400, 'INVALID_FIELD'],
      ['channels=', 400, 'INVALID_FIELD'],
      ['channels=qwerty,news-1,news-2,news-3', 400, 'INVALID_FIELD'],
      ['channels=qwerty,bad%20name', 400, 'INVALID_FIELD'],
      ['channels=qwerty,undeclared', 404, 'UNKNOWN_CHANNEL'],
      ['channels=qwerty,private-1', 403, 'NOT_ALLOWED'],
    ];
    for (const [query, status, code] of refusals) {
      const answer = await apiCall(base(), 'GET', `/sse/messages?${query}`);
      expect([query, answer.status, answer.body.code, typeof answer.body.message]).toEqual([query, status, code, 'string']);
      expect([query, await upgrade(`${h.url}/messages?${query}`)]).toEqual([
        query,
        { status, body: { code, message: expect.any(String) } },
      ]);
    }
    expect(await entries('ANZ:qwerty')).toEqual([]);
    const stream = sse('channels=qwerty');
    await stream.until(HEARTBEAT);
    await h.processor.deliver({ envelope: publication('pub-3', 'ANZ:qwerty', 'still served'), targets: [] });
    await stream.until('event:message\ndata:{"channel":"qwerty","message":"still served"}');
  });

  it('publishes only with the app key, a JSON body and a declared channel: each refusal publishes nothing', async () => {
    await start({ apiMaxBodyBytes: 1_024 });
    const stream = sse('channels=qwerty');
    await stream.until(HEARTBEAT);
    const body = { channel: 'qwerty', message: 'a message' };
    const refusals: Array<[string, Parameters<typeof apiCall>[3], number, string]> = [
      ['no key', { json: body }, 401, 'UNAUTHENTICATED'],
      ["another app's key", { json: body, key: OTHER_KEY }, 403, 'NOT_ALLOWED'],
      ['malformed JSON', { raw: '{"channel":"qwerty",', key: KEY }, 400, 'MALFORMED_JSON'],
      ['no message', { json: { channel: 'qwerty' }, key: KEY }, 400, 'INVALID_FIELD'],
      ['oversized body', { json: { channel: 'qwerty', message: 'x'.repeat(2_000) }, key: KEY }, 413, 'TOO_LARGE'],
      ['not JSON', { raw: 'channel=qwerty', contentType: 'text/plain', key: KEY }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['undeclared channel', { json: { channel: 'undeclared', message: 'm' }, key: KEY }, 404, 'UNKNOWN_CHANNEL'],
    ];
    for (const [what, options, status, code] of refusals) {
      const answer = await apiCall(base(), 'POST', '/messages', options);
      expect([what, answer.status, answer.body.code]).toEqual([what, status, code]);
    }
    expect((await apiCall(base(), 'GET', '/messages', { key: KEY })).status).toBe(405);
    expect(h.processor.all('PUBLISH')).toEqual([]);
    const accepted = await apiCall(base(), 'POST', '/messages', { json: body, key: KEY });
    expect([accepted.status, accepted.body]).toEqual([200, { subscribers: 1 }]);
    const published = await h.processor.next('PUBLISH');
    expect(published).toMatchObject({ from: 'SYSTEM', lane: 'FAST', to: 'ANZ:qwerty', data: { channel: 'ANZ:qwerty', data: 'a message' } });
    expect(h.processor.all('PUBLISH')).toHaveLength(1);
  });

  it('counts Push subscribers against the most connections of the client port', async () => {
    await start({ maxConnections: 2 });
    const stream = sse('channels=qwerty');
    await stream.until(HEARTBEAT);
    const socket = ws('channels=qwerty');
    await socket.until(PING);
    const refused = await apiCall(base(), 'GET', '/sse/messages?channels=qwerty');
    expect([refused.status, refused.body.code, refused.headers['retry-after']]).toEqual([503, 'UNAVAILABLE', '1']);
    expect(await upgrade(`${h.url}/messages?channels=qwerty`)).toEqual({ status: 503 });
    expect(await upgrade(h.url)).toEqual({ status: 503 });
    await socket.close();
    await waitFor('room for one more', async () => (await upgrade(`${h.url}/messages?channels=qwerty`)).status === 101);
  });

  it('counts Push subscribers against the per-address cap of sockets that are not authenticated', async () => {
    await start({ maxUnauthenticatedPerAddress: 1 });
    const stream = sse('channels=qwerty');
    await stream.until(HEARTBEAT);
    const refused = await apiCall(base(), 'GET', '/sse/messages?channels=qwerty');
    expect([refused.status, refused.body.code]).toEqual([503, 'UNAVAILABLE']);
    expect(await upgrade(`${h.url}/messages?channels=qwerty`)).toEqual({ status: 503 });
    expect(await upgrade(h.url)).toEqual({ status: 503 });
  });

  it('ends a connection after its lifetime: the event stream ends, the WebSocket is closed with 4009, and both leave presence', async () => {
    await start({ pushLifetimeMinMs: 1_000, pushLifetimeMaxMs: 1_200 });
    const stream = sse('channels=qwerty');
    const socket = ws('channels=qwerty');
    await stream.until(HEARTBEAT);
    await socket.until(PING);
    await stream.closed(5_000);
    await waitFor('the WebSocket closed by the server', () => socket.closeCode, { timeoutMs: 5_000 });
    expect(socket.closeCode).toBe(4009);
    await waitFor('both gone from presence', async () => (await entries('ANZ:qwerty')).length === 0);
  });

  it('keeps an event stream open past the handshake deadline of the client port', async () => {
    await start({ handshakeTimeoutMs: 300, pushHeartbeatMs: 100 });
    const stream = sse('channels=qwerty');
    await stream.until(HEARTBEAT, 10);
    expect(stream.arrivals[stream.arrivals.length - 1] - stream.arrivals[0]).toBeGreaterThan(600);
    expect(stream.ended).toBe(false);
  });

  it('closes a subscriber that reads too slowly once its send queue is full, and removes it from presence', async () => {
    await start({ sendQueueBytes: 65_536, sendQueueFrames: 50 });
    const slow = sse('channels=qwerty');
    await slow.until(HEARTBEAT);
    slow.pause();
    const data = 'x'.repeat(60_000);
    let sent = 0;
    await waitFor('the slow subscriber dropped', async () => {
      for (let i = 0; i < 20; i++) await h.processor.deliver({ envelope: publication(`slow-${sent++}`, 'ANZ:qwerty', data), targets: [] });
      return (await entries('ANZ:qwerty')).length === 0;
    });
    expect(sent).toBeLessThan(2_000);
  });

  it('registers Push subscribers again when presence lost them', async () => {
    const store = new MemoryPresenceStore();
    await start({ presenceHeartbeatMs: 20, presenceTtlMs: 60_000 }, store);
    const stream = sse('channels=qwerty,news-1');
    const socket = ws('channels=qwerty');
    await stream.until(HEARTBEAT);
    await socket.until(PING);
    store.clear();
    await waitFor(
      'both registered again',
      async () => (await entries('ANZ:qwerty')).length === 2 && (await entries('ANZ:news-1')).length === 1,
    );
  });
});
