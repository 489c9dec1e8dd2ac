import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/** A listening HTTP server, as a resource: where it listens, and how to stop it. */
export interface HttpListener {
  /** `http://host:port` (`https://` for a TLS server), with the port actually bound (for port 0). */
  readonly url: string;
  /** Stop accepting and resolve once the open connections are closed. */
  close(): Promise<void>;
}

/** Listen with `server` on `host:port` (0 = any free port); rejects if it cannot (e.g. the port is taken). */
export async function listenHttp(server: Server, host: string, port: number): Promise<HttpListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `${schemeOf(server)}://${host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `https` for a TLS server (`createHttpServer` with files), else `http`. */
export function schemeOf(server: Server): 'http' | 'https' {
  return (server as unknown) instanceof TlsServer ? 'https' : 'http';
}
