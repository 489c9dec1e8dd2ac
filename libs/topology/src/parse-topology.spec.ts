import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ALIASES, MAX_TOPOLOGY_BYTES, parseTopology } from './parse-topology';
import { TopologyView } from './topology-view';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const topologyFile = (name: string) => readFileSync(join(__dirname, '..', '..', '..', 'topologies', name), 'utf8');

const FIVE_PROBLEMS = `domains:
  - name: domain-01
    urls: [ws://127.0.0.1:8089]
  - name: domain-01
    urls: [http://127.0.0.1:8090]
domainLinks:
  - { n1: domain-01, n2: domain-09 }
clientApps:
  - appName: ANZ
    appId: app-id-343
    masterUserId: BNZ-1
    authEnabled: false
    userDistributions:
      - { domainName: domain-01, from: 10, to: 5 }
`;

const SMALL = `domains:
  - name: domain-01
    urls: [ws://127.0.0.1:8089]
`;

describe('parseTopology', () => {
  it("loads the original README's multi-domain YAML, with a warning for each Spring key only", () => {
    const { topology, problems } = parseTopology(fixture('seed-readme.yaml'));
    expect(problems).toEqual([
      { path: 'spring', severity: 'warning', line: 1, message: expect.stringContaining('ignored') },
      { path: 'server', severity: 'warning', line: 3, message: expect.stringContaining('ignored') },
    ]);
    expect(topology?.domains.map((d) => d.name)).toEqual(['domain-01', 'domain-02', 'domain-03', 'domain-04']);
    expect(topology?.domainLinks).toHaveLength(4);
    const view = new TopologyView(topology!);
    expect(view.home('ANZ-2000000')).toEqual({ kind: 'domain', domain: 'domain-02' });
    expect(view.home('ANZ-7000000')).toEqual({ kind: 'domain', domain: 'domain-04' });
    expect(view.home('domain3-1')).toEqual({ kind: 'everywhere' });
  });

  it("refuses the original repository's variant: ANZ users sent to the undefined domain-06", () => {
    const { topology, problems } = parseTopology(fixture('seed-repo-domain-06.yaml'));
    expect(topology).toBeUndefined();
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      {
        path: 'clientApps[7].userDistributions[3].domainName',
        severity: 'error',
        line: 79,
        message: 'names an unknown domain "domain-06" (not in domains)',
      },
    ]);
  });

  it.each(['single-domain.yaml', 'four-domain-ring.yaml'])('loads topologies/%s with no problem', (name) => {
    const { topology, problems } = parseTopology(topologyFile(name));
    expect(problems).toEqual([]);
    expect(topology?.clientApps[0]).toMatchObject({ appName: 'ANZ', appId: 'app-id-343', masterUserId: 'ANZ-123223', authEnabled: false });
  });

  it('the single domain has ANZ users at home everywhere; the ring sends ANZ-6000000 and up to domain-04', () => {
    const single = new TopologyView(parseTopology(topologyFile('single-domain.yaml')).topology!);
    expect(single.topology.domains).toEqual([{ name: 'domain-01', urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }]);
    expect(single.home('ANZ-123223')).toEqual({ kind: 'everywhere' });
    const ring = new TopologyView(parseTopology(topologyFile('four-domain-ring.yaml')).topology!);
    expect(ring.home('ANZ-6000000')).toEqual({ kind: 'domain', domain: 'domain-04' });
    expect(ring.home('ANZ-999999')).toEqual({ kind: 'domain', domain: 'domain-01' });
    expect(ring.topology.domainLinks.map((l) => `${l.n1}/${l.n2}`)).toEqual([
      'domain-01/domain-02',
      'domain-02/domain-03',
      'domain-03/domain-04',
      'domain-01/domain-04',
    ]);
  });

  it('returns all 5 problems of a document with 5, each with its path and line', () => {
    const { topology, problems } = parseTopology(FIVE_PROBLEMS);
    expect(topology).toBeUndefined();
    expect(problems.map(({ severity, path, line }) => ({ severity, path, line }))).toEqual([
      { severity: 'error', path: 'domains[1].urls[0]', line: 5 },
      { severity: 'error', path: 'domains[1].name', line: 4 },
      { severity: 'error', path: 'domainLinks[0].n2', line: 7 },
      { severity: 'error', path: 'clientApps[0].masterUserId', line: 11 },
      { severity: 'error', path: 'clientApps[0].userDistributions[0].to', line: 14 },
    ]);
  });

  it('points an unknown key at its own line, and a missing key at its mapping', () => {
    const { problems } = parseTopology(`${SMALL}clientApps:\n  - appId: x\n    authEnabled: false\n    colour: blue\n`);
    expect(problems).toEqual([
      { path: 'clientApps[0].colour', severity: 'error', line: 7, message: expect.stringContaining('unknown key') },
      { path: 'clientApps[0].appName', severity: 'error', line: 5, message: 'is required' },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const { topology, problems } = parseTopology('domains:\n  - name: [domain-01\nclientApps: []\n');
    expect(topology).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: '', severity: 'error', line: 3 });
  });

  it('refuses duplicate keys and several documents', () => {
    expect(parseTopology(`${SMALL}domains: []\n`).problems).toEqual([
      { path: '', severity: 'error', line: 4, message: 'Map keys must be unique' },
    ]);
    expect(parseTopology(`${SMALL}---\n${SMALL}`).problems).toEqual([
      { path: '', severity: 'error', line: 4, message: expect.stringContaining('more than one YAML document') },
    ]);
  });

  it('refuses an empty document', () => {
    expect(parseTopology('# nothing\n').problems).toEqual([
      { path: '', severity: 'error', message: expect.stringContaining('the document is empty') },
    ]);
  });

  it('refuses an alias bomb (billion laughs) before expanding it', () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    expect(parseTopology(levels.join('\n')).problems).toEqual([
      { path: '', severity: 'error', message: `the document uses 72 aliases; at most ${MAX_ALIASES} are allowed` },
    ]);
    // Few aliases, but each expanding the one before: refused by the expansion limit.
    expect(parseTopology(levels.slice(0, 4).join('\n')).problems).toEqual([
      { path: '', severity: 'error', message: 'the aliases of the document expand too far (an alias bomb?)' },
    ]);
  });

  it('accepts a few aliases sharing a value', () => {
    const { topology, problems } = parseTopology(
      `${SMALL}  - name: domain-02\n    urls: &urls [ws://127.0.0.1:8090]\n  - name: domain-03\n    urls: *urls\n`,
    );
    expect(problems).toEqual([]);
    expect(topology?.domains[2].urls).toEqual(['ws://127.0.0.1:8090']);
  });

  it('refuses a document over 1 MiB before parsing it, and accepts one just under', () => {
    const padding = (bytes: number) => `# ${'x'.repeat(bytes - SMALL.length - 3)}\n`;
    const over = SMALL + padding(MAX_TOPOLOGY_BYTES + 1);
    expect(Buffer.byteLength(over)).toBe(MAX_TOPOLOGY_BYTES + 1);
    expect(parseTopology(over).problems).toEqual([
      { path: '', severity: 'error', message: expect.stringContaining('the limit is 1048576 (1 MiB)') },
    ]);
    const under = SMALL + padding(MAX_TOPOLOGY_BYTES);
    expect(parseTopology(under).problems).toEqual([]);
  });

  it('counts bytes, not characters, against the limit', () => {
    const wide = `${SMALL}# ${'é'.repeat(MAX_TOPOLOGY_BYTES / 2)}\n`;
    expect(wide.length).toBeLessThan(MAX_TOPOLOGY_BYTES);
    expect(parseTopology(wide).topology).toBeUndefined();
  });

  it('reports a __proto__ key like any unknown key, and changes no prototype', () => {
    const { problems } = parseTopology(`__proto__: { polluted: true }\n${SMALL}`);
    expect(problems).toEqual([{ path: '__proto__', severity: 'error', line: 1, message: expect.stringContaining('unknown key') }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads YAML 1.2: yes/no are text, so they are not taken for booleans', () => {
    const { problems } = parseTopology(`${SMALL}clientApps:\n  - { appName: ANZ, appId: a, authEnabled: no }\n`);
    expect(problems).toEqual([
      { path: 'clientApps[0].authEnabled', severity: 'error', line: 5, message: 'must be true or false, got the text "no"' },
    ]);
  });
});
