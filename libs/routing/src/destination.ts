import type { Home } from '@linker/topology';
import type { DomainRoutes, Route } from './routing-table';

/** Why a user id leads to no domain at all (docs/protocol.md, Home domain): not `<appName>-<number>`, no such app, or outside every range. */
export type UnroutableReason = 'invalid-user-id' | 'unknown-app' | 'outside-ranges';

/** Where a message for a user must go: a domain, or nowhere and why. */
export type Destination =
  | { readonly kind: 'domain'; readonly domain: string }
  | { readonly kind: 'unroutable'; readonly reason: UnroutableReason };

/** The home lookup of `@linker/topology`'s `TopologyView` (all this module needs of it). */
export interface HomeLookup {
  home(userId: string): Home;
}

/**
 * The destination domain of a message for `userId`, seen from `localDomain`: the user's home domain
 * (`TopologyView.home`); a user of an app without distributions is at home everywhere, so here.
 */
export function destinationOf(view: HomeLookup, userId: string, localDomain: string): Destination {
  const home = view.home(userId);
  switch (home.kind) {
    case 'domain':
      return { kind: 'domain', domain: home.domain };
    case 'everywhere':
      return { kind: 'domain', domain: localDomain };
    default:
      return { kind: 'unroutable', reason: home.kind };
  }
}

/** A route to a user: the domain route to its home, or `unroutable` when the id leads to no domain. */
export type UserRoute = Route | { readonly kind: 'unroutable'; readonly reason: UnroutableReason };

/** The route from `routes.domain` to the home of `userId`: local, forward to a next hop, unreachable or unroutable. */
export function routeUser(view: HomeLookup, routes: DomainRoutes, userId: string): UserRoute {
  const destination = destinationOf(view, userId, routes.domain);
  return destination.kind === 'domain' ? routes.to(destination.domain) : destination;
}
