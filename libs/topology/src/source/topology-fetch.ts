import { errorMessage, LinkerError } from '@linker/kernel';
import type { TopologyProblem, TopologyErrorCode } from '../problems';
import type { Topology } from '../topology';
import { validateTopology } from '../validate/validate-topology';
import { topologyVersion } from '../version';

/** Largest `/topology` answer read (JSON of a 1 MiB YAML document is larger than the YAML). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** What one `GET /topology` brought. */
export type FetchOutcome =
  | { kind: 'unchanged' }
  | { kind: 'topology'; topology: Topology; version: string; problems: TopologyProblem[] }
  | { kind: 'invalid'; version: string; problems: TopologyProblem[] };

/** `<base>/topology`, keeping any path the base URL has (`http://h/meta` → `http://h/meta/topology`). */
export function topologyUrl(base: string): URL {
  return metaServerEndpoint(base, 'topology');
}

/** `<base>/topology/watch`: Server-Sent Events of new versions. */
export function watchUrl(base: string): URL {
  return metaServerEndpoint(base, 'topology/watch');
}

/** `<base>/internal/topology`: the meta-server's token-gated read, secrets included. */
export function internalTopologyUrl(base: string): URL {
  return metaServerEndpoint(base, 'internal/topology');
}

function metaServerEndpoint(base: string, path: string): URL {
  if (!URL.canParse(base))
    throw new LinkerError<TopologyErrorCode>('INVALID_META_SERVER_URL', `the meta-server URL ${JSON.stringify(base)} is not a URL`);
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

/**
 * GET the topology as JSON, conditional on `knownVersion` (If-None-Match), with `Authorization: Bearer <token>` when
 * a token is given (never shown in errors). Throws a retriable `META_SERVER_UNAVAILABLE` when the meta-server cannot be
 * reached or does not answer 200/304.
 */
export async function fetchTopology(
  url: URL,
  knownVersion: string | undefined,
  signal: AbortSignal,
  token?: string,
): Promise<FetchOutcome> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (knownVersion !== undefined) headers['if-none-match'] = `"${knownVersion}"`;
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (error) {
    throw unavailable(`cannot reach ${url.origin}: ${fetchFailure(error)}`, error);
  }
  if (response.status === 304) return { kind: 'unchanged' };
  if (response.status !== 200) {
    await response.body?.cancel();
    const hint =
      token !== undefined && (response.status === 401 || response.status === 404)
        ? ' (does the meta-server have the same LINKER_INTERNAL_TOKEN?)'
        : '';
    throw unavailable(`GET ${url.pathname} answered ${response.status}${hint}`);
  }
  return readAnswer(response);
}

async function readAnswer(response: Response): Promise<FetchOutcome> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw unavailable(`the topology answer is larger than ${MAX_ANSWER_BYTES} bytes`);
  }
  let value: unknown;
  try {
    const text = await response.text();
    if (text.length > MAX_ANSWER_BYTES) throw new Error(`larger than ${MAX_ANSWER_BYTES} bytes`);
    value = JSON.parse(text);
  } catch (error) {
    throw unavailable(`the topology answer is not usable JSON: ${errorMessage(error)}`, error);
  }
  const { topology, problems } = validateTopology(value);
  const etag = versionOfEtag(response.headers.get('etag'));
  if (!topology) return { kind: 'invalid', version: etag ?? 'unknown', problems };
  return { kind: 'topology', topology, version: etag ?? topologyVersion(topology), problems };
}

/** `"abc"` or `W/"abc"` → `abc`. */
function versionOfEtag(etag: string | null): string | undefined {
  const match = etag ? /^(?:W\/)?"([^"]*)"$/.exec(etag.trim()) : null;
  return match ? match[1] : undefined;
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout, …) is in its cause. */
function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${errorMessage(error)} (${detail})` : errorMessage(error);
}

function unavailable(message: string, cause?: unknown): LinkerError {
  return new LinkerError<TopologyErrorCode>('META_SERVER_UNAVAILABLE', message, { retriable: true, cause });
}
