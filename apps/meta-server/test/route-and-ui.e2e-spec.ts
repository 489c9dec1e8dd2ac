import { createServer } from 'node:http';
import { join } from 'node:path';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import { startApp, type AppProcess } from '@linker/testing';

// The built meta-server (`npm run build`, which also builds ui/dist) as a real process on the four-domain ring:
// GET /topology/route, and the web UI it serves in real mode with LINKER_UI_PORT (ADR 0011).
jest.setTimeout(60_000);

const RING = join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml');

/** A stand-in for a processor's GET /health (LINKER_METRICS_PORT): domain-01 with its link to domain-02 down. */
async function processorHealth(): Promise<HttpListener> {
  const health = {
    running: true,
    domain: 'domain-01',
    name: 'processor-01',
    links: [
      { peer: 'domain-02', up: false, since: 1 },
      { peer: 'domain-04', up: true, since: 1 },
    ],
  };
  return listenHttp(
    createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(health))),
    '127.0.0.1',
    0,
  );
}

describe('meta-server: GET /topology/route, and the web UI of real mode', () => {
  let app: AppProcess;
  let health: HttpListener;
  let api: string;
  let ui: string;

  beforeAll(async () => {
    health = await processorHealth();
    app = startApp('meta-server', {
      LINKER_META_PORT: '0',
      LINKER_TOPOLOGY_FILE: RING,
      LINKER_UI_PORT: '0',
      LINKER_UI_PROCESSOR_HEALTH_URLS: `${health.url}/health`,
    });
    // Two loggers (the API's, the UI's) write these lines: either may come first.
    await app.waitForOutput(/"msg":"meta-server ready"/);
    await app.waitForOutput(/"msg":"web UI ready"/);
    const lines = app.output().split('\n');
    api = /"url":"([^"]+)"/.exec(lines.find((line) => line.includes('"msg":"meta-server ready"')) ?? '')?.[1] ?? '';
    ui = /"url":"([^"]+)"/.exec(lines.find((line) => line.includes('"msg":"web UI ready"')) ?? '')?.[1] ?? '';
    expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ui).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
    await health.close();
  });

  it('gives the path between two users over the links that are up, the way round a link down, and why there is none', async () => {
    const route = async (query: string) => (await (await fetch(`${api}/topology/route?${query}`)).json()) as { path: string[] };
    expect(await route('from=ANZ-123456&to=ANZ-3123456')).toEqual({
      from: { userId: 'ANZ-123456', home: { kind: 'domain', domain: 'domain-01' } },
      to: { userId: 'ANZ-3123456', home: { kind: 'domain', domain: 'domain-03' } },
      path: ['domain-01', 'domain-02', 'domain-03'],
    });
    expect((await route('from=ANZ-123456&to=ANZ-3123456&down=domain-02~domain-01')).path).toEqual(['domain-01', 'domain-04', 'domain-03']);
    expect(await route('from=ANZ-123456&to=ANZ-3123456&down=domain-01~domain-02,domain-01~domain-04')).toMatchObject({
      path: [],
      reason: 'no path from domain-01 to domain-03 over the links that are up (down: domain-01~domain-02, domain-01~domain-04)',
    });
  });

  it('refuses a malformed user id with 400 saying what is wrong', async () => {
    const response = await fetch(`${api}/topology/route?from=ANZ%20123&to=ANZ-1`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe(
      'from "ANZ 123" is not a user id: it must be <appName>-<number>, e.g. ANZ-123456',
    );
  });

  it('is in the OpenAPI document', async () => {
    const openApi = (await (await fetch(`${api}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths)).toContain('/topology/route');
  });

  it('serves the built UI, the meta-server through /meta, its info and the processors’ links on LINKER_UI_PORT', async () => {
    const page = await fetch(`${ui}/topology`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const topology = await fetch(`${ui}/meta/topology`);
    const direct = await fetch(`${api}/topology`);
    expect(topology.status).toBe(200);
    expect(topology.headers.get('etag')).toBe(direct.headers.get('etag'));
    expect(await topology.text()).toBe(await direct.text());
    const route = (await (await fetch(`${ui}/meta/topology/route?from=ANZ-1&to=ANZ-6000000`)).json()) as { path: string[] };
    expect(route.path).toEqual(['domain-01', 'domain-04']);
    expect(await (await fetch(`${ui}/api/info`)).json()).toEqual({
      clientEndpoints: [1, 2, 3, 4].map((n) => ({ domain: `domain-0${n}`, url: `ws://127.0.0.1:809${n}/ws` })),
      metaServer: true,
    });
    expect(await (await fetch(`${ui}/api/links`)).json()).toEqual([
      { from: 'domain-01', to: 'domain-02', up: false, processor: 'processor-01', since: 1 },
      { from: 'domain-01', to: 'domain-04', up: true, processor: 'processor-01', since: 1 },
    ]);
  });
});
