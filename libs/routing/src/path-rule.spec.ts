import { RoutingTable, type RoutingGraph } from '@linker/routing';

// The path rule checked against brute force: on random small graphs, every route is the least-cost path, ties
// broken by the lexicographically smallest sequence of names, found by enumerating every simple path.

const NAMES = ['9', '10', 'a', 'b', 'domain-02', 'domain-10', 'Z'];

/** mulberry32: a small seeded generator, so every run checks the same graphs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(next: () => number): RoutingGraph {
  const domainLinks = [];
  for (let i = 0; i < NAMES.length; i++) {
    for (let j = i + 1; j < NAMES.length; j++) {
      if (next() < 0.45) domainLinks.push({ n1: NAMES[i], n2: NAMES[j], cost: [1, 1, 1, 2, 0.5, 1.5][Math.floor(next() * 6)] });
    }
  }
  return { domains: NAMES.map((name) => ({ name, urls: [] })), domainLinks };
}

function bruteForcePath(graph: RoutingGraph, from: string, to: string): string[] {
  const edges = new Map<string, Map<string, number>>(NAMES.map((n) => [n, new Map()]));
  for (const { n1, n2, cost = 1 } of graph.domainLinks) {
    edges.get(n1)!.set(n2, cost);
    edges.get(n2)!.set(n1, cost);
  }
  let best: { cost: number; path: string[] } | undefined;
  const walk = (path: string[], cost: number): void => {
    const here = path[path.length - 1];
    if (here === to) {
      if (!best || cost < best.cost || (cost === best.cost && lexLess(path, best.path))) best = { cost, path: [...path] };
      return;
    }
    for (const [next, c] of edges.get(here)!) if (!path.includes(next)) walk([...path, next], cost + c);
  };
  walk([from], 0);
  return best?.path ?? [];
}

function lexLess(a: string[], b: string[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i];
  return a.length < b.length;
}

describe('the path rule', () => {
  it('matches brute force (least cost, then smallest sequence of names) on 150 random graphs', () => {
    const next = random(20240605);
    let compared = 0;
    for (let g = 0; g < 150; g++) {
      const graph = randomGraph(next);
      const table = RoutingTable.build(graph);
      for (const from of NAMES) {
        for (const to of NAMES) {
          expect({ graph: g, from, to, path: table.path(from, to) }).toEqual({ graph: g, from, to, path: bruteForcePath(graph, from, to) });
          compared++;
        }
      }
    }
    expect(compared).toBe(150 * NAMES.length * NAMES.length);
  });

  it('is consistent hop by hop on the same graphs: the path from the next hop is the rest of the path', () => {
    const next = random(20240605);
    for (let g = 0; g < 150; g++) {
      const table = RoutingTable.build(randomGraph(next));
      for (const from of NAMES) {
        for (const to of NAMES) {
          const route = table.route(from, to);
          if (route.kind !== 'forward') continue;
          expect({ graph: g, from, to, rest: table.path(route.via, to) }).toEqual({
            graph: g,
            from,
            to,
            rest: table.path(from, to).slice(1),
          });
          expect(table.path(from, to)).toHaveLength(route.hops + 1);
        }
      }
    }
  });

  it('compares whole paths, not the paths to the predecessors: [a, 9, b] beats [a, b] at equal cost', () => {
    const table = RoutingTable.build({
      domains: ['a', 'b', '9'].map((name) => ({ name, urls: [] })),
      domainLinks: [
        { n1: 'a', n2: 'b', cost: 1.5 },
        { n1: 'a', n2: '9', cost: 1 },
        { n1: '9', n2: 'b', cost: 0.5 },
      ],
    });
    expect(table.path('a', 'b')).toEqual(['a', '9', 'b']);
    expect(table.route('a', 'b')).toEqual({ kind: 'forward', destination: 'b', via: '9', cost: 1.5, hops: 2 });
  });
});
