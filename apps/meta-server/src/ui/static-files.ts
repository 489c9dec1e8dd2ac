import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serve the built UI from `root` (GET and HEAD only; nothing outside `root`). A path that names no file and has no
 * extension is a route of the single-page app: it gets `index.html`, so `/topology` reloads to the app; a missing
 * asset (`/assets/x.js`) is a 404, not HTML a script tag would choke on. Vite names assets by content hash, so
 * `/assets/*` is cached for good; everything else is revalidated.
 */
export function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response
      .writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' })
      .end('method not allowed: the web UI is read with GET\n');
    return;
  }
  const file = fileOf(root, request.url ?? '/');
  if (file === undefined) return notFound(response);
  const index = join(root, 'index.html');
  send(file, request, response).then(
    (sent) => {
      if (sent) return;
      if (extname(file) !== '' && file !== index) return notFound(response);
      return send(index, request, response).then((found) => {
        if (!found) {
          response
            .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
            .end(`the web UI is not built (no ${index}): run \`npm run build:ui\` (or \`npm run build\`)\n`);
        }
      });
    },
    () => notFound(response),
  );
}

/** The file a URL path names under `root`, or undefined when it is malformed or leads outside `root`. */
function fileOf(root: string, url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.split(/[?#]/)[0]);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const base = normalize(root + sep);
  const file = normalize(join(base, path === '/' ? 'index.html' : path));
  return file.startsWith(base) ? file : undefined;
}

/** Send `file` if it is a regular file; resolves false when there is none. */
async function send(file: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  const immutable = file.includes(`${sep}assets${sep}`);
  response.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') response.end();
  else
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  return true;
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
