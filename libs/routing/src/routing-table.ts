import { UndirectedGraph } from 'graphology';
import { brandes } from 'graphology-shortest-path/dijkstra';
import { LinkerError, type CommonErrorCode } from '@linker/kernel';
import type { DomainLink, Topology } from '@linker/topology';

/** What the routing table is built from: the topology's domains and links (client apps play no part). */
export type RoutingGraph = Pick<Topology, 'domains' | 'domainLinks'>;

/** Whether the link between two domains is up (order of the two names does not matter). */
export type LinkUp = (n1: string, n2: string) => boolean;

/**
 * Why a destination cannot be reached: `no-path` (no path over the links that are up) or `unknown-domain` (the
 * source or the destination is not a domain of the topology).
 */
export type UnreachableReason = 'no-path' | 'unknown-domain';

/** The destination is the domain itself: deliver locally. */
export interface LocalRoute {
  readonly kind: 'local';
  readonly destination: string;
}

/** Hand the message to the neighbour `via`, the first hop of the shortest path to `destination`. */
export interface ForwardRoute {
  readonly kind: 'forward';
  readonly destination: string;
  /** The next hop: a neighbour linked to the source by a link that is up. */
  readonly via: string;
  /** Sum of the link costs along the path. */
  readonly cost: number;
  /** Number of links along the path (1 when `via` is the destination). */
  readonly hops: number;
}

/** No path: see `reason`. */
export interface UnreachableRoute {
  readonly kind: 'unreachable';
  readonly destination: string;
  readonly reason: UnreachableReason;
}

/** The routing decision from one domain to another. */
export type Route = LocalRoute | ForwardRoute | UnreachableRoute;

/**
 * The routes from one domain to every destination, precomputed: `to()` is one map lookup and allocates nothing
 * for a known destination. This is what a processor keeps for its own domain.
 */
export class DomainRoutes {
  /** @internal built by `RoutingTable` */
  constructor(
    readonly domain: string,
    private readonly byDestination: ReadonlyMap<string, Route>,
    private readonly paths: ReadonlyMap<string, readonly string[]>,
  ) {}

  /**
   * The route to `destination`: `local` for the domain itself (even one the topology does not know), `forward`
   * with the next hop, or `unreachable` with the reason.
   */
  to(destination: string): Route {
    return (
      this.byDestination.get(destination) ??
      (destination === this.domain ? { kind: 'local', destination } : { kind: 'unreachable', destination, reason: 'unknown-domain' })
    );
  }

  /** The next hop to `destination`, or undefined when it is this domain (deliver locally) or unreachable. */
  nextHop(destination: string): string | undefined {
    const route = this.to(destination);
    return route.kind === 'forward' ? route.via : undefined;
  }

  /**
   * The whole path to `destination`, both ends included: `[domain]` for the domain itself, `[]` when unreachable
   * or unknown (the original's `computePath` shape). A fresh array: not for the per-message path.
   */
  path(destination: string): string[] {
    const path = this.paths.get(destination);
    return path ? [...path] : destination === this.domain ? [destination] : [];
  }
}

interface Link {
  n1: string;
  n2: string;
  cost: number;
}

type CostGraph = UndirectedGraph<Record<string, never>, { cost: number }>;

/**
 * Shortest paths between the domains of a topology over the links that are up. Immutable: a link going up or
 * down, or a new topology version, gives a new table (`withLink`, `withTopology`), which costs only building the
 * graph. The routes from a domain are computed on the first `from(domain)` (one Dijkstra, well under a
 * millisecond for a hundred domains) and kept: after that every lookup on the hot path is a map access.
 *
 * **Path rule.** The path from A to B is, among the paths of least total cost (`cost` of each link, default 1),
 * the lexicographically smallest sequence of domain names, names compared as plain strings (UTF-16 code units, so
 * `"10" < "9"`). It does not depend on the order in which the topology lists domains or links, and it is
 * consistent hop by hop: the path from A's next hop to B is the rest of A's path, so domains that share a view of
 * the links forward along exactly the path the first one chose. The path from B to A is not always A's reversed
 * (each direction takes its own smallest sequence). Costs tie only when their sums are exactly equal as doubles
 * (integer costs, and halves, always are).
 *
 * Links that name an unknown domain or a domain itself are ignored (topology validation reports them); a pair
 * listed twice counts once, with its lower cost.
 */
export class RoutingTable {
  /** Routes per source domain, filled on first use. */
  private readonly routes = new Map<string, DomainRoutes>();

  private constructor(
    /** The domains of the topology, sorted. */
    readonly domains: readonly string[],
    private readonly links: ReadonlyMap<string, Link>,
    private readonly up: ReadonlySet<string>,
    private readonly graph: CostGraph,
  ) {}

  /**
   * The table of `graph` with the links for which `linkUp` says true. Default: every link is up (a link whose
   * state the caller does not know is best taken as up: custody holds what is sent to it until it connects).
   * Throws `INVALID_ARGUMENT` for a link cost that is not a finite positive number.
   */
  static build(graph: RoutingGraph, linkUp: LinkUp = () => true): RoutingTable {
    const domains = [...new Set(graph.domains.map((d) => d.name))].sort(compareNames);
    const links = collectLinks(new Set(domains), graph.domainLinks);
    const up = new Set([...links].filter(([, l]) => linkUp(l.n1, l.n2)).map(([key]) => key));
    return RoutingTable.withGraph(domains, links, up);
  }

  private static withGraph(domains: readonly string[], links: ReadonlyMap<string, Link>, up: ReadonlySet<string>): RoutingTable {
    const graph: CostGraph = new UndirectedGraph();
    for (const name of domains) graph.addNode(name);
    for (const key of up) {
      const { n1, n2, cost } = links.get(key)!;
      graph.addEdge(n1, n2, { cost });
    }
    return new RoutingTable(domains, links, up, graph);
  }

  /**
   * The routes from `domain` to every destination (computed on the first call for that domain, then kept). For a
   * domain the topology does not know: only itself, as `local`.
   */
  from(domain: string): DomainRoutes {
    let routes = this.routes.get(domain);
    if (!routes) {
      if (!this.graph.hasNode(domain)) return new DomainRoutes(domain, new Map(), new Map());
      routes = routesFrom(this.graph, domain, this.domains);
      this.routes.set(domain, routes);
    }
    return routes;
  }

  /** The route from `from` to `to`. */
  route(from: string, to: string): Route {
    return this.from(from).to(to);
  }

  /** The whole path from `from` to `to`: `from(from).path(to)`. */
  path(from: string, to: string): string[] {
    return this.from(from).path(to);
  }

  /** The neighbours of `domain` over links that are up, sorted. */
  neighbours(domain: string): string[] {
    return this.graph.hasNode(domain) ? this.graph.neighbors(domain).sort(compareNames) : [];
  }

  /** Whether the link between `n1` and `n2` exists in the topology and is up. */
  isUp(n1: string, n2: string): boolean {
    return this.up.has(linkKey(n1, n2));
  }

  /** The links of the topology that are down, each with `n1 < n2`, sorted. */
  linksDown(): DomainLink[] {
    return [...this.links]
      .filter(([key]) => !this.up.has(key))
      .map(([, { n1, n2, cost }]) => ({ n1, n2, cost }))
      .sort((a, b) => compareNames(a.n1, b.n1) || compareNames(a.n2, b.n2));
  }

  /**
   * This table with the link between `n1` and `n2` up or down: the same table when nothing changes or the
   * topology has no such link, otherwise a rebuilt one.
   */
  withLink(n1: string, n2: string, up: boolean): RoutingTable {
    const key = linkKey(n1, n2);
    if (!this.links.has(key) || this.up.has(key) === up) return this;
    const next = new Set(this.up);
    if (up) next.add(key);
    else next.delete(key);
    return RoutingTable.withGraph(this.domains, this.links, next);
  }

  /**
   * This table with every link of the `avoid` domains down: routes that do not pass through them (the domains an
   * envelope has already crossed, so that two domains that each see only their own links never pass it back and forth).
   * Same instance when nothing changes.
   */
  withoutDomains(avoid: Iterable<string>): RoutingTable {
    const avoided = new Set(avoid);
    const next = new Set(
      [...this.up].filter((key) => {
        const link = this.links.get(key) as Link;
        return !avoided.has(link.n1) && !avoided.has(link.n2);
      }),
    );
    return next.size === this.up.size ? this : RoutingTable.withGraph(this.domains, this.links, next);
  }

  /**
   * The table of a new topology version. Links it shares with this one keep their state; links new to it are up
   * when `newLinksUp` (default true).
   */
  withTopology(graph: RoutingGraph, newLinksUp = true): RoutingTable {
    return RoutingTable.build(graph, (n1, n2) => {
      const key = linkKey(n1, n2);
      return this.links.has(key) ? this.up.has(key) : newLinksUp;
    });
  }
}

/** Plain string order (not locale order), the tie-break of the path rule. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function linkKey(n1: string, n2: string): string {
  return JSON.stringify(n1 < n2 ? [n1, n2] : [n2, n1]);
}

function collectLinks(known: ReadonlySet<string>, domainLinks: readonly DomainLink[]): Map<string, Link> {
  const links = new Map<string, Link>();
  for (const link of domainLinks) {
    const cost = link.cost ?? 1;
    if (!(Number.isFinite(cost) && cost > 0)) {
      throw new LinkerError<CommonErrorCode>(
        'INVALID_ARGUMENT',
        `the link ${link.n1}-${link.n2} has cost ${cost}: it must be a finite positive number`,
      );
    }
    if (link.n1 === link.n2 || !known.has(link.n1) || !known.has(link.n2)) continue;
    const key = linkKey(link.n1, link.n2);
    const [n1, n2] = link.n1 < link.n2 ? [link.n1, link.n2] : [link.n2, link.n1];
    const existing = links.get(key);
    if (!existing || cost < existing.cost) links.set(key, { n1, n2, cost });
  }
  return links;
}

/**
 * One Dijkstra from `source` (Brandes' variant, which keeps every shortest-path predecessor of each node). Nodes
 * come out in order of distance, so a node's predecessors are settled before it, and the node's path is the
 * smallest of its predecessors' paths, each extended by the node. (Extended, then compared: `[a]` is smaller than
 * `[a, 9]`, but `[a, b]` is larger than `[a, 9, b]`. Any shortest path to the node is a shortest path to one of its
 * predecessors extended, and the smallest one to that predecessor, extended, is no larger, so the rule holds.)
 */
function routesFrom(graph: CostGraph, source: string, domains: readonly string[]): DomainRoutes {
  const [settled, predecessors] = brandes(graph, source, 'cost');
  const paths = new Map<string, { path: string[]; cost: number }>([[source, { path: [source], cost: 0 }]]);
  const routes = new Map<string, Route>([[source, { kind: 'local', destination: source }]]);
  for (const node of settled) {
    if (node === source) continue;
    let best: { path: string[]; cost: number } | undefined;
    for (const predecessor of predecessors[node]) {
      const candidate = paths.get(predecessor)!;
      if (!best || compareExtended(candidate.path, best.path, node) < 0) best = candidate;
    }
    const from = best!;
    const path = [...from.path, node];
    const cost = from.cost + graph.getEdgeAttribute(from.path[from.path.length - 1], node, 'cost');
    paths.set(node, { path, cost });
    routes.set(node, { kind: 'forward', destination: node, via: path[1], cost, hops: path.length - 1 });
  }
  for (const destination of domains) {
    if (!routes.has(destination)) routes.set(destination, { kind: 'unreachable', destination, reason: 'no-path' });
  }
  return new DomainRoutes(source, routes, new Map([...paths].map(([node, { path }]) => [node, path])));
}

/** Compares `[...a, last]` with `[...b, last]` without building them. */
function compareExtended(a: readonly string[], b: readonly string[], last: string): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i <= length; i++) {
    const x = i < a.length ? a[i] : i === a.length ? last : undefined;
    const y = i < b.length ? b[i] : i === b.length ? last : undefined;
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return compareNames(x, y);
  }
  return 0;
}
