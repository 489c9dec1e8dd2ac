import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { createHttpServer, listenHttp, type HttpListener, type TlsFiles } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import { observations, type LinkReports } from './link-observations';
import { proxyToMetaServer } from './meta-proxy';
import { opsApi } from './ops-api';
import type { OpsSources } from './ops-sources';
import { serveStatic } from './static-files';
import type { UiInfo } from './ui-info';

export { healthReports } from './link-observations';
export { uiInfo } from './ui-info';
export { httpBaseOf, httpProcessor, localProcessor, type OpsSources } from './ops-sources';

/** The built web UI (`npm run build:ui` writes it), from both `apps/meta-server/src/ui` and `dist/apps/meta-server/src/ui`. */
const UI_DIST = resolve(__dirname, __dirname.includes(join('dist', 'apps')) ? '../../../../..' : '../../../..', 'ui', 'dist');

export interface UiServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** The built UI; default `ui/dist` of this repository. */
  root?: string;
  /** The meta-server `/meta/...` leads to; absent: those paths answer 503 (the page then says the editor is off). */
  metaServerUrl?: string;
  /** The processors' link reports, for `GET /api/links`. */
  links: LinkReports;
  /** The operations view's processors and connectors (`/api/ops/...`); absent: those routes answer 404. */
  ops?: OpsSources;
  /** `GET /api/info`, computed on each request (the topology may have changed). */
  info: () => UiInfo;
  logger: Logger;
  /** Serve `https://` from these files (reloaded when they change); absent: plain `http://`. */
  tls?: TlsFiles;
}

export type UiServer = HttpListener;

/**
 * The web UI's server (port 4400 by default, in both run modes): the built single-page app from `root`, and on the same
 * origin, so the browser needs no CORS, `/meta/...` proxied to the meta-server, `GET /api/links` (the link reports of
 * the processors) and `GET /api/info`. Resolves once it listens; `close()` also ends the open event streams.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const root = options.root ?? UI_DIST;
  const logger = options.logger.child({ component: 'web-ui' });
  const server = createHttpServer(
    {},
    (request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path === '/meta' || path.startsWith('/meta/')) return meta(request, response);
      if (path === '/api' || path.startsWith('/api/')) return api(path, request, response);
      serveStatic(root, request, response);
    },
    options.tls && { files: options.tls, logger },
  );

  function meta(request: IncomingMessage, response: ServerResponse): void {
    if (options.metaServerUrl === undefined) {
      return json(response, 503, {
        statusCode: 503,
        message: 'no meta-server: this web UI was started without one, so the topology cannot be read or edited here',
      });
    }
    proxyToMetaServer(options.metaServerUrl, (request.url ?? '/meta').slice('/meta'.length) || '/', request, response, logger);
  }

  const ops = options.ops && opsApi(options.ops, json, logger);

  function api(path: string, request: IncomingMessage, response: ServerResponse): void {
    if (path.startsWith('/api/ops/')) {
      if (ops) return ops(path, request, response);
      return json(response, 404, { statusCode: 404, message: 'the operations view is not served here' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return json(response, 405, { statusCode: 405, message: `${path} is read with GET` }, { allow: 'GET, HEAD' });
    if (path === '/api/info') return json(response, 200, options.info());
    if (path === '/api/links') {
      options.links().then(
        (reports) => json(response, 200, observations(reports)),
        (error: unknown) => json(response, 500, { statusCode: 500, message: `the link reports could not be read: ${String(error)}` }),
      );
      return;
    }
    json(response, 404, { statusCode: 404, message: `no ${path}: the web UI's API has /api/info, /api/links and /api/ops/...` });
  }

  const listener = await listenHttp(server, options.host, options.port);
  logger.info('web UI ready', { url: listener.url, root, metaServer: options.metaServerUrl ?? null });
  return {
    url: listener.url,
    close: async () => {
      const closed = listener.close();
      // Event streams (`/meta/topology/watch`) never end by themselves: close every connection, idle or not.
      server.closeAllConnections();
      await closed;
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify(body));
}
