import { getJson, HttpProblem, messageOf, readBody, request, versionOf } from './http';

// The meta-server's API (docs/protocol.md, Meta-server API; ADR 0010) as this page uses it, through the UI server's same-origin `/meta` proxy.
// The shapes are the HTTP contract (OpenAPI at /meta/docs), narrowed to the fields the page reads.

/** One problem of a topology document. */
export interface Problem {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** 1-based line in the YAML, when the parser could locate it. */
  line?: number;
}

interface LinkKey {
  n1: string;
  n2: string;
  cost: number;
}

export type Placement = { kind: 'domain'; domain: string } | { kind: 'everywhere' } | { kind: 'outside-ranges' };

/** What an edit would change (`diffTopology`). */
export interface TopologyDiff {
  domains: { added: string[]; removed: string[]; changed: Array<{ name: string; urlsBefore: string[]; urlsAfter: string[] }> };
  links: { added: LinkKey[]; removed: LinkKey[]; changed: Array<{ n1: string; n2: string; costBefore: number; costAfter: number }> };
  apps: { added: string[]; removed: string[]; changed: Array<{ appName: string; fields: string[] }> };
  movedUsers: Array<{ appName: string; from: number; to: number; before: Placement; after: Placement }>;
}

export interface ValidateAnswer {
  valid: boolean;
  version?: string;
  currentVersion: string;
  problems: Problem[];
  diff?: TopologyDiff;
}

export interface HistoryEntry {
  version: string;
  author: string;
  time: string;
  kind: 'loaded' | 'edit' | 'rollback';
}

/** The topology as JSON (secrets masked): what the graph and the chat's app lookup read. */
export interface TopologyDoc {
  domains: Array<{ name: string; urls: string[] }>;
  domainLinks: Array<{ n1: string; n2: string; cost?: number }>;
  clientApps: Array<{ appName: string; appId: string; masterUserId?: string }>;
}

export type Home =
  | { kind: 'domain'; domain: string }
  | { kind: 'everywhere' }
  | { kind: 'invalid-user-id' }
  | { kind: 'unknown-app' }
  | { kind: 'outside-ranges' };

export interface RoutePreview {
  from: { userId: string; home: Home };
  to: { userId: string; home: Home };
  path: string[];
  reason?: string;
}

/** The outcome of a write (apply or rollback), in the words the page shows. */
export type WriteOutcome =
  | { outcome: 'saved'; version: string; changed: boolean; message: string }
  | { outcome: 'stale'; currentVersion?: string; message: string }
  | { outcome: 'invalid'; problems: Problem[]; message: string }
  | { outcome: 'unauthorized'; message: string }
  | { outcome: 'forbidden'; message: string }
  | { outcome: 'failed'; message: string };

/** `GET /topology` as YAML, with its version (the `ETag`). */
export async function fetchTopologyYaml(): Promise<{ yaml: string; version: string }> {
  const response = await request('/meta/topology', { headers: { accept: 'application/yaml' }, cache: 'no-store' });
  if (!response.ok)
    throw new HttpProblem(response.status, messageOf(await readBody(response)) ?? `GET /topology answered HTTP ${response.status}`);
  return { yaml: await response.text(), version: versionOf(response.headers.get('etag')) ?? '' };
}

/** `GET /topology` as JSON, with its version. */
export async function fetchTopologyDoc(): Promise<{ doc: TopologyDoc; version: string }> {
  const response = await request('/meta/topology', { headers: { accept: 'application/json' }, cache: 'no-store' });
  const body = await readBody(response);
  if (!response.ok) throw new HttpProblem(response.status, messageOf(body) ?? `GET /topology answered HTTP ${response.status}`);
  return { doc: body as TopologyDoc, version: versionOf(response.headers.get('etag')) ?? '' };
}

/**
 * `POST /topology/validate`: the dry run. With the admin token (when the person typed one), the meta-server does not
 * count the check against this address's validation time (ADR 0013). A document refused by a limit (422: too many
 * tokens, nested too deep) is an answer like any invalid one: its problem names the limit.
 */
export async function validateTopology(yaml: string, token: string, signal?: AbortSignal): Promise<ValidateAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/yaml', accept: 'application/json' };
  if (token.trim() !== '') headers.authorization = `Bearer ${token.trim()}`;
  const response = await request('/meta/topology/validate', { method: 'POST', body: yaml, headers, signal });
  const body = await readBody(response);
  if (response.status === 413) throw new HttpProblem(413, 'the document is over 1 MiB: the meta-server refuses it');
  if (response.status === 422) {
    const refused = body as { currentVersion?: string; problems?: Problem[] };
    return { valid: false, currentVersion: refused.currentVersion ?? '', problems: refused.problems ?? [] };
  }
  // 429 and 503 say in words when to come back (the next keystroke checks again).
  if (!response.ok) throw new HttpProblem(response.status, messageOf(body) ?? `validate answered HTTP ${response.status}`);
  return body as ValidateAnswer;
}

export const fetchHistory = (): Promise<HistoryEntry[]> => getJson<HistoryEntry[]>('/meta/topology/history', { cache: 'no-store' });

/** `GET /topology/route`: homes and the path of a message from `from` to `to` with `down` links taken as down. */
export function fetchRoute(from: string, to: string, down: readonly string[], at?: string): Promise<RoutePreview> {
  const query = new URLSearchParams({ from, to, down: down.join(',') });
  if (at !== undefined) query.set('at', at);
  return getJson<RoutePreview>(`/meta/topology/route?${query.toString()}`, { cache: 'no-store' });
}

function writeHeaders(token: string, author: string): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token.trim() !== '') headers.authorization = `Bearer ${token.trim()}`;
  if (author.trim() !== '') headers['x-linker-author'] = author.trim();
  return headers;
}

/** `PUT /topology` with `If-Match: "<baseVersion>"`. */
export async function applyTopology(yaml: string, baseVersion: string, token: string, author: string): Promise<WriteOutcome> {
  const headers = { ...writeHeaders(token, author), 'content-type': 'application/yaml', 'if-match': `"${baseVersion}"` };
  return writeOutcome(await request('/meta/topology', { method: 'PUT', body: yaml, headers }));
}

/** `POST /topology/rollback/{version}`. */
export async function rollbackTopology(version: string, token: string, author: string): Promise<WriteOutcome> {
  return writeOutcome(
    await request(`/meta/topology/rollback/${encodeURIComponent(version)}`, { method: 'POST', headers: writeHeaders(token, author) }),
  );
}

/** A write's HTTP answer in words (ADR 0010: 412 stale, 422 invalid, 401 wrong token, 403 writes disabled). */
async function writeOutcome(response: Response): Promise<WriteOutcome> {
  const body = await readBody(response);
  const said = messageOf(body);
  switch (response.status) {
    case 200: {
      const answer = body as { version: string; changed: boolean };
      return {
        outcome: 'saved',
        version: answer.version,
        changed: answer.changed,
        message: answer.changed
          ? `Saved: version ${answer.version} is now current everywhere it is followed.`
          : `Saved, but nothing changed: version ${answer.version} stays current.`,
      };
    }
    case 412: {
      const currentVersion = (body as { currentVersion?: string }).currentVersion ?? versionOf(response.headers.get('etag'));
      return {
        outcome: 'stale',
        currentVersion,
        message: `Not saved: the topology changed since you loaded it (it is now version ${currentVersion ?? 'unknown'}). Reload it and redo your edit.`,
      };
    }
    case 422:
      return {
        outcome: 'invalid',
        problems: (body as { problems?: Problem[] }).problems ?? [],
        message: `Not saved: ${said ?? 'the topology is invalid'}. See the problems below the editor.`,
      };
    case 401:
      return {
        outcome: 'unauthorized',
        message:
          'Not saved: the admin token is missing or wrong (HTTP 401). Enter the token the meta-server was given in LINKER_ADMIN_TOKEN.',
      };
    case 403:
      return {
        outcome: 'forbidden',
        message: 'Not saved: this meta-server accepts no writes (HTTP 403): it was started without an admin token (LINKER_ADMIN_TOKEN).',
      };
    case 404:
      return { outcome: 'failed', message: `Not saved: ${said ?? 'no such version in the history'}.` };
    case 413:
      return { outcome: 'failed', message: 'Not saved: the document is over 1 MiB (HTTP 413).' };
    default:
      return { outcome: 'failed', message: `Not saved: the meta-server answered HTTP ${response.status}${said ? `: ${said}` : ''}.` };
  }
}
