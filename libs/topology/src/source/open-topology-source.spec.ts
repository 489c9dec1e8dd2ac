import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@linker/observability';
import { openTopologySource } from './open-topology-source';

const SINGLE_DOMAIN = `
domains:
  - name: domain-01
    urls: [ "ws://127.0.0.1:8089", "tcp://127.0.0.1:9089" ]
domainLinks: []
clientApps:
  - appName: ANZ
    appId: app-id-343
    masterUserId: ANZ-123223
    authEnabled: false
`;

describe('openTopologySource without a meta-server', () => {
  let dir: string;
  const open = (topologyFile: string) =>
    openTopologySource({ domain: 'domain-01', name: 'processor-01', topologyFile, startupTimeoutMs: 1000, logger: silentLogger });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linker-topology-'));
  });

  it('reads the original schema; an app without distributions is at home everywhere', async () => {
    const file = join(dir, 'single.yaml');
    await writeFile(file, SINGLE_DOMAIN);
    const view = (await open(file)).current();
    expect(view.app('ANZ')).toMatchObject({ appId: 'app-id-343', masterUserId: 'ANZ-123223', authEnabled: false });
    expect(view.livesIn('ANZ-5', 'domain-01')).toBe(true);
  });

  it('refuses an invalid file, listing its problems, and a missing file', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'domains: 3\n');
    await expect(open(file)).rejects.toThrow(/bad.yaml is invalid \(1 error\):\n.*domains/);
    await expect(open(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the topology file .*missing.yaml: ENOENT/);
  });

  it('has no topology to give without a meta-server or a file (a connector that follows none)', async () => {
    await expect(
      openTopologySource({ domain: 'domain-01', name: 'connector-01', startupTimeoutMs: 1000, logger: silentLogger }),
    ).resolves.toBeUndefined();
  });
});
