import { connect } from 'node:net';
import type { Lanes } from '@linker/bus';
import { silentLogger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import { apiCall, waitFor } from '@linker/testing';
import { LocalTopologySource, MASKED_SECRET } from '@linker/topology';
import { connectorSettings } from '../../src/config/connector.config';
import { openConnector } from '../../src/open-connector';
import { startHarness, type Harness } from '../testing/harness';
import { apiTopology, KEYS } from './testing/api-topology';

// What every server API request goes through before its endpoint: route, key, rate, body. Nothing refused is published.

const MESSAGE = { to: 'ANZ-2', content: 'x' };

describe('server API: requests', () => {
  let harness: Harness;
  let topology: LocalTopologySource;
  let clock = 1_000_000;

  beforeEach(async () => {
    topology = new LocalTopologySource(apiTopology());
    harness = await startHarness({
      topology,
      clock: { now: () => clock },
      settings: { apiMaxBodyBytes: 2_048, apiRateLimit: 1, apiRateBurst: 3, maxGroupRecipients: 200 },
    });
  });
  afterEach(() => harness.close());

  /** Expect `answer` to be the error `code` (status from the table) and nothing to have been published since `before`. */
  function refused(answer: { status: number; body: unknown }, status: number, code: string, before: number): void {
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: { code, message: expect.any(String) } });
    expect(harness.faults.intakePublishes).toBe(before);
  }

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', { key: 'not-the-key-of-any-app-0123456789abcdef' }],
    ['the masked key', { key: MASKED_SECRET }],
    ['another scheme', { headers: { authorization: `Basic ${KEYS.ANZ}` } }],
  ])('answers 401 UNAUTHENTICATED to %s, before reading the body', async (_what, options) => {
    const before = harness.faults.intakePublishes;
    const answer = await apiCall(harness.url, 'POST', '/api/v1/messages', { json: MESSAGE, ...options });
    refused(answer, 401, 'UNAUTHENTICATED', before);
    expect(JSON.stringify(answer.body)).not.toContain(KEYS.ANZ);
  });

  it('applies a rotated key to the next request (old key 401, new key 202), no restart', async () => {
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
    topology.replace(apiTopology(KEYS.ANZ_ROTATED));
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(401);
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ_ROTATED, json: MESSAGE })).status).toBe(202);
  });

  it('answers 404 NOT_FOUND to an unknown path and 405 with Allow to a wrong method, key or not', async () => {
    refused(await apiCall(harness.url, 'GET', '/api/v1/nothing', { key: KEYS.ANZ }), 404, 'NOT_FOUND', 0);
    refused(await apiCall(harness.url, 'GET', '/api/v1/messages/', { key: KEYS.ANZ }), 404, 'NOT_FOUND', 0);
    const wrong = await apiCall(harness.url, 'GET', '/api/v1/messages?x=1', { key: KEYS.ANZ });
    refused(wrong, 405, 'METHOD_NOT_ALLOWED', 0);
    expect(wrong.headers.allow).toBe('POST');
    expect((await apiCall(harness.url, 'DELETE', '/api/v1/users/ANZ-2/presence')).headers.allow).toBe('GET');
  });

  it('limits each key to its rate: 429 RATE_LIMITED with Retry-After, other keys unaffected, and tokens come back with time', async () => {
    for (let i = 0; i < 3; i++)
      expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
    const before = harness.faults.intakePublishes;
    const limited = await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE });
    refused(limited, 429, 'RATE_LIMITED', before);
    expect(limited.headers['retry-after']).toBe('1');
    const other = { to: 'ANZ-2', content: 'x', from: 'NOMASTER-1' };
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.NOMASTER, json: other })).status).toBe(202);
    clock += 1_000;
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
  });

  it('charges a message one token per LINKER_GROUP_RECIPIENTS_PER_TOKEN recipients: 200 take 2, so a second such request is over the burst of 3', async () => {
    const to = Array.from({ length: 200 }, (_, i) => `ANZ-${i}`);
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: { to, content: 'x' } })).status).toBe(202);
    const before = harness.faults.intakePublishes;
    refused(
      await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: { to, content: 'x' } }),
      429,
      'RATE_LIMITED',
      before,
    );
  });

  it.each([
    ['a body that is not JSON', { raw: '{"to": "ANZ-2",' }, 400, 'MALFORMED_JSON'],
    ['a body that is not UTF-8', { raw: Buffer.from([0x7b, 0xff, 0x7d]) }, 400, 'MALFORMED_JSON'],
    ['a JSON array', { raw: '[1]' }, 400, 'MALFORMED_JSON'],
    ['no body', {}, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body of another type', { raw: 'to=ANZ-2', contentType: 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a Content-Length over the limit', { raw: JSON.stringify({ ...MESSAGE, content: 'y'.repeat(3_000) }) }, 413, 'TOO_LARGE'],
    [
      'a chunked body that grows over the limit',
      { chunks: ['{"to":"ANZ-2","content":"', 'z'.repeat(1_500), 'z'.repeat(1_500), '"}'] },
      413,
      'TOO_LARGE',
    ],
  ])('refuses %s and publishes nothing', async (_what, options, status, code) => {
    const answer = await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, ...options });
    refused(answer, status, code, 0);
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
  });

  it('answers 413 at once to a large body still being sent, which the client reads, and drops the connection past 1 MiB more', async () => {
    for (const size of [600_000, 3_000_000]) {
      const answer = await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, raw: 'x'.repeat(size) });
      refused(answer, 413, 'TOO_LARGE', 0);
    }
  });

  it('takes a chunked body within the limit', async () => {
    const answer = await apiCall(harness.url, 'POST', '/api/v1/messages', {
      key: KEYS.ANZ,
      chunks: ['{"to":"ANZ-2",', '"content":"in parts"}'],
    });
    expect(answer.status).toBe(202);
    expect((await harness.processor.next('MESSAGE', (e) => e.id === answer.body.ids[0])).data).toEqual({ content: 'in parts' });
  });

  it('counts a request cut before its body was complete as MALFORMED_JSON, publishes nothing, and keeps serving', async () => {
    const port = Number(new URL(harness.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const head = `POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.ANZ}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    socket.end(`${head}{"to":"ANZ-2",`);
    socket.destroy();
    await waitFor(
      'the cut request to be counted',
      async () => (await apiCall(harness.url, 'GET', '/health')).body.api.refused.MALFORMED_JSON === 1,
    );
    expect(harness.faults.intakePublishes).toBe(0);
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
  });

  it('answers 408 and closes the connection when a body does not arrive whole within LINKER_HANDSHAKE_TIMEOUT_MS', async () => {
    await harness.close();
    harness = await startHarness({ topology, settings: { handshakeTimeoutMs: 300 } });
    const socket = connect(Number(new URL(harness.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const head = `POST /api/v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.ANZ}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    socket.write(`${head}{"to":"ANZ-2",`);
    await waitFor('the connection to be closed', () => socket.closed, { timeoutMs: 5_000 });
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(harness.faults.intakePublishes).toBe(0);
    expect((await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE })).status).toBe(202);
  });

  it('serves the OpenAPI document without a key', async () => {
    const answer = await apiCall(harness.url, 'GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
  });

  it('counts refusals by code in GET /health, without any key', async () => {
    await apiCall(harness.url, 'POST', '/api/v1/messages', { key: 'wrong-key-wrong-key-wrong-key-wrong', json: MESSAGE });
    await apiCall(harness.url, 'POST', '/api/v1/messages', { key: KEYS.ANZ, json: MESSAGE });
    const health = await apiCall(harness.url, 'GET', '/health');
    expect(health.body.api).toEqual({ answered: 1, refused: { UNAUTHENTICATED: 1 } });
  });
});

describe('server API settings', () => {
  it('refuses to start when LINKER_API_RATE_BURST cannot hold a message to LINKER_MAX_GROUP_RECIPIENTS recipients', () => {
    const settings = connectorSettings({ apiRateBurst: 5 }); // 1,000 recipients, 100 per token: 10 tokens
    const ports = { lanes: {} as Lanes, presence: {} as Presence, logger: silentLogger };
    expect(() => openConnector(settings, ports)).toThrow(/LINKER_API_RATE_BURST \(5\)/);
    expect(() => openConnector(connectorSettings({ apiRateBurst: 10 }), ports)).not.toThrow();
  });
});
