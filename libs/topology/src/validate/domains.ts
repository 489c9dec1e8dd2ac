import type { Domain, DomainLink } from '../topology';
import { asList, checkKeys, describeValue, mappingsOf, readString, type Mapping } from './fields';

const DOMAIN_KEYS = ['name', 'urls'];
const LINK_KEYS = ['n1', 'n2', 'cost'];
/** Domain names end up in topic, subject and key names: keep them to a safe alphabet. */
const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const URL_SCHEMES = ['ws:', 'wss:', 'tcp:'];

/** The domains read, and whether a name may be called unknown (not when the list itself could not be read). */
export interface DomainsRead {
  domains: Domain[];
  /** Whether `name` is a domain of the document (true for every name when the list was unreadable). */
  knows(name: string): boolean;
}

/** `domains`: each with a unique, well-formed name and ws://, wss:// or tcp:// urls. */
export function readDomains(root: Mapping): DomainsRead {
  const list = asList(root, 'domains', true);
  if (!list) return { domains: [], knows: () => true };
  const { domains, written } = readDomainList(root, list);
  return { domains, knows: (name) => written.has(name) };
}

function readDomainList(root: Mapping, list: unknown[]): { domains: Domain[]; written: Set<string> } {
  if (list.length === 0) root.problems.error(['domains'], 'must list at least one domain');
  const domains: Domain[] = [];
  const written = new Set<string>();
  const firstIndex = new Map<string, number>();
  for (const map of mappingsOf(list, ['domains'], root.problems)) {
    checkKeys(map, DOMAIN_KEYS);
    const name = readDomainName(map);
    const urls = readUrls(map);
    if (name === undefined) continue;
    written.add(name);
    const first = firstIndex.get(name);
    if (first !== undefined) {
      map.problems.error([...map.path, 'name'], `duplicate domain name "${name}" (also domains[${first}])`);
      continue;
    }
    firstIndex.set(name, map.index);
    domains.push({ name, urls });
  }
  return { domains, written };
}

function readDomainName(map: Mapping): string | undefined {
  const name = readString(map, 'name', { required: true });
  if (name === undefined || DOMAIN_NAME.test(name)) return name;
  map.problems.error(
    [...map.path, 'name'],
    `"${name}" is not a valid domain name: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit`,
  );
  return name;
}

function readUrls(map: Mapping): string[] {
  const list = asList(map, 'urls', false) ?? [];
  const urls: string[] = [];
  list.forEach((value, index) => {
    const problem = urlProblem(value);
    if (problem) map.problems.error([...map.path, 'urls', index], problem);
    else urls.push(value as string);
  });
  return urls;
}

function urlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a URL, got ${describeValue(value)}`;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !URL_SCHEMES.includes(url.protocol) || url.hostname === '') {
    return `"${value}" is not a ws://, wss:// or tcp:// URL with a host`;
  }
  if (url.protocol === 'tcp:' && url.port === '') return `"${value}" needs a port (tcp://host:port)`;
  return undefined;
}

/** `domainLinks`: undirected, between two different known domains, each pair once, cost > 0. */
export function readLinks(root: Mapping, knows: (name: string) => boolean): DomainLink[] {
  const links: DomainLink[] = [];
  const firstIndex = new Map<string, number>();
  for (const map of mappingsOf(asList(root, 'domainLinks', false) ?? [], ['domainLinks'], root.problems)) {
    checkKeys(map, LINK_KEYS);
    const n1 = readEnd(map, 'n1', knows);
    const n2 = readEnd(map, 'n2', knows);
    const cost = readCost(map);
    if (n1 === undefined || n2 === undefined) continue;
    if (n1 === n2) {
      map.problems.error(map.path, `links domain "${n1}" to itself`);
      continue;
    }
    const pair = [n1, n2].sort().join('\n');
    const first = firstIndex.get(pair);
    if (first !== undefined) {
      map.problems.error(map.path, `duplicate of domainLinks[${first}] (links are undirected: ${n1} – ${n2})`);
      continue;
    }
    firstIndex.set(pair, map.index);
    links.push(cost === undefined ? { n1, n2 } : { n1, n2, cost });
  }
  return links;
}

function readEnd(map: Mapping, key: 'n1' | 'n2', knows: (name: string) => boolean): string | undefined {
  const name = readString(map, key, { required: true });
  if (name === undefined || knows(name)) return name;
  map.problems.error([...map.path, key], `names an unknown domain "${name}" (not in domains)`);
  return undefined;
}

function readCost(map: Mapping): number | undefined {
  const value = map.value.cost;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  map.problems.error([...map.path, 'cost'], `must be a positive number, got ${describeValue(value)}`);
  return undefined;
}
