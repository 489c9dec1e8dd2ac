import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics';

/** Liveness: 200 while the process serves HTTP (nothing else is asked). */
export const LIVE_PATH = '/health/live';
/** Readiness: 200 once the app runs and every service it needs answered; 503 otherwise, with what failed. */
export const READY_PATH = '/health/ready';
/** The Prometheus text exposition of the app's registry. */
export const METRICS_PATH = '/metrics';

/** One service an app needs, asked with a round trip (a Redis PING, a MongoDB ping, a NATS flush, Kafka metadata). */
export interface ReadinessCheck {
  name: string;
  probe(): Promise<unknown>;
}

/** What `GET /health/ready` answers: ready or not, and per check `ok` or why not. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/**
 * Ask every check at once; each must answer within `timeoutMs`. `running` is the app's own state (starting or
 * draining: not ready, and the services are not asked). Never rejects.
 */
export async function readiness(running: boolean, checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<Readiness> {
  if (!running) return { ready: false, checks: { app: 'not running' } };
  const answers = await Promise.all(checks.map((check) => answerOf(check, timeoutMs)));
  const result: Readiness = { ready: true, checks: { app: 'ok' } };
  checks.forEach((check, i) => {
    result.checks[check.name] = answers[i];
    if (answers[i] !== 'ok') result.ready = false;
  });
  return result;
}

async function answerOf(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    const probed = check.probe().then(
      () => 'ok',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    return await Promise.race([probed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What an app's operations routes need: its registry (absent: no `/metrics` here) and its readiness. */
export interface OpsRoutes {
  metrics?: Metrics;
  ready(): Promise<Readiness>;
}

/**
 * Answer `GET /metrics`, `GET /health/live` and `GET /health/ready` when `request` is one of them (returns true);
 * false for any other request, which the caller answers.
 */
export function answerOps(request: IncomingMessage, response: ServerResponse, routes: OpsRoutes): boolean {
  if (request.method !== 'GET') return false;
  const path = (request.url ?? '').split('?', 1)[0];
  if (path === LIVE_PATH) {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"live":true}');
  } else if (path === READY_PATH) {
    void routes
      .ready()
      .then((answer) => response.writeHead(answer.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
  } else if (path === METRICS_PATH && routes.metrics !== undefined) {
    routes.metrics.exposition().then(
      (text) => response.writeHead(200, { 'content-type': routes.metrics?.registry.contentType ?? 'text/plain' }).end(text),
      () => response.writeHead(500).end(),
    );
  } else {
    return false;
  }
  return true;
}

/** The checks of those `ports` that can be probed (a port without `probe`, an in-process twin, is always ready). */
export function probeChecks(ports: Record<string, { probe?(): Promise<unknown> }>): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  for (const [name, port] of Object.entries(ports)) {
    const probe = port.probe?.bind(port);
    if (probe) checks.push({ name, probe });
  }
  return checks;
}
