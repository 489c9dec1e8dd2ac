import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from '@linker/observability';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business: never passed on either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/**
 * Pass `request` (its path after the `/meta` prefix) to the meta-server at `target` and its answer back: method,
 * headers (If-Match, Authorization, Accept, …) and body one way, status, headers (ETag, …) and body the other, streamed,
 * so `GET /meta/topology/watch` (Server-Sent Events) flows event by event. The browser therefore talks to one origin
 * and needs no CORS. Only the method, the path and the status are logged: never a header (Authorization).
 */
export function proxyToMetaServer(target: string, path: string, request: IncomingMessage, response: ServerResponse, logger: Logger): void {
  const url = new URL(path, target.endsWith('/') ? target : `${target}/`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(url, { method: request.method, headers: endToEnd(request.headers) }, (answer: IncomingMessage) => {
    response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
    // Headers first, at once: an event stream's client must see it open before the first event.
    response.flushHeaders();
    answer.pipe(response);
    logger.debug('proxied to the meta-server', { method: request.method, path: url.pathname, status: answer.statusCode });
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    logger.warn('the meta-server did not answer the web UI', {
      method: request.method,
      path: url.pathname,
      error: error.code ?? error.message,
    });
    if (response.headersSent) return void response.destroy();
    response
      .writeHead(502, { 'content-type': 'application/json; charset=utf-8' })
      .end(JSON.stringify({ statusCode: 502, message: `the meta-server (${target}) did not answer: ${error.code ?? error.message}` }));
  });
  // The browser went away (a closed event stream, a reload): stop the request to the meta-server too.
  response.once('close', () => upstream.destroy());
  request.pipe(upstream);
}
