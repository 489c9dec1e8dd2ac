import { routeUser, type HomeLookup, type RouteLookup, type UnroutableReason } from './destination';
import type { UnreachableReason } from './routing-table';

/** A recipient no route reaches: `domain` is its destination when it has one. */
export interface UnreachableRecipient {
  readonly userId: string;
  readonly reason: UnreachableReason | UnroutableReason;
  readonly domain?: string;
}

/**
 * A group message's recipients split by where they go next (docs/protocol.md, Federation): each list keeps the order in which its
 * recipients first appeared, and a recipient listed twice counts once.
 */
export interface GroupSplit {
  /** Recipients whose destination is this domain. */
  readonly local: string[];
  /** One sub-group per next hop: neighbour → the recipients to forward to it (whatever domain beyond it they live in). */
  readonly forwards: ReadonlyMap<string, string[]>;
  /** Recipients that cannot be reached, with why. */
  readonly unreachable: UnreachableRecipient[];
}

/**
 * Split user ids by where they go next from `routes.domain` for an envelope that has crossed `path`, each by its
 * `routeUser`; ids that lead to no domain, and homes no route reaches, are reported unreachable with the reason.
 */
export function splitGroup(view: HomeLookup, routes: RouteLookup, userIds: Iterable<string>, path?: readonly string[]): GroupSplit {
  const local: string[] = [];
  const forwards = new Map<string, string[]>();
  const unreachable: UnreachableRecipient[] = [];
  const seen = new Set<string>();
  for (const userId of userIds) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    const route = routeUser(view, routes, userId, path);
    if (route.kind === 'local') local.push(userId);
    else if (route.kind === 'forward') pushTo(forwards, route.via, userId);
    else if (route.kind === 'unroutable') unreachable.push({ userId, reason: route.reason });
    else unreachable.push({ userId, domain: route.destination, reason: route.reason });
  }
  return { local, forwards, unreachable };
}

function pushTo(groups: Map<string, string[]>, key: string, userId: string): void {
  const group = groups.get(key);
  if (group) group.push(userId);
  else groups.set(key, [userId]);
}
