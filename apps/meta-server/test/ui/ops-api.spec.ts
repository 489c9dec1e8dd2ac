import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { DeadLetterSummary, OpsDeadLetters, OpsOverview } from '@linker/contracts';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import { RecordingLogger } from '@linker/testing';
import { httpProcessor, latencyOf, OpsFailure } from '../../src/ui/ops-sources';
import { startUiServer, type UiServer } from '../../src/ui/ui-server';

// The operations view's routes on the UI server: the connectors' and processors' state, the dead letters and their
// re-injection (with the UI server's admin token, never the browser's), and the user lookup passed to a connector.

const ADMIN = 'ui-held-admin-token';
const METRICS = [
  'linker_delivery_latency_seconds_bucket{le="0.005",lane="RELIABLE",domain="domain-01",processor="p-1"} 8',
  'linker_delivery_latency_seconds_bucket{le="0.01",lane="RELIABLE",domain="domain-01",processor="p-1"} 10',
  'linker_delivery_latency_seconds_bucket{le="+Inf",lane="RELIABLE",domain="domain-01",processor="p-1"} 10',
  'linker_delivery_latency_seconds_sum{lane="RELIABLE",domain="domain-01",processor="p-1"} 0.04',
  'linker_delivery_latency_seconds_count{lane="RELIABLE",domain="domain-01",processor="p-1"} 10',
].join('\n');
const letter = (id: string): DeadLetterSummary => ({
  id,
  type: 'MESSAGE',
  lane: 'RELIABLE',
  from: 'ANZ-1',
  to: 'ANZ-2',
  reason: 'unreachable',
  at: 1,
  createdAt: 1,
});

/** A processor's ops endpoint: records the requests' Authorization; `/dead-letters` needs `ADMIN`. */
async function fakeProcessor(name: string, domain: string, parked: DeadLetterSummary[]) {
  const seen: Array<IncomingHttpHeaders & { path?: string }> = [];
  const server = createServer((request, response) => {
    seen.push({ ...request.headers, path: request.url });
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/health')
      return send(200, {
        running: true,
        domain,
        name,
        stats: { processedReliable: 5, processedFast: 2, deadLettered: parked.length },
      });
    if (request.url === '/metrics') return response.end(METRICS);
    if (request.headers.authorization !== `Bearer ${ADMIN}`) return send(401, { message: 'no' });
    if (request.url?.startsWith('/dead-letters?')) return send(200, parked);
    const id = /^\/dead-letters\/(.+)\/reinject$/.exec(request.url ?? '')?.[1];
    const found = parked.findIndex((l) => l.id === id);
    if (found < 0) return send(404, { reinjected: false });
    parked.splice(found, 1);
    send(200, { reinjected: true });
  });
  return { listener: await listenHttp(server, '127.0.0.1', 0), seen };
}

/** A connector's client port: `/health` and the server API's user presence, which needs `Bearer key-1`. */
async function fakeConnector(): Promise<HttpListener> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/health')
      return send(200, { status: 'running', connector: 'c-1', sockets: 3, authenticated: 2, presenceLease: true, pendingPublishes: 0 });
    if (request.headers.authorization !== 'Bearer key-1') return send(401, { code: 'UNAUTHORIZED' });
    if (request.url === '/api/v1/users/ANZ-2/presence')
      return send(200, { userId: 'ANZ-2', domain: 'domain-01', online: true, sockets: 2, connectors: ['c-1'] });
    send(202, { closed: request.url });
  });
  return listenHttp(server, '127.0.0.1', 0);
}

describe('the web UI server: operations routes', () => {
  let ui: UiServer;
  let p1: Awaited<ReturnType<typeof fakeProcessor>>;
  let p2: Awaited<ReturnType<typeof fakeProcessor>>;
  let p3: Awaited<ReturnType<typeof fakeProcessor>>;
  let connector: HttpListener;
  const logger = new RecordingLogger();
  const shared = [letter('dl-1'), letter('dl-2')];

  beforeAll(async () => {
    p1 = await fakeProcessor('p-1', 'domain-01', shared);
    p2 = await fakeProcessor('p-2', 'domain-01', shared);
    p3 = await fakeProcessor('p-1', 'domain-02', [letter('dl-9')]);
    connector = await fakeConnector();
    const processors = [p1, p2, p3].map((p) => httpProcessor(p.listener.url, ADMIN));
    processors.push(httpProcessor('http://127.0.0.1:1', ADMIN));
    ui = await startUiServer({
      host: '127.0.0.1',
      port: 0,
      root: __dirname,
      links: async () => [],
      ops: { processors: () => processors, connectorUrls: () => [connector.url, 'http://127.0.0.1:1'] },
      info: () => ({ domain: 'domain-01', clientEndpoints: [], metaServer: false }),
      logger,
    });
  });
  afterAll(async () => {
    await ui.close();
    await Promise.all([p1.listener.close(), p2.listener.close(), p3.listener.close(), connector.close()]);
  });

  it('GET /api/ops/overview: every connector and processor, an unreachable one in words', async () => {
    const overview = (await (await fetch(`${ui.url}/api/ops/overview`)).json()) as OpsOverview;
    expect(overview.connectors[0]).toEqual({
      url: connector.url,
      name: 'c-1',
      status: 'running',
      sockets: 3,
      authenticated: 2,
      presenceLease: true,
      pendingPublishes: 0,
    });
    expect(overview.connectors[1].error).toMatch(/no answer from its GET \/health/);
    expect(overview.processors[0]).toMatchObject({ name: 'p-1', running: true, processed: { RELIABLE: 5, FAST: 2 }, deadLettered: 2 });
    expect(overview.processors[0].latency?.RELIABLE).toEqual({
      buckets: [
        { le: 0.005, count: 8 },
        { le: 0.01, count: 10 },
      ],
      count: 10,
      sum: 0.04,
    });
    expect(overview.processors[2]).toMatchObject({ name: 'p-1', domain: 'domain-02' });
    expect(overview.processors[3].error).toMatch(/did not answer/);
  });

  it('GET /api/ops/dead-letters: each domain’s store read once, with the UI server’s token; a silent processor in words', async () => {
    const answer = await fetch(`${ui.url}/api/ops/dead-letters?limit=10`);
    const body = (await answer.json()) as OpsDeadLetters;
    expect(body.letters.map((l) => [l.id, l.domain, l.processor])).toEqual([
      ['dl-1', 'domain-01', 'p-1'],
      ['dl-2', 'domain-01', 'p-1'],
      ['dl-9', 'domain-02', 'p-1'],
    ]);
    expect(body.problems).toHaveLength(1);
    expect(p2.seen.filter((h) => h.path?.startsWith('/dead-letters'))).toEqual([]);
    expect(p1.seen.some((h) => h.authorization === `Bearer ${ADMIN}`)).toBe(true);
    expect(JSON.stringify(body)).not.toContain(ADMIN);
  });

  it('POST …/reinject: through a processor of the domain; an unknown id or domain is a 404 in words', async () => {
    const post = (path: string) => fetch(`${ui.url}/api/ops/domains/${path}/reinject`, { method: 'POST' });
    const done = await post('domain-01/dead-letters/dl-2');
    expect([done.status, await done.json()]).toEqual([200, { id: 'dl-2', reinjected: true }]);
    expect(shared.map((l) => l.id)).toEqual(['dl-1']);
    const again = await post('domain-01/dead-letters/dl-2');
    expect(again.status).toBe(404);
    expect(((await again.json()) as { message: string }).message).toContain('no dead letter dl-2');
    const nobody = await post('domain-09/dead-letters/dl-1');
    const said = ((await nobody.json()) as { message: string }).message;
    expect([nobody.status, said]).toEqual([404, 'no processor of domain domain-09 answers here']);
  });

  it('a processor that refuses the UI server’s token is a 401 that says to set the same token on both', async () => {
    const target = httpProcessor(p1.listener.url, 'wrong');
    await expect(target.deadLetters(5)).rejects.toMatchObject({ status: 401, message: expect.stringContaining('LINKER_ADMIN_TOKEN') });
    await expect(target.reinject('dl-1')).rejects.toBeInstanceOf(OpsFailure);
  });

  it('the user lookup and disconnect go to a connector with the key the browser sent, and its answer comes back', async () => {
    const presence = await fetch(`${ui.url}/api/ops/users/ANZ-2/presence`, { headers: { authorization: 'Bearer key-1' } });
    expect([presence.status, await presence.json()]).toEqual([
      200,
      { userId: 'ANZ-2', domain: 'domain-01', online: true, sockets: 2, connectors: ['c-1'] },
    ]);
    const refused = await fetch(`${ui.url}/api/ops/users/ANZ-2/presence`);
    expect(refused.status).toBe(401);
    const kicked = await fetch(`${ui.url}/api/ops/users/ANZ-2/disconnect`, { method: 'POST', headers: { authorization: 'Bearer key-1' } });
    expect([kicked.status, await kicked.json()]).toEqual([202, { closed: '/api/v1/users/ANZ-2/disconnect' }]);
    expect((await fetch(`${ui.url}/api/ops/users/ANZ-2/disconnect`)).status).toBe(404);
  });

  it('without operations sources, /api/ops answers 404 in words', async () => {
    const bare = await startUiServer({
      host: '127.0.0.1',
      port: 0,
      root: __dirname,
      links: async () => [],
      info: () => ({ domain: 'd', clientEndpoints: [], metaServer: false }),
      logger,
    });
    try {
      const answer = await fetch(`${bare.url}/api/ops/overview`);
      expect([answer.status, ((await answer.json()) as { message: string }).message]).toEqual([
        404,
        'the operations view is not served here',
      ]);
    } finally {
      await bare.close();
    }
  });
});

describe('latencyOf', () => {
  it('reads the histogram by lane, without the +Inf bucket; none recorded gives none', () => {
    expect(latencyOf(METRICS).FAST).toBeUndefined();
    expect(latencyOf(METRICS).RELIABLE?.buckets).toHaveLength(2);
    expect(latencyOf('# nothing\n')).toEqual({});
  });
});
