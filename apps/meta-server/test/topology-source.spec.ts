import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { RecordingLogger, waitFor } from '@linker/testing';
import { MetaServerTopologySource, parseTopology, topologyVersion, type Topology, type TopologyView } from '@linker/topology';
import { openMetaServer, type MetaServerHandle, type MetaServerOptions } from '../src/bootstrap';

// MetaServerTopologySource against a real meta-server started in this process on a free port.

const RING = parseTopology(readFileSync(join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml'), 'utf8')).topology!;
const SECRET = 'hs256-secret-that-must-never-leave-the-meta-server';
const TOPOLOGY: Topology = { ...RING, clientApps: [...RING.clientApps, { appName: 'HS', appId: 'hs', jwtSecret: SECRET }] };

const config = (port = 0): MetaServerOptions => ({
  port,
  host: '127.0.0.1',
  logLevel: 'silent',
  topologyFile: 'unused.yaml',
  internalToken: undefined,
});

/** The ring with ANZ users from 6000000 moved to domain-03: a new version. */
function moved(): Topology {
  const anz = TOPOLOGY.clientApps[0];
  const distributions = anz.userDistributions!.map((d) => (d.domainName === 'domain-04' ? { ...d, domainName: 'domain-03' } : d));
  const merged = [...distributions.slice(0, 2), { domainName: 'domain-03', from: 3000000 }];
  return { ...TOPOLOGY, clientApps: [{ ...anz, userDistributions: merged }, ...TOPOLOGY.clientApps.slice(1)] };
}

describe('MetaServerTopologySource', () => {
  let metaServer: MetaServerHandle | undefined;
  let source: MetaServerTopologySource | undefined;
  let directory: string;
  let logger: RecordingLogger;

  beforeEach(async () => {
    metaServer = await openMetaServer(config(), { topology: TOPOLOGY });
    directory = mkdtempSync(join(tmpdir(), 'topology-source-'));
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await source?.close();
    await metaServer?.close();
    source = metaServer = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  /** A source on `url`, caching to `cacheFile` (`null`: no cache file). */
  const connect = (url = metaServer!.url, cacheFile: string | null = join(directory, 'cache.json')) =>
    MetaServerTopologySource.connect({ url, cacheFile: cacheFile ?? undefined, refreshMs: 20, logger });

  it("serves the meta-server's topology under its version, with the secret never received", async () => {
    source = await connect();
    expect(source.version()).toBe(metaServer!.topology.current().version);
    expect(source.current().home('ANZ-6000000')).toEqual({ kind: 'domain', domain: 'domain-04' });
    // The meta-server serves jwtSecret masked; the source drops the mask so nobody verifies tokens with "***".
    expect(source.current().app('HS')).toEqual({ appName: 'HS', appId: 'hs' });
    expect(logger.count('warn', 'never serves jwtSecret')).toBe(1);
    const cache = readFileSync(join(directory, 'cache.json'), 'utf8');
    expect(JSON.parse(cache)).toMatchObject({ version: source.version(), topology: { domains: TOPOLOGY.domains } });
    expect(cache).not.toContain(SECRET);
  });

  it('picks up a new version at the next refresh, tells the listeners and updates the cache file', async () => {
    source = await connect();
    const seen: Array<[TopologyView, string]> = [];
    source.onChange((view, version) => seen.push([view, version]));
    const next = metaServer!.topology.replace(moved()).version;
    await waitFor('the source to adopt the new version', () => source!.version() === next);
    expect(source.current().home('ANZ-6000000')).toEqual({ kind: 'domain', domain: 'domain-03' });
    expect(seen).toEqual([[source.current(), next]]);
    await waitFor(
      'the cache file to hold the new version',
      () => JSON.parse(readFileSync(join(directory, 'cache.json'), 'utf8')).version === next,
    );
  });

  it('keeps the last copy while the meta-server is gone, logs the outage once, and recovers when it is back', async () => {
    source = await connect();
    const { version } = metaServer!.topology.current();
    const view = source.current();
    const port = Number(new URL(metaServer!.url).port);
    await metaServer!.close();
    metaServer = undefined;
    await waitFor('three failed refreshes', () => logger.count('debug', 'topology refresh failed') >= 3);
    expect(logger.count('warn', 'meta-server unreachable')).toBe(1);
    expect(source.version()).toBe(version);
    expect(source.current()).toBe(view);

    metaServer = await openMetaServer(config(port), { topology: moved() });
    const next = metaServer.topology.current().version;
    await waitFor('the source to adopt the version of the restarted meta-server', () => source!.version() === next);
    expect(logger.count('info', 'meta-server reachable again')).toBe(1);
    expect(logger.count('warn', 'meta-server unreachable')).toBe(1);
  });

  it('starts from the cache file when the meta-server is down', async () => {
    const first = await connect();
    const { version } = metaServer!.topology.current();
    await first.close();
    const url = metaServer!.url;
    await metaServer!.close();
    metaServer = undefined;

    source = await connect(url);
    expect(source.version()).toBe(version);
    expect(source.current().home('ANZ-3000000')).toEqual({ kind: 'domain', domain: 'domain-03' });
    expect(logger.count('warn', 'running on the cached topology')).toBe(1);
  });

  it('refuses to start with neither a meta-server nor a usable cache', async () => {
    const url = metaServer!.url;
    await metaServer!.close();
    metaServer = undefined;
    await expect(connect(url, null)).rejects.toMatchObject({
      code: 'TOPOLOGY_UNAVAILABLE',
      retriable: true,
      message: expect.stringContaining('no cache file'),
    });
    await expect(connect(url)).rejects.toMatchObject({ message: expect.stringContaining('cannot read the cache file') });
    writeFileSync(join(directory, 'broken.json'), '{"version": "x", "topology": {"domains": "none"}}');
    await expect(connect(url, join(directory, 'broken.json'))).rejects.toMatchObject({
      message: expect.stringContaining('holds no valid topology'),
    });
  });
});

describe('MetaServerTopologySource against a meta-server that misbehaves', () => {
  let server: Server;
  let answer: { status: number; etag?: string; body?: string };
  const ifNoneMatch: Array<string | undefined> = [];

  beforeEach(async () => {
    ifNoneMatch.length = 0;
    server = createServer((request, response) => {
      // Topology reads only: the watch stream's requests (it never gets a stream here, so it retries every refreshMs) are not refreshes.
      if (!request.url?.includes('/watch')) ifNoneMatch.push(request.headers['if-none-match']);
      response.writeHead(answer.status, answer.etag ? { etag: answer.etag, 'content-type': 'application/json' } : {});
      response.end(answer.status === 200 ? answer.body : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks with If-None-Match, and keeps the last good version when an invalid one is served (logged once)', async () => {
    answer = { status: 200, etag: '"v1"', body: JSON.stringify(TOPOLOGY) };
    const logger = new RecordingLogger();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const source = await MetaServerTopologySource.connect({ url, refreshMs: 10, logger });
    try {
      // The version is the content's hash (what GET /topology would call it), whatever ETag it came with.
      expect(source.version()).toBe(topologyVersion(TOPOLOGY));
      answer = { status: 304 };
      await waitFor('a conditional refresh', () => ifNoneMatch.includes('"v1"'));
      answer = { status: 200, etag: '"v2"', body: JSON.stringify({ ...TOPOLOGY, domainLinks: [{ n1: 'domain-01', n2: 'domain-09' }] }) };
      const served = ifNoneMatch.length;
      await waitFor('three refreshes after the invalid version', () => ifNoneMatch.length >= served + 3);
      expect(source.version()).toBe(topologyVersion(TOPOLOGY));
      expect(logger.count('error', 'serves an invalid topology')).toBe(1);
      const logged = logger.lines.find((l) => l.level === 'error');
      expect(logged?.fields.problems).toContain('domainLinks[0].n2');
    } finally {
      await source.close();
    }
  });
});
