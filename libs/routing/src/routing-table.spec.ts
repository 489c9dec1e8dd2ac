import { RoutingTable, type RoutingGraph } from '@linker/routing';

// The original's DomainGraphServiceTest graph: 13 domains named "1".."13"; 4 and 13 have no link; 11-12 is an island.
const LINKS: Array<[number, number]> = [
  [1, 2],
  [1, 3],
  [1, 10],
  [3, 5],
  [5, 6],
  [5, 7],
  [5, 8],
  [8, 9],
  [8, 10],
  [9, 10],
  [11, 12],
];

function graph(links: Array<[number, number]> = LINKS, costs: Record<string, number> = {}): RoutingGraph {
  return {
    domains: Array.from({ length: 13 }, (_, i) => ({ name: String(i + 1), urls: [] })),
    domainLinks: links.map(([a, b]) => {
      const cost = costs[`${a}-${b}`];
      return cost === undefined ? { n1: String(a), n2: String(b) } : { n1: String(a), n2: String(b), cost };
    }),
  };
}

const names = (ids: number[]): string[] => ids.map(String);

describe('RoutingTable on the original 13-node graph', () => {
  const table = RoutingTable.build(graph());

  // Every case of the original's testRouterGraph, same expectations.
  it.each<[number, number, number[]]>([
    [1, 1, [1]],
    [1, 3, [1, 3]],
    [3, 8, [3, 5, 8]],
    [3, 6, [3, 5, 6]],
    [1, 10, [1, 10]],
    [2, 10, [2, 1, 10]],
    [3, 4, []],
    [6, 9, [6, 5, 8, 9]],
    [11, 12, [11, 12]],
    [1, 11, []],
    [3, 1, [3, 1]],
    [8, 3, [8, 5, 3]],
    [6, 3, [6, 5, 3]],
    [10, 1, [10, 1]],
    [10, 2, [10, 1, 2]],
    [4, 3, []],
    [9, 6, [9, 8, 5, 6]],
    [12, 11, [12, 11]],
    [11, 1, []],
    [11, 13, []],
  ])('path %i → %i is %j', (from, to, expected) => {
    expect(table.path(String(from), String(to))).toEqual(names(expected));
  });

  // The original's testGetNextRouter: 1→10 is 10, self is local (the original returned self), 1→11 has none.
  it('next hop 1 → 10 is 10, with cost and hop count', () => {
    expect(table.route('1', '10')).toEqual({ kind: 'forward', destination: '10', via: '10', cost: 1, hops: 1 });
    expect(table.from('1').nextHop('10')).toBe('10');
  });

  it('self is local: deliver here, no next hop', () => {
    expect(table.route('1', '1')).toEqual({ kind: 'local', destination: '1' });
    expect(table.from('1').nextHop('1')).toBeUndefined();
  });

  it('1 → 11 (another island) is unreachable: no path', () => {
    expect(table.route('1', '11')).toEqual({ kind: 'unreachable', destination: '11', reason: 'no-path' });
    expect(table.from('1').nextHop('11')).toBeUndefined();
  });

  it('an isolated domain (4, 13) reaches only itself and nothing reaches it', () => {
    expect(table.route('4', '3')).toMatchObject({ kind: 'unreachable', reason: 'no-path' });
    expect(table.route('11', '13')).toMatchObject({ kind: 'unreachable', reason: 'no-path' });
    expect(table.route('13', '13')).toEqual({ kind: 'local', destination: '13' });
  });

  it('a domain the topology does not know is unreachable (unknown-domain), as source or destination', () => {
    expect(table.route('1', '99')).toEqual({ kind: 'unreachable', destination: '99', reason: 'unknown-domain' });
    expect(table.route('99', '1')).toEqual({ kind: 'unreachable', destination: '1', reason: 'unknown-domain' });
    expect(table.path('1', '99')).toEqual([]);
    expect(table.route('99', '99')).toEqual({ kind: 'local', destination: '99' });
  });

  // The original's testGetLinkedRouterNames.
  it.each<[number, number[]]>([
    [1, [10, 2, 3]],
    [11, [12]],
    [13, []],
  ])('neighbours of %i are %j', (domain, expected) => {
    expect(new Set(table.neighbours(String(domain)))).toEqual(new Set(names(expected)));
  });

  it('every next hop is a neighbour, and following next hops walks a path whose length is the route hop count', () => {
    for (const from of table.domains) {
      for (const to of table.domains) {
        const route = table.route(from, to);
        if (route.kind !== 'forward') continue;
        expect(table.neighbours(from)).toContain(route.via);
        expect(table.path(from, to)).toHaveLength(route.hops + 1);
      }
    }
  });

  it('equal-cost paths tie-break to the lexicographically smallest sequence of names', () => {
    // 3 → 9: 3,1,10,9 and 3,5,8,9 both cost 3; "1" < "5".
    expect(table.path('3', '9')).toEqual(names([3, 1, 10, 9]));
    // 9 → 3: 9,10,1,3 and 9,8,5,3; names compare as strings, "10" < "8".
    expect(table.path('9', '3')).toEqual(names([9, 10, 1, 3]));
    // 7 → 9: 7,5,8,9 is the only shortest (7,5,3,1,10,9 is longer).
    expect(table.path('7', '9')).toEqual(names([7, 5, 8, 9]));
  });

  it('a cost makes a path with more hops win', () => {
    const costly = RoutingTable.build(graph(LINKS, { '1-10': 5 }));
    // 1 → 10 directly costs 5; 1,3,5,8,10 costs 4.
    expect(costly.path('1', '10')).toEqual(names([1, 3, 5, 8, 10]));
    expect(costly.route('1', '10')).toEqual({ kind: 'forward', destination: '10', via: '3', cost: 4, hops: 4 });
    // 2 → 9 now avoids 1-10 too: 2,1,3,5,8,9 costs 5, 2,1,10,9 costs 7.
    expect(costly.route('2', '9')).toMatchObject({ via: '1', cost: 5, hops: 5 });
  });
});

describe('RoutingTable input handling', () => {
  it('does not depend on the order of domains and links in the topology', () => {
    const base = graph();
    const shuffled: RoutingGraph = {
      domains: [...base.domains].reverse(),
      domainLinks: [...base.domainLinks].reverse().map(({ n1, n2 }) => ({ n1: n2, n2: n1 })),
    };
    const a = RoutingTable.build(base);
    const b = RoutingTable.build(shuffled);
    for (const from of a.domains) for (const to of a.domains) expect(b.route(from, to)).toEqual(a.route(from, to));
  });

  it('ignores links to unknown domains and to self, and keeps the cheaper of a pair listed twice', () => {
    const table = RoutingTable.build({
      domains: [
        { name: 'a', urls: [] },
        { name: 'b', urls: [] },
      ],
      domainLinks: [
        { n1: 'a', n2: 'zz' },
        { n1: 'a', n2: 'a' },
        { n1: 'a', n2: 'b', cost: 3 },
        { n1: 'b', n2: 'a', cost: 2 },
      ],
    });
    expect(table.neighbours('a')).toEqual(['b']);
    expect(table.route('a', 'b')).toMatchObject({ via: 'b', cost: 2 });
    expect(table.route('a', 'zz')).toMatchObject({ kind: 'unreachable', reason: 'unknown-domain' });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a link cost of %p', (cost) => {
    expect(() =>
      RoutingTable.build({
        domains: [
          { name: 'a', urls: [] },
          { name: 'b', urls: [] },
        ],
        domainLinks: [{ n1: 'a', n2: 'b', cost }],
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('looks up a known route without allocating: the same object every time', () => {
    const routes = RoutingTable.build(graph()).from('6');
    expect(routes.to('9')).toBe(routes.to('9'));
    expect(routes.to('6')).toBe(routes.to('6'));
  });
});
