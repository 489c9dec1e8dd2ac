import type { ClientApp, DomainLink, Topology, UserDistribution } from './topology';
import { MAX_USER_NUMBER } from './topology-view';
import { canonicalJson } from './version';

/** Where an app's users with some numbers live in one version (docs/protocol.md, Home domain). */
export type Placement =
  | { kind: 'domain'; domain: string }
  /** The app has no distributions: its users are at home in every domain. */
  | { kind: 'everywhere' }
  /** No range holds the number: such users are refused at auth. */
  | { kind: 'outside-ranges' };

/** Users `<appName>-<from>` … `<appName>-<to>` (inclusive) whose home changes from `before` to `after`. */
export interface MovedUsers {
  appName: string;
  from: number;
  /** Inclusive; `MAX_USER_NUMBER` means no upper bound. */
  to: number;
  before: Placement;
  after: Placement;
}

/** A link, undirected, with its effective cost (default 1). */
export interface LinkKey {
  n1: string;
  n2: string;
  cost: number;
}

/** What changes from one topology version to the next. Secret values never appear, only the names of fields. */
export interface TopologyDiff {
  domains: { added: string[]; removed: string[]; changed: Array<{ name: string; urlsBefore: string[]; urlsAfter: string[] }> };
  links: { added: LinkKey[]; removed: LinkKey[]; changed: Array<{ n1: string; n2: string; costBefore: number; costAfter: number }> };
  apps: { added: string[]; removed: string[]; changed: Array<{ appName: string; fields: string[] }> };
  /** Per app present in both versions, the number ranges whose home changes; adjacent ranges with the same move are merged. */
  movedUsers: MovedUsers[];
}

/**
 * What would change if `after` replaced `before`: domains, links (undirected; a changed cost is a change), apps (by
 * name; the fields that differ), and which users change home. Moves are computed from the distributions' bounds, so
 * the cost is in the number of ranges, never in the number of users. Pure; order follows the documents.
 */
export function diffTopology(before: Topology, after: Topology): TopologyDiff {
  return {
    domains: diffDomains(before, after),
    links: diffLinks(before, after),
    apps: diffApps(before, after),
    movedUsers: diffHomes(before, after),
  };
}

function diffDomains(before: Topology, after: Topology): TopologyDiff['domains'] {
  const old = new Map(before.domains.map((d) => [d.name, d]));
  const now = new Map(after.domains.map((d) => [d.name, d]));
  return {
    added: after.domains.filter((d) => !old.has(d.name)).map((d) => d.name),
    removed: before.domains.filter((d) => !now.has(d.name)).map((d) => d.name),
    changed: after.domains.flatMap((d) => {
      const was = old.get(d.name);
      return was && canonicalJson(was.urls) !== canonicalJson(d.urls) ? [{ name: d.name, urlsBefore: was.urls, urlsAfter: d.urls }] : [];
    }),
  };
}

function linkKey(link: DomainLink): LinkKey {
  const [n1, n2] = link.n1 <= link.n2 ? [link.n1, link.n2] : [link.n2, link.n1];
  return { n1, n2, cost: link.cost ?? 1 };
}

function diffLinks(before: Topology, after: Topology): TopologyDiff['links'] {
  const id = (l: LinkKey) => `${l.n1}\u0000${l.n2}`;
  const old = new Map(before.domainLinks.map(linkKey).map((l) => [id(l), l]));
  const now = new Map(after.domainLinks.map(linkKey).map((l) => [id(l), l]));
  return {
    added: [...now.values()].filter((l) => !old.has(id(l))),
    removed: [...old.values()].filter((l) => !now.has(id(l))),
    changed: [...now.values()].flatMap((l) => {
      const was = old.get(id(l));
      return was && was.cost !== l.cost ? [{ n1: l.n1, n2: l.n2, costBefore: was.cost, costAfter: l.cost }] : [];
    }),
  };
}

function diffApps(before: Topology, after: Topology): TopologyDiff['apps'] {
  const old = new Map(before.clientApps.map((a) => [a.appName, a]));
  const now = new Map(after.clientApps.map((a) => [a.appName, a]));
  return {
    added: after.clientApps.filter((a) => !old.has(a.appName)).map((a) => a.appName),
    removed: before.clientApps.filter((a) => !now.has(a.appName)).map((a) => a.appName),
    changed: after.clientApps.flatMap((a) => {
      const was = old.get(a.appName);
      const fields = was ? changedFields(was, a) : [];
      return fields.length > 0 ? [{ appName: a.appName, fields }] : [];
    }),
  };
}

/** Names of the fields that differ (`authEnabled` unset and `true` are the same). */
function changedFields(before: ClientApp, after: ClientApp): string[] {
  const normalize = (app: ClientApp): Record<string, unknown> => ({ ...app, authEnabled: app.authEnabled ?? true });
  const a = normalize(before);
  const b = normalize(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null));
}

function diffHomes(before: Topology, after: Topology): MovedUsers[] {
  const old = new Map(before.clientApps.map((a) => [a.appName, a]));
  return after.clientApps.flatMap((app) => {
    const was = old.get(app.appName);
    return was ? movedUsers(app.appName, was.userDistributions ?? [], app.userDistributions ?? []) : [];
  });
}

/** The ranges of numbers whose home differs between two lists of distributions (first matching range wins). */
export function movedUsers(appName: string, before: readonly UserDistribution[], after: readonly UserDistribution[]): MovedUsers[] {
  const bounds = new Set<number>([0]);
  for (const d of [...before, ...after]) {
    bounds.add(d.from ?? 0);
    const to = d.to ?? MAX_USER_NUMBER;
    if (to < MAX_USER_NUMBER) bounds.add(to + 1);
  }
  const starts = [...bounds].filter((b) => b <= MAX_USER_NUMBER).sort((x, y) => x - y);
  const moves: MovedUsers[] = [];
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? starts[i + 1] - 1 : MAX_USER_NUMBER;
    const was = placementOf(before, from);
    const now = placementOf(after, from);
    if (samePlacement(was, now)) return;
    const last = moves.at(-1);
    if (last && last.to + 1 === from && samePlacement(last.before, was) && samePlacement(last.after, now)) last.to = to;
    else moves.push({ appName, from, to, before: was, after: now });
  });
  return moves;
}

function placementOf(distributions: readonly UserDistribution[], n: number): Placement {
  if (distributions.length === 0) return { kind: 'everywhere' };
  const found = distributions.find((d) => (d.from ?? 0) <= n && n <= (d.to ?? MAX_USER_NUMBER));
  return found ? { kind: 'domain', domain: found.domainName } : { kind: 'outside-ranges' };
}

function samePlacement(a: Placement, b: Placement): boolean {
  return a.kind === b.kind && (a.kind !== 'domain' || (b.kind === 'domain' && a.domain === b.domain));
}
