import { createServer } from 'node:http';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import type { Metrics } from '@linker/observability';
import { deadLetterRoutes, type DeadLetterAccess } from './dead-letter-routes';
import type { ProcessorHealth } from './processor-stats';

/**
 * The processor's operations endpoint: `GET /metrics` (Prometheus text), `GET /health` (JSON, 503 when not running),
 * and, behind the admin token, `GET /dead-letters` and `POST /dead-letters/{id}/reinject`.
 */
export type OpsServer = HttpListener;

export function startOpsServer(
  host: string,
  port: number,
  metrics: Metrics,
  health: () => ProcessorHealth,
  deadLetters?: DeadLetterAccess,
): Promise<OpsServer> {
  const letters = deadLetterRoutes(deadLetters);
  const server = createServer((request, response) => {
    if (letters(request, response)) return;
    if (request.method === 'GET' && request.url === '/metrics') {
      metrics.exposition().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && request.url === '/health') {
      const body = health();
      response.writeHead(body.running ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('GET /metrics, /health, /dead-letters; POST /dead-letters/{id}/reinject\n');
    }
  });
  return listenHttp(server, host, port);
}
