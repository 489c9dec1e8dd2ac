import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@linker/testing';
import { webhookRefusal } from '../../src/auth/auth-webhook';

const MiB = 1024 * 1024;
const REQUEST = { appId: 'app', userId: 'EXT-1', token: 't' };

/**
 * An auth server that answers with `write(response)`; `sent`: the most bytes it wrote on one connection, once one
 * closed (Node 24's fetch may open a second connection, which closes having sent nothing).
 */
async function authServer(
  write: (response: ServerResponse) => void,
): Promise<{ url: string; sent: () => number | undefined; close: () => Promise<void> }> {
  let sent: number | undefined;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => write(response));
  });
  server.on('connection', (socket) => socket.on('close', () => (sent = Math.max(sent ?? 0, socket.bytesWritten))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`,
    sent: () => sent,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A 256 MiB answer without a declared length: 1 MiB chunks of spaces, as fast as the caller reads them. */
function huge(response: ServerResponse): void {
  const chunk = Buffer.alloc(MiB, 0x20);
  let left = 256;
  response.writeHead(200, { 'content-type': 'application/json' });
  const pump = (): void => {
    while (!response.destroyed && left > 0) {
      left -= 1;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
}

describe('webhookRefusal', () => {
  it('refuses an answer over 64 KiB as soon as it is over, without reading the rest', async () => {
    const server = await authServer(huge);
    try {
      expect(await webhookRefusal(server.url, REQUEST, fetch, 3_000)).toBe('auth server answer too large');
      // What the processor did not read stays unsent (some MiB of socket buffers at most), and the connection is dropped.
      expect(await waitFor('the auth server to see the answering connection closed', () => (server.sent() ?? 0) > 0)).toBe(true);
      expect(server.sent()).toBeLessThan(32 * MiB);
    } finally {
      await server.close();
    }
  });

  it('refuses an answer whose declared length is over 64 KiB without reading it', async () => {
    const server = await authServer((response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * MiB) });
      response.write('{"appId":"app","userId":"EXT-1","isAuthenticated":true');
    });
    try {
      expect(await webhookRefusal(server.url, REQUEST, fetch, 3_000)).toBe('auth server answer too large');
    } finally {
      await server.close();
    }
  });

  it('accepts a positive answer of up to 64 KiB', async () => {
    const padding = ' '.repeat(60 * 1024);
    const server = await authServer((response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"appId":"app","userId":"EXT-1","isAuthenticated":true}${padding}`);
    });
    try {
      expect(await webhookRefusal(server.url, REQUEST, fetch, 10_000)).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
