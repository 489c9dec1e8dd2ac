import { RoutingTable } from '@linker/routing';
import { parseTopology, TopologyView } from '@linker/topology';
import { DOMAIN_BLOCK, lineDomainName, lineTopology, type LineDomain } from './federation';

const line = (length: number): LineDomain[] =>
  Array.from({ length }, (_, i) => ({ name: lineDomainName(i), clientPort: 20_000 + i, linkPort: 30_000 + i }));

describe('the federation bench topology', () => {
  it('is a valid line of domains with their client and link endpoints', () => {
    const { topology, problems } = parseTopology(lineTopology(line(3)));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(topology!.domains.map((d) => [d.name, d.urls])).toEqual([
      ['bench-01', ['ws://127.0.0.1:20000', 'ws://127.0.0.1:30000']],
      ['bench-02', ['ws://127.0.0.1:20001', 'ws://127.0.0.1:30001']],
      ['bench-03', ['ws://127.0.0.1:20002', 'ws://127.0.0.1:30002']],
    ]);
    const routes = RoutingTable.build(topology!).from('bench-01');
    expect([routes.path('bench-02'), routes.path('bench-03')]).toEqual([
      ['bench-01', 'bench-02'],
      ['bench-01', 'bench-02', 'bench-03'],
    ]);
  });

  it('puts the users of each block of numbers at home in the domain that many hops from bench-01', () => {
    const view = new TopologyView(parseTopology(lineTopology(line(3))).topology!);
    const base = 1_234_567;
    expect([0, 1, 2].map((hops) => view.home(`BENCH-${hops * DOMAIN_BLOCK + base}`))).toEqual([
      { kind: 'domain', domain: 'bench-01' },
      { kind: 'domain', domain: 'bench-02' },
      { kind: 'domain', domain: 'bench-03' },
    ]);
    expect(view.home(`BENCH-${DOMAIN_BLOCK - 1}`)).toEqual({ kind: 'domain', domain: 'bench-01' });
  });

  it('has two domains and one link for one hop', () => {
    const { topology, problems } = parseTopology(lineTopology(line(2)));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(topology!.domainLinks).toEqual([{ n1: 'bench-01', n2: 'bench-02' }]);
  });
});
