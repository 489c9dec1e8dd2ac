import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startApp, waitFor, type AppProcess } from '@linker/testing';
import { FIVE_PATHS, FIVE_PROBLEMS } from './testing/five-problems';

// The built meta-server (`npm run build`) as a real process, serving the original README's YAML and a topology with
// secrets, and refusing invalid files.
// The e2e project's testTimeout in jest.config.js is not applied by Jest 30 (it takes it from the root config only).
jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', '..', '..', 'libs', 'topology', 'src', 'fixtures');
const SEED = join(FIXTURES, 'seed-readme.yaml');
const SECRET = 'hs256-secret-that-must-never-leave-the-meta-server';
const PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3ZcfJIkkRzYM3F3oUda8SSSAzx3W
/QiTsHfaSA7itB8ovUIQKzkZnvHIhMARYcB1RnydizZScrAn8+4JOV32Dw==
-----END PUBLIC KEY-----
`;

const seedDomains = [1, 2, 3, 4].map((n) => ({ name: `domain-0${n}`, urls: [`tcp://192.168.56.${n}:9089`, `ws://192.168.56.${n}:8088`] }));
const seedLinks = [
  { n1: 'domain-01', n2: 'domain-02' },
  { n1: 'domain-02', n2: 'domain-03' },
  { n1: 'domain-03', n2: 'domain-04' },
  { n1: 'domain-01', n2: 'domain-04' },
];
const domainApp = (n: number) => ({
  appName: `domain${n}`,
  appId: `domain${n}`,
  masterUserId: `domain${n}-1`,
  authUrl: null,
  authEnabled: false,
  userDistributions: null,
});
const seedApps = [
  ...[1, 2, 3, 4].map(domainApp),
  {
    appName: 'ANZ',
    appId: 'app-id-343',
    masterUserId: 'ANZ-123223',
    authUrl: 'http://localhost:4200/auth',
    authEnabled: false,
    userDistributions: [
      { domainName: 'domain-01', from: 0, to: 999999 },
      { domainName: 'domain-02', from: 1000000, to: 2999999 },
      { domainName: 'domain-03', from: 3000000, to: 5999999 },
      { domainName: 'domain-04', from: 6000000, to: null },
    ],
  },
];

async function start(topologyFile: string): Promise<{ app: AppProcess; url: string }> {
  const app = startApp('meta-server', { LINKER_META_PORT: '0', LINKER_TOPOLOGY_FILE: topologyFile });
  await app.waitForOutput(/"msg":"meta-server ready"/);
  const url = /"url":"([^"]+)"/.exec(app.output())?.[1];
  if (!url) throw new Error(`no url in the meta-server's output: ${app.output()}`);
  return { app, url };
}

/** What the read API answers, as far as these tests look into it. */
interface Served {
  domains: unknown;
  clientApps: Array<{ userDistributions: unknown[] }>;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const json = async (url: string): Promise<unknown> => (await get(url, { accept: 'application/json' })).json();

describe('meta-server read API (topology of the original README)', () => {
  let meta: { app: AppProcess; url: string };
  beforeAll(async () => (meta = await start(SEED)));
  afterAll(async () => expect(await meta.app.stop('SIGTERM')).toBe(0));

  it("serves the original's /clientApps, /domains, /domains/links and /domains/graph", async () => {
    expect(await json(`${meta.url}/clientApps`)).toEqual(seedApps);
    expect(await json(`${meta.url}/domains`)).toEqual(seedDomains);
    expect(await json(`${meta.url}/domains/links`)).toEqual(seedLinks);
    expect(await json(`${meta.url}/domains/graph`)).toEqual({ domains: seedDomains, links: seedLinks });
    expect(await json(`${meta.url}/health`)).toEqual({ status: 'ok' });
  });

  it('serves /topology as YAML by default and when Accept asks for YAML, as JSON when it asks for JSON', async () => {
    const byDefault = await get(`${meta.url}/topology`);
    expect(byDefault.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    const yaml = parse(await byDefault.text());
    const asked = await get(`${meta.url}/topology`, { accept: 'text/yaml' });
    expect(asked.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(parse(await asked.text())).toEqual(yaml);
    const asJson = await get(`${meta.url}/topology`, { accept: 'application/json' });
    expect(asJson.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await asJson.json()) as Served;
    expect(body).toEqual(yaml);
    expect(body.domains).toEqual(seedDomains);
    expect(body.clientApps[4].userDistributions[3]).toEqual({ domainName: 'domain-04', from: 6000000 });
    expect(body).not.toHaveProperty('spring');
  });

  it('gives /topology an ETag (the version) and answers 304 to a matching If-None-Match', async () => {
    const first = await get(`${meta.url}/topology`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(first.headers.get('vary')).toBe('Accept');
    expect((await get(`${meta.url}/topology`, { accept: 'application/json' })).headers.get('etag')).toBe(etag);
    const unchanged = await get(`${meta.url}/topology`, { 'if-none-match': etag! });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');
    const stale = await get(`${meta.url}/topology`, { 'if-none-match': '"0000000000000000"' });
    expect(stale.status).toBe(200);
  });

  it('logged a warning for each ignored Spring key and each app without authentication', () => {
    const warnings = meta.app
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":40'));
    expect(warnings.filter((line) => line.includes('topology warning')).map((line) => JSON.parse(line).path)).toEqual(['spring', 'server']);
    const open = warnings.filter((line) => line.includes('without authentication')).map((line) => JSON.parse(line).appName);
    expect(open).toEqual(['domain1', 'domain2', 'domain3', 'domain4', 'ANZ']);
  });
});

describe('meta-server read API (secrets)', () => {
  let directory: string;
  let meta: { app: AppProcess; url: string };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'meta-server-e2e-'));
    const seed = parse(readFileSync(SEED, 'utf8'));
    seed.clientApps.push(
      { appName: 'HS', appId: 'hs', jwtSecret: SECRET },
      { appName: 'ES', appId: 'es', jwtPublicKey: PUBLIC_KEY },
      { appName: 'HOOK', appId: 'hook', authUrl: 'https://svc:hunter2@auth.example.org/check?token=t0ken' },
    );
    writeFileSync(join(directory, 'secrets.yaml'), stringify(seed));
    meta = await start(join(directory, 'secrets.yaml'));
  });

  afterAll(async () => {
    expect(await meta.app.stop('SIGTERM')).toBe(0);
    rmSync(directory, { recursive: true, force: true });
  });

  it('masks jwtSecret and authUrl credentials everywhere, and keeps the public key', async () => {
    const apps = (await json(`${meta.url}/clientApps`)) as unknown[];
    expect(apps.slice(5)).toEqual([
      { appName: 'HS', appId: 'hs', masterUserId: null, authUrl: null, authEnabled: true, userDistributions: null, jwtSecret: '***' },
      {
        appName: 'ES',
        appId: 'es',
        masterUserId: null,
        authUrl: null,
        authEnabled: true,
        userDistributions: null,
        jwtPublicKey: PUBLIC_KEY,
      },
      {
        appName: 'HOOK',
        appId: 'hook',
        masterUserId: null,
        authUrl: 'https://***@auth.example.org/check?token=***',
        authEnabled: true,
        userDistributions: null,
      },
    ]);
    const answers = await Promise.all([
      get(`${meta.url}/topology`).then((r) => r.text()),
      get(`${meta.url}/topology`, { accept: 'application/json' }).then((r) => r.text()),
      get(`${meta.url}/clientApps`).then((r) => r.text()),
    ]);
    for (const answer of [...answers, meta.app.output()]) expect(answer).not.toMatch(/hs256-secret|hunter2|t0ken/);
    expect(parse(answers[0]).clientApps[5].jwtSecret).toBe('***');
  });
});

describe('meta-server with an invalid topology file', () => {
  it('exits 1, listing every problem with its path and line', async () => {
    const app = startApp('meta-server', { LINKER_META_PORT: '0', LINKER_TOPOLOGY_FILE: join(FIXTURES, 'seed-repo-domain-06.yaml') });
    expect(await app.exited).toBe(1);
    // 'exit' may come before the last output is read: wait for it.
    const listed = await waitFor('the problem list', () => /\(1 error\)/.test(app.output()) && app.output());
    expect(listed).toContain('meta-server failed to start');
    expect(listed).toContain('error clientApps[7].userDistributions[3].domainName (line 79): names an unknown domain "domain-06"');
    expect(listed).not.toContain('meta-server ready');
  });

  it('lists all the problems of a file with several', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meta-server-e2e-'));
    try {
      const file = join(directory, 'five.yaml');
      writeFileSync(file, FIVE_PROBLEMS);
      const app = startApp('meta-server', { LINKER_META_PORT: '0', LINKER_TOPOLOGY_FILE: file });
      expect(await app.exited).toBe(1);
      const listed = await waitFor('the problem list', () => /\(5 errors\)/.test(app.output()) && app.output());
      for (const path of FIVE_PATHS) {
        expect(listed).toContain(`error ${path} (line `);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
