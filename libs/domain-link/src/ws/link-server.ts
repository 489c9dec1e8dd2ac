import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createHttpServer, schemeOf } from '@linker/lifecycle';
import { errorMessage } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import { InboundRegistry } from '../core/inbound-registry';
import { serveConnection } from '../core/server-connection';
import { LINK_CLOSE_CODES } from '../link-close-codes';
import { resolveLinkLimits, type LinkLimits } from '../link-limits';
import { LINK_PATH, linkUrl } from '../link-url';
import type { InboundLinkMetrics, LinkListener, ListenOptions } from '../link.port';
import { WsFrameSocket } from './ws-frame-socket';

export interface LinkServerOptions extends ListenOptions {
  /** Attach to this HTTP server (already listening or not) instead of listening on `endpoint`'s own port. */
  server?: Server;
  /** How long `close` waits for peers to answer the close frame before dropping them. Default 1 s. */
  closeGraceMs?: number;
  /** Most TCP connections its own server holds (`MAX_LINK_CONNECTIONS` by default). */
  maxConnections?: number;
}

/**
 * Most TCP connections the link endpoint holds at once (neighbours' links and handshakes in progress): one more is
 * closed as soon as it is accepted. A domain has a few neighbours, each dialing once per processor; the cap keeps a
 * flood of connections from using up the process's open files, which the client port needs too.
 */
export const MAX_LINK_CONNECTIONS = 1_024;

/** `host` and `port` to listen on, from a `tcp://host:port` or `ws://host:port` endpoint (port 0 = any free port). */
function listenAddress(endpoint: string): { host: string; port: number } {
  const url = new URL(linkUrl(endpoint));
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

/**
 * Accepts links from neighbours on `ws://host:port/link`, or `wss://` with `options.tls` (client certificates required
 * when its `caFile` is set; a handshake that fails is counted in `tlsRefused` and logged) (permessage-deflate off, `maxPayload` = the frame limit:
 * ws closes a bigger frame with 1009). Each connection: challenge-response, then batches to the receive handler
 * (core/server-connection.ts). A bad peer is cut and logged; the others go on. Other paths get a plain 404; a request
 * not complete within the handshake deadline 408; connections beyond `MAX_LINK_CONNECTIONS` are closed when accepted.
 */
export class LinkServer implements LinkListener {
  private readonly registry = new InboundRegistry();
  private readonly wss: WebSocketServer;
  private readonly limits: Readonly<LinkLimits>;
  private readonly logger: Logger;
  private http: Server | undefined;
  private owned = false;
  private accepting = true;
  endpoint = '';
  tlsRefused = 0;

  private constructor(private readonly options: LinkServerOptions) {
    this.limits = resolveLinkLimits(options.limits);
    this.logger = (options.logger ?? silentLogger).child({ component: 'domain-link', domain: options.domain });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: true,
    });
  }

  /** Listen on `options.endpoint` (or attach to `options.server`); resolves once neighbours can dial it. */
  static async listen(options: LinkServerOptions): Promise<LinkServer> {
    const server = new LinkServer(options);
    await server.start();
    return server;
  }

  metrics(): InboundLinkMetrics[] {
    return this.registry.metrics();
  }

  drop(peer: string): number {
    return this.registry.drop(peer);
  }

  async close(): Promise<void> {
    if (!this.accepting) return;
    this.accepting = false;
    this.http?.off('upgrade', this.upgrade);
    const gone = [...this.wss.clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
    for (const ws of this.wss.clients) ws.close(LINK_CLOSE_CODES.GOING_AWAY.code, 'GOING_AWAY');
    const grace = setTimeout(() => this.wss.clients.forEach((ws) => ws.terminate()), this.options.closeGraceMs ?? 1_000);
    await Promise.all(gone);
    clearTimeout(grace);
    this.wss.close();
    const http = this.http;
    if (this.owned && http !== undefined) await new Promise((resolve) => http.close(resolve));
  }

  private async start(): Promise<void> {
    const { host, port } = listenAddress(this.options.endpoint);
    this.owned = this.options.server === undefined;
    const http = this.options.server ?? this.ownServer();
    this.http = http;
    http.on('upgrade', this.upgrade);
    if (this.owned) {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
    }
    const address = http.address() as AddressInfo | null;
    const scheme = schemeOf(http) === 'https' ? 'wss' : 'ws';
    this.endpoint = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? port}`;
    this.logger.info('link server listening', { endpoint: this.endpoint });
  }

  /**
   * A server of its own: a connection that has not sent a whole upgrade request within the handshake deadline gets 408
   * and is closed (Node checks from the moment it opens, even when nothing is sent), and at most `maxConnections`.
   */
  private ownServer(): Server {
    const deadline = this.limits.handshakeTimeoutMs;
    const { tls } = this.options;
    const http = createHttpServer(
      { headersTimeout: deadline, requestTimeout: deadline, connectionsCheckingInterval: Math.min(1_000, deadline) },
      (_request, response) => response.writeHead(404).end(),
      tls && { files: tls, logger: this.logger },
    );
    http.maxConnections = this.options.maxConnections ?? MAX_LINK_CONNECTIONS;
    if (tls !== undefined) http.on('tlsClientError', (error: Error, socket: { remoteAddress?: string }) => this.tlsFailed(error, socket));
    return http;
  }

  /** A TLS handshake that failed: with mutual TLS, a neighbour without a certificate the CA signed (counted, logged). */
  private tlsFailed(error: Error, socket: { remoteAddress?: string }): void {
    this.tlsRefused += 1;
    this.logger.warn('link connection refused: TLS handshake failed (no client certificate, or one the CA did not sign)', {
      remote: socket.remoteAddress,
      error: errorMessage(error),
    });
  }

  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (request.url !== LINK_PATH || !this.accepting) {
      if (this.owned)
        socket.end(
          `HTTP/1.1 ${this.accepting ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, request));
  };

  private serve(ws: WebSocket, request: IncomingMessage): void {
    const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    const socket = new WsFrameSocket(ws, remote, { intervalMs: this.limits.heartbeatMs, missedPongs: this.limits.missedPongs });
    const { options, limits, registry, logger } = this;
    serveConnection(socket, { auth: options, limits, onReceive: options.onReceive, registry, logger });
  }
}
