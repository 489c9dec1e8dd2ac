import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLOSE_CODES } from '@linker/contracts';
import { editTopology, startEmbeddedDomain, waitFor, type EmbeddedDomain } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { readTopologyFile, type Topology } from '@linker/topology';

// Hot reload in the embedded mode (`npm start`, built): the process's own meta-server edits its topology file, and the
// domain in the same process applies each saved version at once (docs/protocol.md, Hot reload), without a restart.

const SINGLE = join(__dirname, '../../../topologies/single-domain.yaml');
const ADMIN = 'admin-token-of-the-embedded-test-0123456789';

describe('embedded mode: topology edits apply to the running domain', () => {
  jest.setTimeout(60_000);
  let domain: EmbeddedDomain;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    const { topology } = await readTopologyFile(SINGLE);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env: { LINKER_ADMIN_TOKEN: ADMIN } });
  });

  afterAll(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => undefined)));
    await domain?.close();
  });

  const open = async (label: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(domain.connectorUrls[0], label);
    sockets.push(socket);
    return socket;
  };

  /** Edit the current topology with `change` and PUT it; resolves with the new version (rejects if it is refused). */
  const edit = (change: (doc: Topology) => Topology): Promise<string> => editTopology(domain.metaServerUrl, ADMIN, change);

  /** When the connector and the processor of this process logged that they applied `version` (epoch ms). */
  const appliedAt = (version: string): number[] =>
    domain.process
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"topology version applied"') && line.includes(`"version":"${version}"`))
      .map((line) => (JSON.parse(line) as { time: number }).time);

  it('a new app is accepted at once; a user left outside every range is closed with 4008; the others stay', async () => {
    const stays = await open('ANZ-5');
    expect((await stays.auth('app-id-343', 'ANZ-5')).data.isAuthenticated).toBe(true);
    const leaves = await open('ANZ-123456');
    expect((await leaves.auth('app-id-343', 'ANZ-123456')).data.isAuthenticated).toBe(true);
    const early = await open('NEW-1 before the edit');
    expect((await early.auth('new-app', 'NEW-1')).data.isAuthenticated).toBe(false);

    const started = Date.now();
    const added = await edit((doc) => ({
      ...doc,
      clientApps: [...doc.clientApps, { appName: 'NEW', appId: 'new-app', authEnabled: false }],
    }));
    await waitFor('the connector and the processor to apply it', () => appliedAt(added).length === 2);
    expect(Math.max(...appliedAt(added)) - started).toBeLessThan(1_000);
    const fresh = await open('NEW-1');
    expect((await fresh.auth('new-app', 'NEW-1')).data.isAuthenticated).toBe(true);

    // ANZ keeps only the numbers 0-99 (in domain-01): ANZ-123456 is no longer a valid user.
    await edit((doc) => ({
      ...doc,
      clientApps: doc.clientApps.map((app) =>
        app.appName === 'ANZ' ? { ...app, userDistributions: [{ domainName: 'domain-01', from: 0, to: 99 }] } : app,
      ),
    }));
    const closed = await leaves.closed();
    expect(closed.code).toBe(CLOSE_CODES.USER_NO_LONGER_VALID.code);
    expect(stays.isOpen && fresh.isOpen).toBe(true);
    // They still talk to each other.
    stays.send({ type: 'MESSAGE', data: { to: 'NEW-1', content: 'still here' }, reference: 'r1' });
    expect((await fresh.message('still here')).data.from).toBe('ANZ-5');
  });

  it('every saved version is written back to the topology file, with its history next to it', () => {
    const file = join(domain.dataDir, '..', 'topology.yaml');
    const saved = parse(readFileSync(file, 'utf8')) as Topology;
    expect(saved.clientApps.map((app) => app.appName)).toEqual(['ANZ', 'NEW']);
    expect(existsSync(`${file}.history/index.jsonl`)).toBe(true);
    expect(readFileSync(`${file}.history/index.jsonl`, 'utf8').trim().split('\n')).toHaveLength(3); // loaded, edit, edit
  });
});
