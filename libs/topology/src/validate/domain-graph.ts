import type { Domain, DomainLink } from '../topology';

/** What the app checks need to know about the domains: their names, and which cannot reach which. */
export interface DomainGraph {
  /** Whether `name` is a domain of the document. */
  knows(name: string): boolean;
  /** How many domains have no path of links to `domain` (0 when every domain reaches it), and the first few of them. */
  unreachableFrom(domain: string): Unreachable;
}

interface Unreachable {
  count: number;
  /** The first `SHOWN_UNREACHABLE` of them, in document order. */
  first: string[];
}

/** How many unreachable domains a warning names. */
export const SHOWN_UNREACHABLE = 5;

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
  const names = [...new Set(domains.map((d) => d.name))];
  const component = components(names, links);
  const sizes = new Map<number | undefined, number>();
  for (const id of component.values()) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  // One answer per component, found by skipping at most its own members: linear in the domains, whatever is asked.
  const answers = new Map<number | undefined, Unreachable>();
  const unreachableFrom = (domain: string): Unreachable => {
    const id = component.get(domain);
    let answer = answers.get(id);
    if (!answer) {
      const first: string[] = [];
      for (let i = 0; i < names.length && first.length < SHOWN_UNREACHABLE; i++) if (component.get(names[i]) !== id) first.push(names[i]);
      answer = { count: names.length - (sizes.get(id) ?? 0), first };
      answers.set(id, answer);
    }
    return answer;
  };
  return { knows, unreachableFrom: (domain) => (complete ? unreachableFrom(domain) : { count: 0, first: [] }) };
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
