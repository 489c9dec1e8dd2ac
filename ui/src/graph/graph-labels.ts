import type { Home, RoutePreview, TopologyDoc } from '../api/meta';
import type { GraphLink, LinkState } from './link-states';

/** What the graph picture and its path finder write: titles, labels, classes, sentences. Pure, no DOM. */

export const STATE_WORDS: Record<LinkState, string> = { up: 'up', down: 'down', unknown: 'unknown (no report here)' };

/** The classes of a domain's node: `domain`, with `own` for this UI's domain and `on-path` on the path shown. */
export function domainClass(own: boolean, onPath: boolean): string {
  return ['domain', own ? 'own' : '', onPath ? 'on-path' : ''].filter(Boolean).join(' ');
}

/** A domain's tooltip: its name and its two URLs. */
export function domainTitle(name: string, own: boolean, domain?: TopologyDoc['domains'][number]): string {
  return `${name}${own ? ' (this UI’s domain)' : ''}\nclients: ${domain?.urls[0] ?? '—'}\nlinks: ${domain?.urls[1] ?? '—'}`;
}

/** A name that fits in a node: at most 12 characters, a longer one cut with an ellipsis. */
export function nodeLabel(name: string): string {
  return name.length > 12 ? `${name.slice(0, 11)}…` : name;
}

/** A link's tooltip: its state and what each end reports. */
export function linkTitle(link: GraphLink): string {
  return `${link.n1} – ${link.n2}: ${STATE_WORDS[link.state]}\n${link.detail.join('\n')}`;
}

/** How many links are in each state. */
export function linkCounts(links: readonly GraphLink[]): Record<LinkState, number> {
  const counts = { up: 0, down: 0, unknown: 0 };
  for (const link of links) counts[link.state] += 1;
  return counts;
}

function homeWords(home: Home): string {
  switch (home.kind) {
    case 'domain':
      return home.domain;
    case 'everywhere':
      return 'every domain (its app has no distributions)';
    case 'unknown-app':
      return 'no domain (no such app)';
    case 'outside-ranges':
      return 'no domain (outside every range)';
    case 'invalid-user-id':
      return 'no domain (not a user id)';
  }
}

/** Where the two users of a route live. */
export function homesSentence({ from, to }: RoutePreview): string {
  return `${from.userId} lives in ${homeWords(from.home)}; ${to.userId} in ${homeWords(to.home)}.`;
}

/** A path that exists, in words: the domains crossed and the hops. */
export function pathSentence(path: readonly string[]): string {
  const hops = path.length - 1;
  return hops === 0 ? `Delivered within ${path[0]} (no hop).` : `${path.join(' → ')} (${hops} hop${hops === 1 ? '' : 's'}).`;
}
