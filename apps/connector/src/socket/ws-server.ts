import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions } from 'ws';
import type { Logger } from '@linker/observability';
import { ClientSocket, type SendLimits } from './client-socket';

/** The one path a client WebSocket upgrades on (exactly; `/ws/` or `/ws?x` are not it). */
export const WS_PATH = '/ws';
/** Plain `GET` on the client port: the connector's health as JSON (200 while serving, 503 otherwise). */
export const HEALTH_PATH = '/health';

export interface WsServerOptions {
  host: string;
  /** 0 = any free port (read it from `port` after `listen`). */
  port: number;
  /** Largest frame; ws closes a socket that sends a bigger one with 1009. */
  maxFrameBytes: number;
  /** How long a server-initiated close waits for the client's close frame. */
  closeTimeoutMs: number;
  /** Allowed `Origin` values; empty = all. */
  allowedOrigins: readonly string[];
  sendLimits: SendLimits;
  logger: Logger;
  health(): { serving: boolean; body: unknown };
  /** A client connected (upgraded on `/ws`, origin allowed). */
  onConnection(socket: ClientSocket): void;
}

/**
 * The client-facing HTTP server: WebSocket upgrades on `/ws` (permessage-deflate off, `maxFrameBytes` frames) and
 * `GET /health`. A refused upgrade gets a plain HTTP answer: 403 for an origin not in the allow-list, 404 for another
 * path, 503 while draining. `ws` is imported only in this folder.
 */
export class WsServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly origins: ReadonlySet<string>;
  private accepting = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: WsServerOptions) {
    this.origins = new Set(options.allowedOrigins);
    // `closeTimeout` (ws ≥ 8.18) is missing from @types/ws.
    const serverOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
      closeTimeout: options.closeTimeoutMs,
      clientTracking: true,
    };
    this.wss = new WebSocketServer(serverOptions);
    this.http = createServer((request, response) => this.answer(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.http.on('clientError', (_error, socket: Duplex) => socket.destroy());
  }

  /** Listen; resolves with the bound port (rejects when it cannot bind, e.g. EADDRINUSE). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        this.accepting = true;
        resolve(this.port);
      });
    });
  }

  /** The bound port (0 before `listen`). */
  get port(): number {
    const address = this.http.address() as AddressInfo | null;
    return address?.port ?? 0;
  }

  /** Stop listening and refuse upgrades still in progress; open sockets stay until closed by their owner. */
  stopAccepting(): void {
    if (!this.accepting) return;
    this.accepting = false;
    this.closed = new Promise((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
  }

  /**
   * Resolves once every connection is gone. Sockets still open `graceMs` after the call are dropped (a client that
   * never answers the close handshake is dropped by ws after `closeTimeoutMs` already).
   */
  async close(graceMs: number): Promise<void> {
    this.stopAccepting();
    const timer = setTimeout(() => {
      for (const client of this.wss.clients) client.terminate();
      this.http.closeAllConnections();
    }, graceMs);
    await (this.closed ?? Promise.resolve());
    clearTimeout(timer);
    this.wss.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.refusal(request);
    if (refusal !== undefined) {
      this.options.logger.debug('upgrade refused', { status: refusal, path: request.url, origin: request.headers.origin });
      socket.end(`HTTP/1.1 ${refusal} ${STATUS_TEXT[refusal]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const client = new ClientSocket(ws, this.options.sendLimits, socket);
      if (this.accepting) this.options.onConnection(client);
      else client.close('GOING_AWAY');
    });
  }

  private refusal(request: IncomingMessage): 403 | 404 | 503 | undefined {
    if (!this.accepting) return 503;
    if (request.url !== WS_PATH) return 404;
    const origin = request.headers.origin;
    if (origin !== undefined && this.origins.size > 0 && !this.origins.has(origin)) return 403;
    return undefined;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    if (request.method === 'GET' && request.url === HEALTH_PATH) {
      const { serving, body } = this.options.health();
      response.writeHead(serving ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    response.writeHead(request.url === WS_PATH ? 426 : 404, { 'content-type': 'text/plain' }).end();
  }
}

const STATUS_TEXT = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' } as const;
