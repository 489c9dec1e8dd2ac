import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import { RecordingLogger } from '@linker/testing';
import type { ProcessorLinks } from '../../src/ui/link-observations';
import { healthReports, startUiServer, type UiServer } from '../../src/ui/ui-server';

/** What the fake meta-server was asked. */
interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the meta-server: records each request; `/topology/watch` streams until the test closes it. */
async function fakeMetaServer(): Promise<{ listener: HttpListener; server: Server; seen: Seen[]; streams: ServerResponse[] }> {
  const seen: Seen[] = [];
  const streams: ServerResponse[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      if (request.url === '/topology/watch') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('event: version\ndata: {"version":"v1"}\n\n');
        streams.push(response);
        return;
      }
      if (request.method === 'PUT') {
        response.writeHead(412, { 'content-type': 'application/json', etag: '"v2"' }).end(JSON.stringify({ currentVersion: 'v2' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/yaml', etag: '"v1"' }).end('domains: []\n');
    });
  });
  return { listener: await listenHttp(server, '127.0.0.1', 0), server, seen, streams };
}

const REPORTS: ProcessorLinks[] = [
  { domain: 'domain-02', processor: 'processor-01', links: [{ peer: 'domain-01', up: false, since: 5 }] },
  {
    domain: 'domain-01',
    processor: 'processor-01',
    links: [
      { peer: 'domain-04', up: true, rttMs: 2, waiting: 0 },
      { peer: 'domain-02', up: true },
    ],
  },
];

describe('the web UI server', () => {
  let dir: string;
  let meta: Awaited<ReturnType<typeof fakeMetaServer>>;
  let ui: UiServer;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linker-ui-'));
    mkdirSync(join(dir, 'site', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>linker</h1>');
    writeFileSync(join(dir, 'site', 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the root');
    meta = await fakeMetaServer();
    ui = await startUiServer({
      host: '127.0.0.1',
      port: 0,
      root: join(dir, 'site'),
      metaServerUrl: meta.listener.url,
      links: async () => REPORTS,
      info: () => ({ domain: 'domain-01', clientEndpoints: [{ domain: 'domain-01', url: 'ws://127.0.0.1:8089/ws' }], metaServer: true }),
      logger,
    });
  });

  afterAll(async () => {
    await ui.close();
    await meta.listener.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('static files', () => {
    it('serves index.html at / and the assets with their content type (hashed assets cached for good)', async () => {
      const index = await fetch(`${ui.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      expect(await index.text()).toBe('<h1>linker</h1>');
      const script = await fetch(`${ui.url}/assets/app-1234.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('cache-control')).toContain('immutable');
      expect(await script.text()).toBe('console.log(1)');
    });

    it("answers the app's own routes with index.html, but a missing asset with 404", async () => {
      for (const path of ['/chat', '/topology/graph', '/anything?x=1']) {
        const page = await fetch(`${ui.url}${path}`);
        expect([path, page.status, await page.text()]).toEqual([path, 200, '<h1>linker</h1>']);
      }
      expect((await fetch(`${ui.url}/assets/missing-99.js`)).status).toBe(404);
    });

    it('serves nothing outside its root, and only GET and HEAD', async () => {
      for (const path of ['/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt', '/%E0%A4%A', '/a%00.js']) {
        const response = await fetch(`${ui.url}${path}`);
        expect([path, response.status]).toEqual([path, 404]);
        expect(await response.text()).not.toContain('outside the root');
      }
      const post = await fetch(`${ui.url}/`, { method: 'POST', body: 'x' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = await fetch(`${ui.url}/`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '15', '']);
    });

    it('says the UI is not built when its root has no index.html', async () => {
      const bare = await startUiServer({
        host: '127.0.0.1',
        port: 0,
        root: join(dir, 'nowhere'),
        links: async () => [],
        info: () => ({ clientEndpoints: [], metaServer: false }),
        logger,
      });
      try {
        const page = await fetch(`${bare.url}/`);
        expect(page.status).toBe(503);
        expect(await page.text()).toMatch(/the web UI is not built .*npm run build:ui/);
      } finally {
        await bare.close();
      }
    });
  });

  describe('/meta proxy', () => {
    it('passes method, path, query, headers and body to the meta-server, and status, ETag and body back', async () => {
      const token = 'admin-token-never-logged-42';
      const response = await fetch(`${ui.url}/meta/topology?dry=1`, {
        method: 'PUT',
        body: 'domains: []\n',
        headers: { 'if-match': '"v1"', authorization: `Bearer ${token}`, 'content-type': 'application/yaml', 'x-linker-author': 'alice' },
      });
      expect(response.status).toBe(412);
      expect(response.headers.get('etag')).toBe('"v2"');
      expect(await response.json()).toEqual({ currentVersion: 'v2' });
      const asked = meta.seen[meta.seen.length - 1];
      expect(asked).toMatchObject({ method: 'PUT', url: '/topology?dry=1', body: 'domains: []\n' });
      expect(asked.headers).toMatchObject({
        'if-match': '"v1"',
        authorization: `Bearer ${token}`,
        'content-type': 'application/yaml',
        'x-linker-author': 'alice',
      });
      expect(JSON.stringify(logger.lines)).not.toContain(token);
      expect(logger.find('proxied to the meta-server', { method: 'PUT', path: '/topology', status: 412 })).toHaveLength(1);
    });

    it('streams Server-Sent Events as they come', async () => {
      const controller = new AbortController();
      const response = await fetch(`${ui.url}/meta/topology/watch`, { signal: controller.signal });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toBe('event: version\ndata: {"version":"v1"}\n\n');
      meta.streams[meta.streams.length - 1].write('event: version\ndata: {"version":"v2"}\n\n');
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('event: version\ndata: {"version":"v2"}\n\n');
      controller.abort();
    });

    it('answers 502 in words when the meta-server does not answer, 503 when there is none', async () => {
      const down = await listenHttp(createServer(), '127.0.0.1', 0);
      await down.close();
      const orphan = await startUiServer({
        host: '127.0.0.1',
        port: 0,
        root: dir,
        metaServerUrl: down.url,
        links: async () => [],
        info: () => ({ clientEndpoints: [], metaServer: true }),
        logger,
      });
      const alone = await startUiServer({
        host: '127.0.0.1',
        port: 0,
        root: dir,
        links: async () => [],
        info: () => ({ clientEndpoints: [], metaServer: false }),
        logger,
      });
      try {
        const refused = await fetch(`${orphan.url}/meta/topology`);
        expect(refused.status).toBe(502);
        expect(((await refused.json()) as { message: string }).message).toBe(`the meta-server (${down.url}) did not answer: ECONNREFUSED`);
        const none = await fetch(`${alone.url}/meta/topology`);
        expect(none.status).toBe(503);
        expect(((await none.json()) as { message: string }).message).toMatch(/^no meta-server/);
      } finally {
        await orphan.close();
        await alone.close();
      }
    });

    it('closes with an event stream still open', async () => {
      const other = await startUiServer({
        host: '127.0.0.1',
        port: 0,
        root: dir,
        metaServerUrl: meta.listener.url,
        links: async () => [],
        info: () => ({ clientEndpoints: [], metaServer: true }),
        logger,
      });
      const reader = (await fetch(`${other.url}/meta/topology/watch`)).body!.getReader();
      await reader.read();
      await other.close();
      // The browser's side of the stream ends (cut off), rather than keeping the server from closing.
      expect(
        await reader.read().then(
          (chunk) => chunk.done,
          () => true,
        ),
      ).toBe(true);
    });
  });

  describe('/api', () => {
    it('/api/links lists what every processor reports, one row per processor and peer, sorted', async () => {
      const response = await fetch(`${ui.url}/api/links`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([
        { from: 'domain-01', to: 'domain-02', up: true, processor: 'processor-01' },
        { from: 'domain-01', to: 'domain-04', up: true, processor: 'processor-01', rttMs: 2, waiting: 0 },
        { from: 'domain-02', to: 'domain-01', up: false, processor: 'processor-01', since: 5 },
      ]);
    });

    it('/api/info says what the page starts from; other paths and methods are refused', async () => {
      expect(await (await fetch(`${ui.url}/api/info`)).json()).toEqual({
        domain: 'domain-01',
        clientEndpoints: [{ domain: 'domain-01', url: 'ws://127.0.0.1:8089/ws' }],
        metaServer: true,
      });
      expect((await fetch(`${ui.url}/api/nothing`)).status).toBe(404);
      expect((await fetch(`${ui.url}/api/links`, { method: 'DELETE' })).status).toBe(405);
    });
  });
});

describe('healthReports (real mode: the processors’ GET /health)', () => {
  it('reads the links of every processor that answers, and leaves out the ones that do not', async () => {
    const health = await listenHttp(
      createServer((request, response) => {
        const answers: Record<string, [number, unknown]> = {
          '/a/health': [
            200,
            { running: true, domain: 'domain-01', name: 'processor-01', links: [{ peer: 'domain-02', up: true, since: 1 }] },
          ],
          '/b/health': [
            503,
            { running: false, domain: 'domain-02', name: 'processor-01', links: [{ peer: 'domain-01', up: false, since: 2 }] },
          ],
          '/c/health': [200, { running: true, domain: 'domain-03', name: 'processor-01' }],
          '/d/health': [200, 'not json {'],
        };
        const [status, body] = answers[request.url ?? ''] ?? [404, {}];
        response.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      }),
      '127.0.0.1',
      0,
    );
    const logger = new RecordingLogger();
    try {
      const reports = await healthReports(
        ['a', 'b', 'c', 'd', 'e'].map((p) => `${health.url}/${p}/health`),
        logger,
      )();
      expect(reports).toEqual([
        { domain: 'domain-01', processor: 'processor-01', links: [{ peer: 'domain-02', up: true, since: 1 }] },
        { domain: 'domain-02', processor: 'processor-01', links: [{ peer: 'domain-01', up: false, since: 2 }] },
        { domain: 'domain-03', processor: 'processor-01', links: [] },
      ]);
      expect(logger.count('debug', 'did not answer the web UI')).toBe(2);
    } finally {
      await health.close();
    }
  });
});
