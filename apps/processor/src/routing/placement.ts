import type { TopologyView } from '@linker/topology';

/**
 * Where a recipient is, for routing (docs/protocol.md, Home domain): `local` (home here, or at home everywhere), `unknown-app` (the id
 * names no client app, or is not a user id at all), `unreachable` (home elsewhere, or outside every range).
 * Federation (`wayTo`) turns "home elsewhere" into a next hop; placement alone counts it unreachable.
 */
export type Placement = 'local' | 'unknown-app' | 'unreachable';

export function placement(view: TopologyView, userId: string, domain: string): Placement {
  const home = view.home(userId);
  switch (home.kind) {
    case 'everywhere':
      return 'local';
    case 'domain':
      return home.domain === domain ? 'local' : 'unreachable';
    case 'invalid-user-id':
    case 'unknown-app':
      return 'unknown-app';
    case 'outside-ranges':
      return 'unreachable';
  }
}

/** The next hop toward each other domain (federation) for an envelope that has crossed `path` (ADR 0009). */
export interface NextHops {
  nextHop(destination: string, path?: readonly string[]): string | undefined;
}

/** Where an envelope for a user goes: delivered here, handed to a neighbour, or refused (the placement's reason). */
export type Way = { kind: 'local' } | { kind: 'forward'; via: string } | { kind: 'unknown-app' } | { kind: 'unreachable' };

const LOCAL: Way = { kind: 'local' };
const UNKNOWN_APP: Way = { kind: 'unknown-app' };
const UNREACHABLE: Way = { kind: 'unreachable' };

/**
 * The way to `userId` from `domain`: local when at home here; else, with `routes` (federation), the next hop toward
 * its home domain for an envelope that crossed `path`; unreachable without routes, without a path, or outside every
 * range.
 */
export function wayTo(view: TopologyView, routes: NextHops | undefined, userId: string, domain: string, path?: readonly string[]): Way {
  const home = view.home(userId);
  if (home.kind === 'everywhere' || (home.kind === 'domain' && home.domain === domain)) return LOCAL;
  if (home.kind === 'invalid-user-id' || home.kind === 'unknown-app') return UNKNOWN_APP;
  if (home.kind !== 'domain' || routes === undefined) return UNREACHABLE;
  const via = routes.nextHop(home.domain, path);
  return via === undefined ? UNREACHABLE : { kind: 'forward', via };
}

/** Recipients split by placement, each list in the order given. */
export function classify(view: TopologyView, userIds: readonly string[], domain: string): Record<Placement, string[]> {
  const result: Record<Placement, string[]> = { local: [], 'unknown-app': [], unreachable: [] };
  for (const userId of userIds) result[placement(view, userId, domain)].push(userId);
  return result;
}

/** A list of user ids for an error message: the first few, then how many more. */
export function nameList(userIds: readonly string[], shown = 20): string {
  const head = userIds.slice(0, shown).join(', ');
  return userIds.length > shown ? `${head} and ${userIds.length - shown} more` : head;
}
