import type { Home } from '@linker/topology';
import type { Route } from './routing-table';

/** Why a user id leads to no domain at all (docs/protocol.md, Home domain): not `<appName>-<number>`, no such app, or outside every range. */
export type UnroutableReason = 'invalid-user-id' | 'unknown-app' | 'outside-ranges';

/** The home lookup of `@linker/topology`'s `TopologyView` (all this module needs of it). */
export interface HomeLookup {
  home(userId: string): Home;
}

/**
 * The routes from one domain as `routeUser` and `splitGroup` read them: a `DomainRoutes`, or routes that also keep
 * clear of the domains an envelope has crossed (`path`), as a processor's routes over its links do. `to` runs once
 * per recipient of every message: it must be a lookup, not a computation.
 */
export interface RouteLookup {
  /** The domain the routes start from. */
  readonly domain: string;
  /** The route to `destination` for an envelope that has crossed `path` (routes that ignore paths take no notice). */
  to(destination: string, path?: readonly string[]): Route;
}

/** A user id that leads to no domain, and why. */
export interface UnroutableRoute {
  readonly kind: 'unroutable';
  readonly reason: UnroutableReason;
}

/** A route to a user: the domain route to its home, or `unroutable` when the id leads to no domain. */
export type UserRoute = Route | UnroutableRoute;

const UNROUTABLE: { readonly [R in UnroutableReason]: UnroutableRoute } = {
  'invalid-user-id': { kind: 'unroutable', reason: 'invalid-user-id' },
  'unknown-app': { kind: 'unroutable', reason: 'unknown-app' },
  'outside-ranges': { kind: 'unroutable', reason: 'outside-ranges' },
};

/**
 * The route from `routes.domain` to the home of `userId` (`TopologyView.home`) for an envelope that has crossed
 * `path`: `local` when the home is this domain, or when the user's app has no distributions (its users are at home
 * everywhere, so here); else `forward` to the next hop, `unreachable`, or `unroutable` when the id leads to no domain.
 * Allocates nothing of its own (the routes and the unroutable answers are shared objects).
 */
export function routeUser(view: HomeLookup, routes: RouteLookup, userId: string, path?: readonly string[]): UserRoute {
  const home = view.home(userId);
  switch (home.kind) {
    case 'domain':
      return routes.to(home.domain, path);
    case 'everywhere':
      return routes.to(routes.domain, path);
    default:
      return UNROUTABLE[home.kind];
  }
}

/** The routes of a domain with no links to the others: itself is local, every other domain unreachable (no path). */
export function isolatedRoutes(domain: string): RouteLookup {
  const local: Route = { kind: 'local', destination: domain };
  return { domain, to: (destination) => (destination === domain ? local : { kind: 'unreachable', destination, reason: 'no-path' }) };
}
