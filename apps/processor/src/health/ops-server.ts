import { createServer } from 'node:http';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import { answerOps, type Metrics, type Readiness } from '@linker/observability';
import { deadLetterRoutes, type DeadLetterAccess } from './dead-letter-routes';
import type { ProcessorHealth } from './processor-stats';

/**
 * The processor's operations endpoint: `GET /metrics` (Prometheus text), `GET /health/live`, `GET /health/ready`
 * (consuming, and its services answer), `GET /health` (its counters as JSON, 503 when not running), and, behind the
 * admin token, `GET /dead-letters` and `POST /dead-letters/{id}/reinject`.
 */
export type OpsServer = HttpListener;

export interface OpsServerOptions {
  metrics: Metrics;
  health(): ProcessorHealth;
  /** Default: ready while running (no service asked). */
  ready?(): Promise<Readiness>;
  deadLetters?: DeadLetterAccess;
}

export function startOpsServer(host: string, port: number, options: OpsServerOptions): Promise<OpsServer> {
  const { metrics, health, deadLetters } = options;
  const letters = deadLetterRoutes(deadLetters);
  const ready = options.ready ?? (() => Promise.resolve({ ready: health().running, checks: {} }));
  const server = createServer((request, response) => {
    if (letters(request, response) || answerOps(request, response, { metrics, ready })) return;
    if (request.method === 'GET' && request.url === '/health') {
      const body = health();
      response.writeHead(body.running ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('GET /metrics, /health, /health/live, /health/ready, /dead-letters; POST /dead-letters/{id}/reinject\n');
    }
  });
  return listenHttp(server, host, port);
}
