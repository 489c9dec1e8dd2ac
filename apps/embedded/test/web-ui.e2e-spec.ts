import { startEmbeddedDomain, type EmbeddedDomain } from '@linker/testing';
import type { Topology } from '@linker/topology';

// `npm start`'s web UI (ADR 0011): the built embedded entry serves ui/dist on its UI port, with the meta-server of the
// same process behind /meta and the processor's link reports behind /api/links. No other service is needed.
jest.setTimeout(60_000);

const TOPOLOGY: Topology = {
  domains: [
    { name: 'domain-01', urls: ['ws://127.0.0.1:8091', 'ws://127.0.0.1:9091'] },
    { name: 'domain-02', urls: ['ws://127.0.0.1:8092', 'ws://127.0.0.1:9092'] },
  ],
  domainLinks: [{ n1: 'domain-01', n2: 'domain-02' }],
  clientApps: [{ appName: 'ANZ', appId: 'app-id-343', authEnabled: false }],
};

describe('embedded mode serves the web UI', () => {
  let domain: EmbeddedDomain;

  beforeAll(async () => {
    // No LINKER_LINK_SECRET: its links are off, so the processor reports none and the picture shows them unknown.
    domain = await startEmbeddedDomain({ topology: TOPOLOGY, domain: 'domain-01', ui: true });
  });

  afterAll(() => domain.close());

  it('serves the app at / and at its screens’ paths', async () => {
    for (const path of ['/', '/topology']) {
      const page = await fetch(`${domain.uiUrl}${path}`);
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      const html = await page.text();
      expect(html).toContain('<div id="app">');
      // The script the page loads is there too.
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect((await fetch(`${domain.uiUrl}${script}`)).status).toBe(200);
    }
  });

  it('says which domain it serves and where its clients connect (the connector’s real port)', async () => {
    expect(await (await fetch(`${domain.uiUrl}/api/info`)).json()).toEqual({
      domain: 'domain-01',
      clientEndpoints: [
        { domain: 'domain-01', url: domain.connectorUrls[0] },
        { domain: 'domain-02', url: 'ws://127.0.0.1:8092/ws' },
      ],
      metaServer: true,
    });
    expect(await (await fetch(`${domain.uiUrl}/api/links`)).json()).toEqual([]);
  });

  it('passes /meta/topology to the meta-server of the same process, ETag included', async () => {
    const viaUi = await fetch(`${domain.uiUrl}/meta/topology`, { headers: { accept: 'application/json' } });
    const direct = await fetch(`${domain.metaServerUrl}/topology`, { headers: { accept: 'application/json' } });
    expect(viaUi.status).toBe(200);
    expect(viaUi.headers.get('etag')).toBe(direct.headers.get('etag'));
    expect(await viaUi.json()).toEqual(await direct.json());
    const refused = await fetch(`${domain.uiUrl}/meta/topology`, { method: 'PUT', body: 'domains: []\n', headers: { 'if-match': '"x"' } });
    expect(refused.status).toBe(403); // no LINKER_ADMIN_TOKEN: writes are refused, and the UI shows it in words
  });
});
