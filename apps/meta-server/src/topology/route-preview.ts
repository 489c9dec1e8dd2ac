import { LinkerError } from '@linker/kernel';
import { RoutingTable } from '@linker/routing';
import { parseUserId, TopologyView, type Home, type Topology } from '@linker/topology';
import type { MetaServerErrorCode } from '../errors';

/** `GET /topology/route`: where two users live and the path a message from one to the other would take. */
export interface RoutePreview {
  from: { userId: string; home: Home };
  to: { userId: string; home: Home };
  /** The domains the message would cross, both ends included; empty when it cannot get there (see `reason`). */
  path: string[];
  /** Why there is no path, in words. */
  reason?: string;
}

/** What the preview is asked: two user ids, the links to treat as down, and where a user at home everywhere is. */
export interface RouteQuery {
  from: string;
  to: string;
  /** Links taken as down, each as its two domain names (either order). */
  down: ReadonlyArray<readonly [string, string]>;
  /** The domain a sender whose app has no distributions is connected to (default: the recipient's home). */
  at?: string;
}

/**
 * Read the query string of `GET /topology/route`: `from` and `to` user ids (`<appName>-<number>`), `down` as
 * `a~b,c~d`, optional `at` (a domain of `topology`). Throws `INVALID_ARGUMENT` listing every problem.
 */
export function parseRouteQuery(topology: Topology, query: Record<string, unknown>): RouteQuery {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value.trim();
    problems.push(`${name} must be given once`);
    return undefined;
  };
  const userId = (name: 'from' | 'to'): string => {
    const value = text(name) ?? '';
    if (value === '') problems.push(`${name} is required: a user id such as ANZ-123456`);
    else if (parseUserId(value) === undefined)
      problems.push(`${name} ${JSON.stringify(value)} is not a user id: it must be <appName>-<number>, e.g. ANZ-123456`);
    return value;
  };
  const from = userId('from');
  const to = userId('to');
  const down: Array<[string, string]> = [];
  for (const item of (text('down') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const names = item.split('~');
    if (names.length === 2 && names.every((name) => name.trim() !== '')) down.push([names[0].trim(), names[1].trim()]);
    else problems.push(`down ${JSON.stringify(item)} is not a link: write it <domain>~<domain>, several separated by commas`);
  }
  const at = text('at') || undefined;
  if (at !== undefined && !topology.domains.some((d) => d.name === at))
    problems.push(`at ${JSON.stringify(at)} is not a domain of the topology`);
  if (problems.length > 0) throw new LinkerError<MetaServerErrorCode>('INVALID_ARGUMENT', problems.join('; '));
  return { from, to, down, at };
}

/**
 * The path a message from `query.from` to `query.to` would take over the links of `topology` that are not in
 * `query.down`: the homes come from `TopologyView.home`, the path from `RoutingTable` (least cost, the processors'
 * own path rule). A user whose app has no distributions is at home everywhere: as a sender it is taken to be in
 * `query.at` (else at the recipient's home), as a recipient it is reached where the sender is.
 */
export function previewRoute(topology: Topology, query: RouteQuery): RoutePreview {
  const view = new TopologyView(topology);
  const from = { userId: query.from, home: view.home(query.from) };
  const to = { userId: query.to, home: view.home(query.to) };
  const answer = (path: string[], reason?: string): RoutePreview =>
    reason === undefined ? { from, to, path } : { from, to, path, reason };
  const fromProblem = homeProblem(from.userId, from.home, 'send from');
  if (fromProblem) return answer([], fromProblem);
  const toProblem = homeProblem(to.userId, to.home, 'receive');
  if (toProblem) return answer([], toProblem);
  const fromDomain = domainOf(from.home) ?? query.at ?? domainOf(to.home) ?? topology.domains.map((d) => d.name).sort()[0];
  const toDomain = domainOf(to.home) ?? fromDomain;
  if (fromDomain === undefined) return answer([], 'the topology has no domain');
  const down = new Set(query.down.map(([a, b]) => linkName(a, b)));
  const table = RoutingTable.build(topology, (n1, n2) => !down.has(linkName(n1, n2)));
  const unknown = [...new Set([fromDomain, toDomain])].filter((name) => !table.domains.includes(name));
  if (unknown.length > 0) return answer([], `${unknown.join(' and ')} ${unknown.length === 1 ? 'is' : 'are'} not a domain of the topology`);
  if (table.route(fromDomain, toDomain).kind !== 'unreachable') return answer(table.path(fromDomain, toDomain));
  const downList = table.linksDown().map((l) => linkName(l.n1, l.n2));
  return answer(
    [],
    `no path from ${fromDomain} to ${toDomain} over the links that are up${downList.length > 0 ? ` (down: ${downList.join(', ')})` : ''}`,
  );
}

/** `a~b` with the two names sorted: how the UI and `down` name a link. */
export function linkName(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

function domainOf(home: Home): string | undefined {
  return home.kind === 'domain' ? home.domain : undefined;
}

/** Why `userId` can take no part in a message, in words; undefined when it can. */
function homeProblem(userId: string, home: Home, role: string): string | undefined {
  const app = userId.replace(/-\d+$/, '');
  switch (home.kind) {
    case 'invalid-user-id':
      return `${userId} is not a user id (<appName>-<number>)`;
    case 'unknown-app':
      return `${userId} cannot ${role}: no client app is named ${app}`;
    case 'outside-ranges':
      return `${userId} cannot ${role}: its number is outside every user range of app ${app}, so it has no home domain`;
    default:
      return undefined;
  }
}
