import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CLOSE_CODES } from '@linker/contracts';
import { startRealFederation, waitFor, type AppProcess, type RealFederation } from '@linker/testing';
import { RawSocket, type Frame } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';
import { readTopologyFile, type Topology } from '@linker/topology';

// Hot reload (docs/protocol.md): topology edits applied to a running real-mode federation — the original's four-domain
// ring, one meta-server, and per domain a processor and a connector, every one of them following the meta-server's
// watch stream. ANZ-123456 lives in domain-01, ANZ-1223456 in domain-02, ANZ-3123456 in domain-03 and ANZ-6223456 in
// domain-04. The apps run from dist/.

const RING = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const WAIT_MS = 30_000;
/** Every process applies a new version within this long of the write (docs/protocol.md, Hot reload). */
const APPLY_MS = 1_000;

describe('live topology edits of a running real-mode ring', () => {
  jest.setTimeout(180_000);
  let federation: RealFederation;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    const { topology } = await readTopologyFile(RING);
    federation = await startRealFederation({ topology });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => undefined)));
    await federation?.close();
  }, 60_000);

  const nameOf = (name: string): string => federation.domain(name).domain;
  const everyProcess = (): AppProcess[] =>
    ['domain-01', 'domain-02', 'domain-03', 'domain-04'].flatMap((name) => [
      federation.domain(name).processor,
      federation.domain(name).connector,
    ]);

  const login = async (name: string, userId: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(federation.domain(name).connectorUrl, `${userId}@${name}`);
    sockets.push(socket);
    return seedLogin(socket, userId, WAIT_MS);
  };

  /** `from` sends `to` a RELIABLE message; resolves with the confirmation's path once `receiver` has it. */
  const exchange = async (from: RawSocket, receiver: RawSocket, to: string, content: string): Promise<string[]> => {
    from.send({ type: 'MESSAGE', data: { to, content }, reference: content });
    await receiver.message(content, WAIT_MS);
    const confirmation = await from.next('MESSAGE_CONFIRMATION', (f: Frame) => f.data.reference === content, WAIT_MS);
    return confirmation.data.path as string[];
  };

  const current = async (): Promise<{ doc: Topology; version: string }> => {
    const response = await fetch(`${federation.metaServerUrl}/topology`);
    return { doc: parse(await response.text()) as Topology, version: JSON.parse(response.headers.get('etag')!) as string };
  };

  const admin = (version?: string): Record<string, string> => ({
    authorization: `Bearer ${federation.adminToken}`,
    ...(version === undefined ? {} : { 'if-match': `"${version}"` }),
  });

  /**
   * Wait until every connector and processor logged that it applied `version`, and return how long after `since`
   * each did (from the log line's own time, not from when this test noticed).
   */
  const appliedWithin = async (version: string, since: number): Promise<number[]> => {
    const appliedAt = (app: AppProcess): number | undefined => {
      for (const line of app.output().split('\n')) {
        if (line.includes('"msg":"topology version applied"') && line.includes(`"version":"${version}"`))
          return (JSON.parse(line) as { time: number }).time;
      }
      return undefined;
    };
    const times = await waitFor(
      `every process to apply ${version}`,
      () => {
        const all = everyProcess().map(appliedAt);
        return all.every((time) => time !== undefined) ? (all as number[]) : undefined;
      },
      { timeoutMs: WAIT_MS },
    );
    return times.map((time) => time - since);
  };

  let original: string;
  let users: { one: RawSocket; two: RawSocket; three: RawSocket; four: RawSocket };

  it('removing the link 01-02 is applied everywhere within 1 s; 01 → 03 keeps flowing through 04; no connection drops', async () => {
    users = {
      one: await login('domain-01', 'ANZ-123456'),
      two: await login('domain-02', 'ANZ-1223456'),
      three: await login('domain-03', 'ANZ-3123456'),
      four: await login('domain-04', 'ANZ-6223456'),
    };
    expect(await exchange(users.one, users.three, 'ANZ-3123456', 'before the edit')).toEqual(
      ['domain-01', 'domain-02', 'domain-03'].map(nameOf),
    );

    const before = await current();
    original = before.version;
    const [a, b] = [nameOf('domain-01'), nameOf('domain-02')];
    const edited = {
      ...before.doc,
      domainLinks: before.doc.domainLinks.filter((l) => !((l.n1 === a && l.n2 === b) || (l.n1 === b && l.n2 === a))),
    };
    expect(edited.domainLinks).toHaveLength(3);
    const started = Date.now();
    const response = await fetch(`${federation.metaServerUrl}/topology`, {
      method: 'PUT',
      body: stringify(edited),
      headers: { 'content-type': 'application/yaml', ...admin(before.version) },
    });
    expect(response.status).toBe(200);
    const { version } = (await response.json()) as { version: string };
    const delays = await appliedWithin(version, started);
    expect(Math.max(...delays)).toBeLessThan(APPLY_MS);

    expect(await exchange(users.one, users.three, 'ANZ-3123456', 'after the edit')).toEqual(
      ['domain-01', 'domain-04', 'domain-03'].map(nameOf),
    );
    expect(await exchange(users.three, users.one, 'ANZ-123456', 'and back')).toEqual(['domain-03', 'domain-04', 'domain-01'].map(nameOf));
    // 02 is still reached from 01, the long way round.
    expect(await exchange(users.one, users.two, 'ANZ-1223456', 'to 02 without the link')).toEqual(
      ['domain-01', 'domain-04', 'domain-03', 'domain-02'].map(nameOf),
    );
    for (const socket of Object.values(users)) expect(socket.closeInfo).toBeUndefined();
  });

  it('a rollback restores the link, applied everywhere within 1 s, and traffic takes it again', async () => {
    const started = Date.now();
    const response = await fetch(`${federation.metaServerUrl}/topology/rollback/${original}`, { method: 'POST', headers: admin() });
    expect(response.status).toBe(200);
    expect((await current()).version).toBe(original);
    const delays = await appliedWithin(original, started);
    expect(Math.max(...delays)).toBeLessThan(APPLY_MS);
    // The link is dialed again: once it is up, 01 → 03 is two hops through 02 again.
    await federation.linksUp('domain-01');
    expect(await exchange(users.one, users.three, 'ANZ-3123456', 'after the rollback')).toEqual(
      ['domain-01', 'domain-02', 'domain-03'].map(nameOf),
    );
    for (const socket of Object.values(users)) expect(socket.closeInfo).toBeUndefined();
  });

  it('a user whose home moved away is closed with 4006 naming the new home; the others stay connected', async () => {
    const { doc, version } = await current();
    // ANZ users from 6000000 move from domain-04 to domain-03.
    const anz = doc.clientApps[0];
    const moved = {
      ...doc,
      clientApps: [
        {
          ...anz,
          userDistributions: anz.userDistributions!.map((d) =>
            d.domainName === nameOf('domain-04') ? { ...d, domainName: nameOf('domain-03') } : d,
          ),
        },
        ...doc.clientApps.slice(1),
      ],
    };
    const response = await fetch(`${federation.metaServerUrl}/topology`, {
      method: 'PUT',
      body: stringify(moved),
      headers: { 'content-type': 'application/yaml', ...admin(version) },
    });
    expect(response.status).toBe(200);
    const closed = await users.four.closed(WAIT_MS);
    expect(closed.code).toBe(CLOSE_CODES.HOME_DOMAIN_MOVED.code);
    expect(closed.reason).toContain(`home domain is now ${nameOf('domain-03')}`);
    for (const socket of [users.one, users.two, users.three]) expect(socket.closeInfo).toBeUndefined();
    // It reconnects where it belongs now, and messages reach it there.
    const four = await login('domain-03', 'ANZ-6223456');
    expect(await exchange(users.one, four, 'ANZ-6223456', 'to the moved user')).toEqual(
      ['domain-01', 'domain-02', 'domain-03'].map(nameOf),
    );
  });

  it('with the meta-server down, everything keeps running on the last version, and a restarted domain starts from its cached copy', async () => {
    expect(await federation.metaServer.stop('SIGTERM')).toBe(0);
    // Still routed by the last version (ANZ-6223456 now lives in domain-03).
    const sender = await login('domain-01', 'ANZ-423456');
    const moved = await login('domain-03', 'ANZ-6323456');
    expect(await exchange(sender, moved, 'ANZ-6323456', 'meta-server down')).toEqual(['domain-01', 'domain-02', 'domain-03'].map(nameOf));
    // domain-02's processor and connector start again from the cache files they wrote.
    const restarted = await federation.restart('domain-02');
    for (const app of [restarted.processor, restarted.connector])
      expect(app.output()).toContain('meta-server unavailable at start: running on the cached topology');
    // Its neighbours dial it again too (with backoff): once every link is up, the shortest paths are taken again.
    await Promise.all(['domain-01', 'domain-02', 'domain-03'].map((name) => federation.linksUp(name)));
    const two = await login('domain-02', 'ANZ-1323456');
    expect(await exchange(sender, two, 'ANZ-1323456', 'to a domain started from its cache')).toEqual(
      ['domain-01', 'domain-02'].map(nameOf),
    );
    expect(await exchange(two, moved, 'ANZ-6323456', 'from it, by the cached version')).toEqual(['domain-02', 'domain-03'].map(nameOf));
  });
});
