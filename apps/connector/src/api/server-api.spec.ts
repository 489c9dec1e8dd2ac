import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import { TopologyView } from '@linker/topology';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { LaneBacklog } from '../ingress/lane-backlog';
import { ServerApi } from './server-api';

const KEY = 'the-key-of-app-a-0123456789abcdef';
const LIMITS = {
  maxBodyBytes: 1_024,
  maxFrameBytes: 1_024,
  maxGroupRecipients: 10,
  groupRecipientsPerToken: 10,
  rateLimit: 10,
  rateBurst: 10,
};

/** A ServerApi on a plain HTTP server; `serving` says whether the connector runs. Lanes and presence are never reached here. */
async function serve(serving: () => boolean): Promise<{ server: Server; port: number }> {
  const api = new ServerApi({
    domain: 'd',
    topology: () => new TopologyView({ domains: [], domainLinks: [], clientApps: [{ appName: 'A', appId: 'a', apiKey: KEY }] }),
    intake: {} as IntakePublisher,
    backlog: new LaneBacklog(10, silentLogger),
    presence: {} as Presence,
    clock: { now: () => 0 },
    logger: silentLogger,
    limits: LIMITS,
    serving,
  });
  const server = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, path: string): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, host: '127.0.0.1', headers: { authorization: `Bearer ${KEY}` }, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

describe('ServerApi while the connector does not serve', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('answers every endpoint 503 UNAVAILABLE with Retry-After while draining, and serves once running', async () => {
    let running = false;
    const started = await serve(() => running);
    server = started.server;
    for (const path of ['/api/v1/openapi.json', '/api/v1/users/A-1/presence']) {
      const answer = await get(started.port, path);
      expect(answer).toEqual({ status: 503, retryAfter: '1', body: expect.stringContaining('"code":"UNAVAILABLE"') });
    }
    running = true;
    expect((await get(started.port, '/api/v1/openapi.json')).status).toBe(200);
  });
});
