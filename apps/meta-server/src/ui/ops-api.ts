import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpsConnector, OpsDeadLetters, OpsOverview, OpsProcessor, OpsReinjected } from '@linker/contracts';
import type { Logger } from '@linker/observability';
import { latencyOf, OPS_TIMEOUT_MS, OpsFailure, type OpsSources, type ProcessorOpsTarget } from './ops-sources';

type Json = (response: ServerResponse, status: number, body: unknown) => void;

const REINJECT = /^\/api\/ops\/domains\/([^/]+)\/dead-letters\/([^/]+)\/reinject$/;
const USER = /^\/api\/ops\/users\/([^/]+)\/(presence|disconnect)$/;

/**
 * The operations view's routes (ADR 0019): `GET /api/ops/overview`, `GET /api/ops/dead-letters?limit=`,
 * `POST /api/ops/domains/{domain}/dead-letters/{id}/reinject`, and the user lookup passed to a connector's server
 * API with the key the browser sends (`GET /api/ops/users/{id}/presence`, `POST /api/ops/users/{id}/disconnect`).
 */
export function opsApi(sources: OpsSources, json: Json, logger: Logger) {
  return (path: string, request: IncomingMessage, response: ServerResponse): void => {
    const reinject = REINJECT.exec(path);
    const user = USER.exec(path);
    const method = request.method ?? 'GET';
    let work: Promise<[number, unknown]>;
    if (path === '/api/ops/overview' && method === 'GET') work = overview(sources).then((body) => [200, body]);
    else if (path === '/api/ops/dead-letters' && method === 'GET') work = deadLetters(sources, limitOf(request.url)).then((b) => [200, b]);
    else if (reinject && method === 'POST') work = reinjected(sources, decodeURIComponent(reinject[1]), decodeURIComponent(reinject[2]));
    else if (user && method === (user[2] === 'presence' ? 'GET' : 'POST'))
      work = toConnector(sources, path.slice('/api/ops'.length), request);
    else return json(response, 404, { statusCode: 404, message: `no ${method} ${path} in the operations API` });
    work.then(
      ([status, body]) => json(response, status, body),
      (error: unknown) => {
        const status = error instanceof OpsFailure ? error.status : 500;
        logger.debug('an operations request failed', { path, status });
        json(response, status, { statusCode: status, message: (error as Error).message });
      },
    );
  };
}

async function overview(sources: OpsSources): Promise<OpsOverview> {
  const [connectors, processors] = await Promise.all([
    Promise.all(sources.connectorUrls().map(connectorOf)),
    Promise.all(sources.processors().map(processorOf)),
  ]);
  return { at: Date.now(), connectors, processors };
}

async function connectorOf(url: string): Promise<OpsConnector> {
  try {
    const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(OPS_TIMEOUT_MS) });
    const health = (await answer.json()) as Record<string, unknown>;
    const { status, sockets, authenticated, presenceLease, pendingPublishes } = health as Omit<OpsConnector, 'url'>;
    return { url, name: health.connector as string, status, sockets, authenticated, presenceLease, pendingPublishes };
  } catch (error) {
    return { url, error: `no answer from its GET /health: ${(error as Error).message}` };
  }
}

async function processorOf(target: ProcessorOpsTarget, n: number): Promise<OpsProcessor> {
  try {
    const [health, metrics] = await Promise.all([target.health(), target.metrics()]);
    const stats = health.stats ?? {};
    return {
      name: health.name ?? `processor ${n + 1}`,
      domain: health.domain,
      running: health.running,
      processed: { RELIABLE: stats.processedReliable ?? 0, FAST: stats.processedFast ?? 0 },
      deadLettered: stats.deadLettered,
      latency: latencyOf(metrics),
    };
  } catch (error) {
    return { name: `processor ${n + 1}`, error: (error as Error).message };
  }
}

/**
 * The dead letters of each domain, read once per domain (its processors share one store) through the first of its
 * processors that answers; what could not be read, in words.
 */
async function deadLetters(sources: OpsSources, limit: number): Promise<OpsDeadLetters> {
  const result: OpsDeadLetters = { letters: [], problems: [] };
  const read = new Set<string>();
  for (const target of sources.processors()) {
    try {
      const { domain = '?', name = 'processor' } = await target.health();
      if (read.has(domain)) continue;
      const letters = await target.deadLetters(limit);
      read.add(domain);
      for (const letter of letters) result.letters.push({ ...letter, domain, processor: name });
    } catch (error) {
      result.problems.push((error as Error).message);
    }
  }
  return result;
}

/** Re-inject through a processor of `domain` (any: they share one store); one that cannot be reached, the next. */
async function reinjected(sources: OpsSources, domain: string, id: string): Promise<[number, OpsReinjected]> {
  let problem: OpsFailure | undefined;
  for (const target of sources.processors()) {
    const health = await target.health().catch(() => undefined);
    if (health?.domain !== domain) continue;
    try {
      if (await target.reinject(id)) return [200, { id, reinjected: true }];
      return [404, { id, reinjected: false, message: `no dead letter ${id} (re-injected already?)` }];
    } catch (error) {
      if (!(error instanceof OpsFailure) || error.status !== 503) throw error;
      problem = error;
    }
  }
  if (problem) throw problem;
  return [404, { id, reinjected: false, message: `no processor of domain ${domain} answers here` }];
}

/** The user lookup and disconnect, on the first connector that answers, with the browser's API key passed on. */
async function toConnector(sources: OpsSources, path: string, request: IncomingMessage): Promise<[number, unknown]> {
  const authorization = request.headers.authorization;
  let problem = 'no connector is known here';
  for (const url of sources.connectorUrls()) {
    try {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const signal = AbortSignal.timeout(OPS_TIMEOUT_MS * 2);
      const answer = await fetch(`${url}/api/v1${path}`, { method: request.method, headers, signal });
      return [answer.status, await answer.json()];
    } catch (error) {
      problem = `${url}: ${(error as Error).message}`;
    }
  }
  throw new OpsFailure(503, `no connector answered the user lookup (${problem})`);
}

function limitOf(url: string | undefined): number {
  const raw = Number(new URL(url ?? '/', 'http://ui').searchParams.get('limit') ?? 100);
  return Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 1_000) : 100;
}
