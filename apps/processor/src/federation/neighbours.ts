import {
  isCleartextEndpoint,
  type LinkLimits,
  type LinkTls,
  type LinkTransport,
  type OutboundLink,
  type OutboundLinkMetrics,
} from '@linker/domain-link';
import type { Logger } from '@linker/observability';
import { RoutingTable, type DomainRoutes, type Route, type RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';

export interface NeighboursOptions {
  domain: string;
  transport: LinkTransport;
  /** The secret shared with each neighbour (configuration, never the topology); undefined → that link is refused. */
  secretFor(peer: string): string | undefined;
  limits?: Partial<LinkLimits>;
  /** What dialing trusts and presents, and whether a `ws://` neighbour is dialed; default: the system's CAs, cleartext allowed. */
  tls?: LinkTls;
  logger: Logger;
}

/**
 * This processor's outbound links, one per neighbour the topology names (each dialed by this process and kept up by
 * the link itself, with backoff), and the routes over them (ADR 0009). Links between two other domains count as up:
 * a domain sees only its own links; a neighbour that cannot pass an envelope on routes it again itself.
 * The routes are rebuilt when the topology version changes (`follow` or `route` is given the batch's view) or when
 * one of this processor's links goes up or down; between those, a lookup is a map access.
 */
export class Neighbours {
  private readonly links = new Map<string, OutboundLink>();
  private view: TopologyView | undefined;
  /** Routes over the links that are up, and over every link (where custody waits when nothing is up). */
  private table: RoutingTable | undefined;
  private whole: RoutingTable | undefined;
  /** Routes per (which table, avoided domains); emptied whenever a table changes. */
  private readonly cache = new Map<string, DomainRoutes>();
  private closed = false;
  private readonly local: Route;

  constructor(private readonly options: NeighboursOptions) {
    this.local = { kind: 'local', destination: options.domain };
  }

  /**
   * The route from this domain to `destination` for an envelope that has crossed `path` (ADR 0009): `local` for this
   * domain itself, else `forward` to the next hop
   * - over the links that are up, not passing through a domain already on the path (each domain sees only its own
   *   links: without this, two domains could pass an envelope back and forth);
   * - else where custody waits: the path over every link, still avoiding those domains.
   * An envelope is never sent back through a domain it crossed: that domain has seen its id and would drop it as a
   * repeat, after acknowledging it (custody would end in nothing). So a domain with no way on that is up keeps it in
   * custody until one comes up, and `unreachable` (no way) when every way leads back: the caller dead-letters it. With
   * one topology everywhere that happens only to what a neighbour relays wrongly (two domains that saw different
   * versions, or a faulty peer). Tables per set of avoided domains are kept until the next change.
   */
  route(view: TopologyView, destination: string, path: readonly string[] = []): Route {
    this.follow(view);
    const { domain } = this.options;
    if (destination === domain) return this.local;
    const avoid = path.filter((d) => d !== domain && d !== destination);
    const live = this.avoiding(avoid, 'live').to(destination);
    return live.kind === 'forward' ? live : this.avoiding(avoid, 'whole').to(destination);
  }

  /** This domain's routes under `view` (`route`), as `routeUser` and `splitGroup` read them. */
  routes(view: TopologyView): RouteLookup {
    return { domain: this.options.domain, to: (destination, path) => this.route(view, destination, path) };
  }

  /** Dial the neighbours `view` names and close links it no longer names, if `view` is a new version. */
  follow(view: TopologyView): void {
    if (view !== this.view) this.sync(view);
  }

  private avoiding(avoid: readonly string[], which: 'live' | 'whole'): DomainRoutes {
    const key = `${which}:${[...avoid].sort().join(',')}`;
    let routes = this.cache.get(key);
    if (routes === undefined) {
      const table = (which === 'live' ? this.table : this.whole) as RoutingTable;
      routes = (avoid.length === 0 ? table : table.withoutDomains(avoid)).from(this.options.domain);
      if (this.cache.size >= 256) this.cache.clear();
      this.cache.set(key, routes);
    }
    return routes;
  }

  /** The outbound link to `peer`, if the topology names it a neighbour. */
  link(peer: string): OutboundLink | undefined {
    return this.links.get(peer);
  }

  /** Since when the link to `peer` is down (epoch ms; since it was dialed if never up), or undefined while it is up. */
  downSinceOf(peer: string): number | undefined {
    const link = this.links.get(peer);
    return link !== undefined && !link.up ? link.metrics().since : undefined;
  }

  /** The counters of every outbound link. */
  metrics(): OutboundLinkMetrics[] {
    return [...this.links.values()].map((link) => link.metrics());
  }

  /** The neighbours of this domain in the current topology, by name. */
  peers(): string[] {
    return [...this.links.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => link.close()));
  }

  /** Dial the neighbours `view` names, close links it no longer names, rebuild the routes. */
  private sync(view: TopologyView): void {
    this.view = view;
    const { domain, logger } = this.options;
    const wanted = new Set(neighboursOf(view, domain));
    for (const [peer, link] of this.links) {
      if (wanted.has(peer)) continue;
      this.links.delete(peer);
      void link.close();
      logger.info('link closed: no longer in the topology', { peer });
    }
    for (const peer of wanted) if (!this.links.has(peer) && !this.closed) this.dial(view, peer);
    this.table = RoutingTable.build(view.topology, (n1, n2) => this.isUp(n1, n2));
    this.whole = RoutingTable.build(view.topology);
    this.cache.clear();
  }

  private dial(view: TopologyView, peer: string): void {
    const { domain, transport, secretFor, limits, tls, logger } = this.options;
    const endpoint = view.endpoints(peer).link;
    if (endpoint === undefined) {
      logger.error('neighbour has no link endpoint in the topology (domains[].urls[1]); not linked', { peer });
      return;
    }
    if (tls?.allowCleartext === false && isCleartextEndpoint(endpoint)) {
      logger.error(
        'neighbour link endpoint is unencrypted and LINKER_LINKS_ALLOW_CLEARTEXT is false; not linked (give it a wss:// endpoint)',
        { peer, endpoint },
      );
      return;
    }
    const link = transport.dial({ domain, peer, endpoint, secretFor, limits, tls: tls?.dial, logger: logger.child({ peer }) });
    link.onState(({ up }) => {
      this.table = this.table?.withLink(domain, peer, up);
      this.cache.clear();
    });
    this.links.set(peer, link);
  }

  private isUp(n1: string, n2: string): boolean {
    const { domain } = this.options;
    if (n1 !== domain && n2 !== domain) return true;
    return this.links.get(n1 === domain ? n2 : n1)?.up === true;
  }
}

/** The domains linked to `domain` in `view`. */
function neighboursOf(view: TopologyView, domain: string): string[] {
  const peers: string[] = [];
  for (const { n1, n2 } of view.topology.domainLinks) {
    if (n1 === domain) peers.push(n2);
    else if (n2 === domain) peers.push(n1);
  }
  return peers;
}
