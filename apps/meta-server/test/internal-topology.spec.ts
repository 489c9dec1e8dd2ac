import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger, waitFor } from '@linker/testing';
import { MetaServerTopologySource, parseTopology, type Topology } from '@linker/topology';
import { openMetaServer, type MetaServerHandle, type MetaServerOptions } from '../src/bootstrap';

// GET /internal/topology (the processors' token-gated read, secrets included) and MetaServerTopologySource with a
// token, against a real meta-server started in this process on a free port.

const RING = parseTopology(readFileSync(join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml'), 'utf8')).topology!;
const SECRET = 'hs256-secret-that-must-never-leave-the-meta-server';
const TOKEN = 'internal-token-of-this-test-0123456789';
const TOPOLOGY: Topology = {
  ...RING,
  clientApps: [
    ...RING.clientApps,
    { appName: 'HS', appId: 'hs', jwtSecret: SECRET, authUrl: 'https://user:hunter2@auth.example/check?token=t0ken' },
  ],
};

const config = (internalToken?: string, port = 0): MetaServerOptions => ({
  port,
  host: '127.0.0.1',
  logLevel: 'silent',
  topologyFile: 'unused.yaml',
  internalToken,
});

describe('GET /internal/topology', () => {
  let metaServer: MetaServerHandle | undefined;
  afterEach(async () => {
    await metaServer?.close();
    metaServer = undefined;
  });
  const get = (headers: Record<string, string> = {}) => fetch(`${metaServer!.url}/internal/topology`, { headers });

  it('does not exist (404) when no token is configured, whatever is presented', async () => {
    metaServer = await openMetaServer(config(), { topology: TOPOLOGY });
    const presented: Array<Record<string, string>> = [{}, { authorization: 'Bearer ' }, { authorization: `Bearer ${TOKEN}` }];
    for (const headers of presented) {
      const response = await get(headers);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(SECRET);
    }
  });

  it('answers 401 without the token or with a wrong one', async () => {
    metaServer = await openMetaServer(config(TOKEN), { topology: TOPOLOGY });
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: TOKEN },
    ];
    for (const headers of wrong) {
      const response = await get(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = await response.text();
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(TOKEN);
    }
  });

  it('serves the unmasked topology as JSON to the token, with the internal version as ETag, and 304 to If-None-Match', async () => {
    metaServer = await openMetaServer(config(TOKEN), { topology: TOPOLOGY });
    const response = await get({ authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const etag = response.headers.get('etag')!;
    const { version, internalVersion } = metaServer.topology.current();
    expect(etag).toBe(`"${internalVersion}"`);
    expect(internalVersion.startsWith(`${version}.`)).toBe(true);
    expect(await response.json()).toEqual(TOPOLOGY);

    const unchanged = await get({ authorization: `Bearer ${TOKEN}`, 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect((await get({ 'if-none-match': etag })).status).toBe(401);

    // The public read stays masked.
    const publicAnswer = await fetch(`${metaServer.url}/topology`, {
      headers: { accept: 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    expect(publicAnswer.headers.get('etag')).toBe(`"${version}"`);
    const text = await publicAnswer.text();
    expect(text).not.toMatch(/hs256-secret|hunter2|t0ken/);
  });
});

describe('MetaServerTopologySource with a token', () => {
  let metaServer: MetaServerHandle | undefined;
  let source: MetaServerTopologySource | undefined;
  let directory: string;
  let logger: RecordingLogger;

  beforeEach(async () => {
    metaServer = await openMetaServer(config(TOKEN), { topology: TOPOLOGY });
    directory = mkdtempSync(join(tmpdir(), 'internal-topology-'));
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await source?.close();
    await metaServer?.close();
    source = metaServer = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  const connect = (token: string | undefined, url = metaServer!.url, refreshMs = 20) =>
    MetaServerTopologySource.connect({ url, token, cacheFile: join(directory, 'cache.json'), refreshMs, logger });

  it('follows the watch stream: a new version, and a rotated secret alone, apply well within a second, with no poll', async () => {
    // A poll period of a minute: only the watch stream can bring these versions in time.
    source = await connect(TOKEN, metaServer!.url, 60_000);
    const heard: string[] = [];
    source.onChange((view) => heard.push(view.app('HS')?.jwtSecret ?? 'none'));
    await waitFor('the watch stream to be followed', () => logger.count('debug', 'following the topology watch stream') === 1);
    const rotated = {
      ...TOPOLOGY,
      clientApps: TOPOLOGY.clientApps.map((app) => (app.appName === 'HS' ? { ...app, jwtSecret: 'rotated-secret-0123456789' } : app)),
    };
    const started = Date.now();
    metaServer!.topology.replace(rotated);
    await waitFor('the rotated secret', () => source!.current().app('HS')?.jwtSecret === 'rotated-secret-0123456789', { timeoutMs: 1_000 });
    const withoutLink = { ...rotated, domainLinks: rotated.domainLinks.slice(1) };
    const next = metaServer!.topology.replace(withoutLink).version;
    await waitFor('the new version', () => source!.version() === next, { timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(source.current().topology.domainLinks).toEqual(withoutLink.domainLinks);
    expect(heard).toEqual(['rotated-secret-0123456789', 'rotated-secret-0123456789']);
    expect(JSON.stringify(logger.lines)).not.toContain('rotated-secret');
  });

  it('keeps jwtSecret and authUrl credentials in memory, never in the cache file or the logs', async () => {
    source = await connect(TOKEN);
    expect(source.version()).toBe(metaServer!.topology.current().version);
    expect(source.current().app('HS')).toEqual(TOPOLOGY.clientApps.at(-1));
    expect(logger.count('warn', 'never serves jwtSecret')).toBe(0);
    const cache = readFileSync(join(directory, 'cache.json'), 'utf8');
    expect(cache).not.toMatch(/hs256-secret|hunter2|t0ken/);
    expect(JSON.stringify(logger.lines)).not.toMatch(new RegExp(`hs256-secret|hunter2|t0ken|${TOKEN}`));
  });

  it('without a token reads the masked /topology and drops the secret, warning once', async () => {
    source = await connect(undefined);
    expect(source.current().app('HS')?.jwtSecret).toBeUndefined();
    expect(logger.count('warn', 'LINKER_INTERNAL_TOKEN')).toBe(1);
  });

  it('refuses a wrong token (no topology rather than a masked one)', async () => {
    await expect(connect('wrong', metaServer!.url)).rejects.toMatchObject({
      code: 'TOPOLOGY_UNAVAILABLE',
      message: expect.stringContaining('answered 401'),
    });
  });

  it('started from the (masked) cache, gets the secrets back when the meta-server returns with the same version', async () => {
    await (await connect(TOKEN)).close();
    const { port } = new URL(metaServer!.url);
    const url = metaServer!.url;
    await metaServer!.close();
    metaServer = undefined;

    source = await connect(TOKEN, url);
    expect(source.current().app('HS')?.jwtSecret).toBeUndefined();
    metaServer = await openMetaServer(config(TOKEN, Number(port)), { topology: TOPOLOGY });
    await waitFor('the secret to come back', () => source!.current().app('HS')?.jwtSecret === SECRET);
    expect(source.version()).toBe(metaServer.topology.current().version);
  });
});
