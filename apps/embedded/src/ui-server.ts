import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { listenHttp, type HttpListener } from '@linker/lifecycle';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export type UiServer = HttpListener;

/**
 * Serve the web UI's static files from `root` (GET and HEAD only; `/` is `index.html`; nothing outside `root`).
 * Resolves once it listens.
 */
export async function startUiServer(root: string, host: string, port: number): Promise<UiServer> {
  const base = normalize(root + sep);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    const refuse = (status: number, text: string) => response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed');
    if (!file.startsWith(base)) return refuse(404, 'not found');
    stat(file).then(
      (info) => {
        if (!info.isFile()) return refuse(404, 'not found');
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
        if (request.method === 'HEAD') return response.end();
        createReadStream(file).pipe(response);
      },
      () => refuse(404, 'not found'),
    );
  });
  return listenHttp(server, host, port);
}
