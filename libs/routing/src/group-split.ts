import { destinationOf, type Destination, type HomeLookup, type UnroutableReason } from './destination';
import type { DomainRoutes, UnreachableReason } from './routing-table';

/** A recipient and the domain a message for it must reach. */
export interface Recipient {
  readonly userId: string;
  readonly domain: string;
}

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

/** Split recipients whose destination domains are known into local ones, one sub-group per next hop, and unreachable ones. */
export function splitByNextHop(routes: DomainRoutes, recipients: Iterable<Recipient>): GroupSplit {
  return split(routes, recipients, (r) => r.userId, (r) => ({ kind: 'domain', domain: r.domain }));
}

/**
 * Split user ids by where they go next from `routes.domain`, their destinations taken from their home domains
 * (`destinationOf`); ids that lead to no domain are reported unreachable with the reason.
 */
export function splitGroup(view: HomeLookup, routes: DomainRoutes, userIds: Iterable<string>): GroupSplit {
  return split(routes, userIds, (userId) => userId, (userId) => destinationOf(view, userId, routes.domain));
}

function split<T>(routes: DomainRoutes, items: Iterable<T>, idOf: (item: T) => string, destinationOfItem: (item: T) => Destination): GroupSplit {
  const local: string[] = [];
  const forwards = new Map<string, string[]>();
  const unreachable: UnreachableRecipient[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const userId = idOf(item);
    if (seen.has(userId)) continue;
    seen.add(userId);
    const destination = destinationOfItem(item);
    if (destination.kind === 'unroutable') {
      unreachable.push({ userId, reason: destination.reason });
      continue;
    }
    const route = routes.to(destination.domain);
    if (route.kind === 'local') local.push(userId);
    else if (route.kind === 'forward') pushTo(forwards, route.via, userId);
    else unreachable.push({ userId, domain: destination.domain, reason: route.reason });
  }
  return { local, forwards, unreachable };
}

function pushTo(groups: Map<string, string[]>, key: string, userId: string): void {
  const group = groups.get(key);
  if (group) group.push(userId);
  else groups.set(key, [userId]);
}
