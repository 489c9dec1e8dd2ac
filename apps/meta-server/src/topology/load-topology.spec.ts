import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '@linker/observability';
import { stringify } from 'yaml';
import { MAX_TOPOLOGY_BYTES, topologyVersion, type Topology } from '@linker/topology';
import { loadNewestRecorded, loadTopology } from './load-topology';
import { MemoryTopologyHistory, type HistoryEntry } from './topology-history';

function recorder(): Logger & { warnings: Array<[string, LogFields | undefined]> } {
  const warnings: Array<[string, LogFields | undefined]> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, fields) => void warnings.push([message, fields]),
    error: () => undefined,
    child: () => logger,
  };
  return Object.assign(logger, { warnings });
}

const TOPOLOGY: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089'] }],
  domainLinks: [],
  clientApps: [
    { appName: 'ANZ', appId: 'app-id-343', authEnabled: false },
    { appName: 'BNZ', appId: 'bnz', authUrl: 'http://localhost:4200/auth' },
  ],
};

describe('loadTopology', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'load-topology-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('loads a file, logging each warning with its path and line, and each app without authentication', async () => {
    const file = join(directory, 'topology.yaml');
    writeFileSync(
      file,
      'server:\n  port: 9000\ndomains:\n  - name: domain-01\nclientApps:\n  - { appName: ANZ, appId: a, authEnabled: false }\n',
    );
    const logger = recorder();
    const topology = await loadTopology({ file }, logger);
    expect(topology.clientApps.map((a) => a.appName)).toEqual(['ANZ']);
    expect(logger.warnings).toEqual([
      ['topology warning', expect.objectContaining({ path: 'server', line: 1 })],
      [expect.stringContaining('without authentication'), { appName: 'ANZ' }],
    ]);
  });

  it('takes a topology its caller already has, and validates it too', async () => {
    const logger = recorder();
    await expect(loadTopology({ topology: TOPOLOGY }, logger)).resolves.toEqual(TOPOLOGY);
    expect(logger.warnings.map(([, fields]) => fields?.appName)).toEqual(['ANZ']);
    const broken = { ...TOPOLOGY, domainLinks: [{ n1: 'domain-01', n2: 'domain-01' }] };
    await expect(loadTopology({ topology: broken }, logger)).rejects.toMatchObject({
      code: 'INVALID_TOPOLOGY',
      message: expect.stringContaining('domainLinks[0]'),
    });
  });

  it('refuses an invalid file, listing every error with its path and line', async () => {
    const file = join(directory, 'bad.yaml');
    writeFileSync(
      file,
      'domains:\n  - name: domain-01\ndomainLinks:\n  - { n1: domain-01, n2: domain-02 }\nclientApps:\n  - { appName: A-B, appId: x, authEnabled: false }\n',
    );
    const error = await loadTopology({ file }, recorder()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_TOPOLOGY', problems: [expect.anything(), expect.anything()] });
    expect((error as Error).message).toContain('(2 errors)');
    expect((error as Error).message).toContain('error domainLinks[0].n2 (line 4): names an unknown domain "domain-02"');
    expect((error as Error).message).toContain('error clientApps[0].appName (line 6)');
  });

  it('refuses a missing file and a file over 1 MiB without reading it whole', async () => {
    await expect(loadTopology({ file: join(directory, 'missing.yaml') }, recorder())).rejects.toMatchObject({
      code: 'TOPOLOGY_FILE_UNREADABLE',
      message: expect.stringContaining('ENOENT'),
    });
    const big = join(directory, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_TOPOLOGY_BYTES)}\n`);
    await expect(loadTopology({ file: big }, recorder())).rejects.toMatchObject({
      message: expect.stringContaining('the limit is 1048576'),
    });
  });
});

describe('loadNewestRecorded', () => {
  const entry = (version: string, kind: HistoryEntry['kind']): HistoryEntry => ({
    version,
    author: 'alice',
    time: '2026-01-01T00:00:00.000Z',
    kind,
  });
  const moved: Topology = { ...TOPOLOGY, clientApps: [TOPOLOGY.clientApps[1]] };

  it('is undefined for an empty history, else the newest recorded version, checked', async () => {
    const history = new MemoryTopologyHistory();
    expect(await loadNewestRecorded(history, recorder())).toBeUndefined();
    await history.append(entry(topologyVersion(TOPOLOGY), 'loaded'), stringify(TOPOLOGY));
    await history.append(entry(topologyVersion(moved), 'edit'), stringify(moved));
    expect(await loadNewestRecorded(history, recorder())).toEqual(moved);
  });

  it('refuses an invalid newest version, or one without its YAML', async () => {
    const history = new MemoryTopologyHistory();
    await history.append(entry('aaaaaaaaaaaaaaaa', 'edit'), 'domains: []\nclientApps: [{ appName: A-B, appId: x }]\n');
    await expect(loadNewestRecorded(history, recorder())).rejects.toMatchObject({
      code: 'INVALID_TOPOLOGY',
      message: expect.stringContaining('version aaaaaaaaaaaaaaaa of the topology history is invalid'),
    });
    const incomplete = {
      list: async () => [entry('bbbbbbbbbbbbbbbb', 'edit')],
      yaml: async () => undefined,
      append: async () => undefined,
    };
    await expect(loadNewestRecorded(incomplete, recorder())).rejects.toMatchObject({ code: 'TOPOLOGY_HISTORY_INCOMPLETE' });
  });
});
