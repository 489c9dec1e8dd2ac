import { silentLogger } from '@linker/observability';
import { apiCall } from '@linker/testing';
import { LocalTopologySource } from '@linker/topology';
import type { ConnectorSettings } from '../src/config/connector.config';
import { COMPAT_MASTER, COMPAT_TOPOLOGY } from './testing/compat-topology';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const MASTER = COMPAT_MASTER;
const TOPOLOGY = COMPAT_TOPOLOGY;
const REALTIMER: Partial<ConnectorSettings> = { realtimerPort: 0, realtimerApp: 'ANZ' };

// docs/protocol.md, Compatible HTTP endpoints: GET /<id>?data=<text> on a port of its own.
describe('realtimer-compatible port', () => {
  let h: Harness;
  const base = (): string => `http://127.0.0.1:${h.connector.realtimerPort}`;
  const start = async (settings: Partial<ConnectorSettings> = {}): Promise<void> => {
    h = await startHarness({ topology: new LocalTopologySource(TOPOLOGY, silentLogger), settings: { ...REALTIMER, ...settings } });
  };
  afterEach(() => h?.close());

  it('is off unless LINKER_REALTIMER_PORT is set, and needs LINKER_REALTIMER_APP with it', async () => {
    const topology = new LocalTopologySource(TOPOLOGY, silentLogger);
    await expect(startHarness({ topology, settings: { realtimerPort: 0 } })).rejects.toThrow(/LINKER_REALTIMER_APP/);
    h = await startHarness({ topology });
    expect(h.connector.realtimerPort).toBe(0);
  });

  it("sends to a user of the app as a FAST message from its master user, and publishes any other id to the app's channel", async () => {
    await start();
    const toUser = await apiCall(base(), 'GET', '/ANZ-42?data=testData');
    expect([toUser.status, toUser.body]).toEqual([200, { id: expect.any(String) }]);
    const message = await h.processor.next('MESSAGE');
    expect(message).toMatchObject({
      id: toUser.body.id,
      lane: 'FAST',
      from: MASTER,
      to: 'ANZ-42',
      data: { content: 'testData' },
      confirm: false,
    });
    const toChannel = await apiCall(base(), 'GET', '/testUserId?data=testData');
    expect([toChannel.status, toChannel.body]).toEqual([200, { id: expect.any(String) }]);
    const publication = await h.processor.next('PUBLISH');
    expect(publication).toMatchObject({
      id: toChannel.body.id,
      lane: 'FAST',
      from: 'SYSTEM',
      to: 'ANZ:testUserId',
      data: { channel: 'ANZ:testUserId', data: 'testData' },
    });
  });

  it('refuses a malformed request with a JSON error and sends nothing', async () => {
    await start({ maxFrameBytes: 1_024 });
    const refusals: Array<[string, string, number, string]> = [
      ['GET', '/testUserId', 400, 'INVALID_FIELD'],
      ['GET', '/a/b?data=x', 404, 'NOT_FOUND'],
      ['GET', '/?data=x', 404, 'NOT_FOUND'],
      ['POST', '/testUserId?data=x', 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/undeclared?data=x', 404, 'UNKNOWN_CHANNEL'],
      ['GET', '/bad%zz?data=x', 400, 'INVALID_FIELD'],
      ['GET', '/ANZ-5000?data=x', 404, 'UNREACHABLE_DOMAIN'],
      ['GET', `/testUserId?data=${'x'.repeat(1_100)}`, 413, 'TOO_LARGE'],
    ];
    for (const [method, path, status, code] of refusals) {
      const answer = await apiCall(base(), method, path);
      expect([path.slice(0, 40), answer.status, answer.body.code]).toEqual([path.slice(0, 40), status, code]);
    }
    expect((await apiCall(base(), 'GET', '/testUserId?data=served')).status).toBe(200);
    expect((await h.processor.next('PUBLISH')).data).toMatchObject({ data: 'served' });
    expect([...h.processor.all('PUBLISH'), ...h.processor.all('MESSAGE')]).toHaveLength(1);
  });

  it('needs LINKER_REALTIMER_KEY, when set, as a bearer token or a key parameter', async () => {
    const key = 'realtimer-key-0123456789';
    await start({ realtimerKey: key });
    for (const [path, headers] of [
      ['/testUserId?data=x', {}],
      ['/testUserId?data=x&key=wrong', {}],
      ['/testUserId?data=x', { authorization: 'Bearer wrong' }],
    ] as const) {
      const answer = await apiCall(base(), 'GET', path, { headers });
      expect([answer.status, answer.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect(h.processor.all('PUBLISH')).toEqual([]);
    expect((await apiCall(base(), 'GET', `/testUserId?data=x&key=${key}`)).status).toBe(200);
    expect((await apiCall(base(), 'GET', '/testUserId?data=x', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });
});
