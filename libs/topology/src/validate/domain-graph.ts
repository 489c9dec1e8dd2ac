import type { Domain, DomainLink } from '../topology';

/** What the app checks need to know about the domains: their names, and which cannot reach which. */
export interface DomainGraph {
  /** Whether `name` is a domain of the document. */
  knows(name: string): boolean;
  /** The domains with no path of links to `domain` (empty when every domain reaches it). */
  unreachableFrom(domain: string): string[];
}

/**
 * The domains and links as an undirected graph, split into connected components once. When the domains or links
 * had errors (`complete` false), the graph is partial and reports nothing unreachable rather than false alarms.
 */
export function domainGraph(
  domains: readonly Domain[],
  links: readonly DomainLink[],
  knows: (name: string) => boolean,
  complete: boolean,
): DomainGraph {
  const names = new Set(domains.map((d) => d.name));
  const component = components([...names], links);
  return {
    knows,
    unreachableFrom: (domain) => (complete ? [...names].filter((name) => component.get(name) !== component.get(domain)) : []),
  };
}

function components(names: readonly string[], links: readonly DomainLink[]): Map<string, number> {
  const neighbours = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const { n1, n2 } of links) {
    neighbours.get(n1)?.push(n2);
    neighbours.get(n2)?.push(n1);
  }
  const component = new Map<string, number>();
  for (const start of names) {
    if (component.has(start)) continue;
    const id = component.size;
    const queue = [start];
    component.set(start, id);
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const neighbour of neighbours.get(next) ?? []) {
        if (!component.has(neighbour)) {
          component.set(neighbour, id);
          queue.push(neighbour);
        }
      }
    }
  }
  return component;
}
