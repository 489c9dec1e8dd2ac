import { createServer } from 'node:http';
import { listenHttp, type HttpListener } from '@linker/lifecycle';
import type { Metrics } from '@linker/observability';
import type { ProcessorHealth } from './processor-stats';

/** The processor's operations endpoint: `GET /metrics` (Prometheus text) and `GET /health` (JSON, 503 when not running). */
export type OpsServer = HttpListener;

export function startOpsServer(host: string, port: number, metrics: Metrics, health: () => ProcessorHealth): Promise<OpsServer> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') {
      metrics.exposition().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && request.url === '/health') {
      const body = health();
      response.writeHead(body.running ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics or /health\n');
    }
  });
  return listenHttp(server, host, port);
}
