import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions } from 'ws';
import { createHttpServer, schemeOf, type TlsFiles } from '@linker/lifecycle';
import { answerOps, type Logger, type OpsRoutes } from '@linker/observability';
import { ClientSocket, type SendLimits } from './client-socket';

/** The one path a client WebSocket upgrades on (exactly; `/ws/` or `/ws?x` are not it). */
export const WS_PATH = '/ws';
/** Plain `GET` on the client port: the connector's health as JSON (200 while serving, 503 otherwise). */
const HEALTH_PATH = '/health';

/** Why a long-lived connection (a WebSocket, an event stream) is not admitted: its Origin (403), or no room (503). */
export type LongLivedRefusal = 403 | 503;

/** An HTTP answer that refuses an upgrade: its status, headers and body. */
export interface HttpRefusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The Push-compatible endpoints, as the client port serves them (paths, a WebSocket path of their own, event streams). */
export interface PushPort {
  /** Whether `path` (without query) is one of its plain HTTP paths. */
  serves(path: string): boolean;
  /** Answer a request on one of its paths; `admission` says whether a long-lived connection may open now. */
  handle(request: IncomingMessage, response: ServerResponse, admission: () => LongLivedRefusal | undefined): void;
  /** The path its WebSockets upgrade on. */
  readonly upgradePath: string;
  /** How long a server-initiated close of its WebSockets waits for the client's close frame. */
  readonly closeTimeoutMs: number;
  /** Why an upgrade on `upgradePath` is refused (its query), before the connection limits are looked at. */
  upgradeRefusal(request: IncomingMessage): HttpRefusal | undefined;
  upgraded(socket: ClientSocket, request: IncomingMessage, remoteAddress: string): void;
  /** Its open event streams (counted against `maxConnections` with every WebSocket). */
  openStreams(): number;
}

export interface WsServerOptions {
  host: string;
  /** 0 = any free port (read it from `port` after `listen`). */
  port: number;
  /** Largest frame; ws closes a socket that sends a bigger one with 1009. */
  maxFrameBytes: number;
  /** How long a server-initiated close waits for the client's close frame. */
  closeTimeoutMs: number;
  /** Most client WebSockets (and Push subscribers) at once; one more upgrade gets 503. */
  maxConnections: number;
  /** Most TCP connections besides `maxConnections` (handshakes, health and API requests); beyond, closed when accepted. */
  maxHandshakes: number;
  /** A connection that has not sent a whole HTTP request (an API request's body included) this long after it opened gets 408 and is closed. */
  handshakeTimeoutMs: number;
  /** Allowed `Origin` values; empty = all. */
  allowedOrigins: readonly string[];
  sendLimits: SendLimits;
  logger: Logger;
  /** Serve `wss://` and `https://` from these files (reloaded when they change); absent: plain `ws://` and `http://`. */
  tls?: TlsFiles;
  health(): { serving: boolean; body: unknown };
  /** `GET /metrics`, `GET /health/live` and `GET /health/ready`. */
  ops: OpsRoutes;
  /** Every request whose path starts with `api.prefix` (the server API); absent: those paths are 404 too. */
  api?: { prefix: string; handle(request: IncomingMessage, response: ServerResponse): void };
  /** The Push-compatible endpoints; absent: their paths are 404 too. */
  push?: PushPort;
  /** Plain HTTP paths besides those (the seed's `/analytics`); absent: 404. */
  paths?: { serves(path: string): boolean; handle(request: IncomingMessage, response: ServerResponse): void };
  /** Whether one more socket from `remoteAddress` may connect (false: the upgrade gets 503). */
  admits(remoteAddress: string): boolean;
  /** A client connected (upgraded on `/ws`, origin allowed, admitted) from `remoteAddress`. */
  onConnection(socket: ClientSocket, remoteAddress: string): void;
}

/**
 * The client-facing HTTP server: WebSocket upgrades on `/ws` (permessage-deflate off, `maxFrameBytes` frames),
 * `GET /health` (its figures as JSON), `GET /health/live`, `GET /health/ready`, `GET /metrics` and the server API (`api`, every path under its prefix). A refused upgrade gets a plain HTTP answer: 403 for an origin not in the allow-list, 404 for another
 * path, 503 while draining, at `maxConnections` or when `admits` refuses the address. A request whose headers are over
 * Node's limit (16 KiB) gets 431, one not complete within `handshakeTimeoutMs` 408, another malformed one 400; TCP
 * connections beyond `maxConnections + maxHandshakes` are closed as soon as they are accepted. `ws` is imported only
 * in this folder.
 */
export class WsServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  /** The Push WebSockets' server: their own close timeout (the Push close grace period). */
  private readonly pushWss: WebSocketServer | undefined;
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
    if (options.push) this.pushWss = new WebSocketServer({ ...serverOptions, closeTimeout: options.push.closeTimeoutMs } as ServerOptions);
    const deadline = options.handshakeTimeoutMs;
    // Node checks both deadlines every `connectionsCheckingInterval`, from the moment a connection opens (even one
    // that never sends a byte); the check walks only connections still inside a request, so it is free when idle.
    this.http = createHttpServer(
      { headersTimeout: deadline, requestTimeout: deadline, connectionsCheckingInterval: Math.min(1_000, deadline) },
      (request, response) => this.answer(request, response),
      options.tls && { files: options.tls, logger: options.logger },
    );
    this.http.maxConnections = options.maxConnections + options.maxHandshakes;
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuseMalformed(error, socket));
  }

  /** Listen; resolves with the bound port (rejects when it cannot bind, e.g. EADDRINUSE). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        // e.g. EMFILE when accepting at the open-file limit: the server goes on with the connections it has.
        this.http.on('error', (error) => this.options.logger.warn('client port error', { error: error.message }));
        this.accepting = true;
        resolve(this.port);
      });
    });
  }

  /** `wss` with TLS, else `ws`. */
  get scheme(): 'ws' | 'wss' {
    return schemeOf(this.http) === 'https' ? 'wss' : 'ws';
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
      for (const client of this.pushWss?.clients ?? []) client.terminate();
      this.http.closeAllConnections();
    }, graceMs);
    await (this.closed ?? Promise.resolve());
    clearTimeout(timer);
    this.wss.close();
    this.pushWss?.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const { push } = this.options;
    if (push !== undefined && this.pushWss !== undefined && pathOf(request) === push.upgradePath)
      return this.upgradePush(push, this.pushWss, request, socket, head);
    const refusal = this.refusal(request);
    if (refusal !== undefined) {
      this.options.logger.debug('upgrade refused', { status: refusal, path: request.url, origin: request.headers.origin });
      answerAndClose(socket, refusal);
      return;
    }
    const remoteAddress = request.socket.remoteAddress ?? '';
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const client = new ClientSocket(ws, this.options.sendLimits, socket);
      if (this.accepting) this.options.onConnection(client, remoteAddress);
      else client.close('GOING_AWAY');
    });
  }

  /** A Push WebSocket: its query is checked first (a JSON answer), then the limits every long-lived connection has. */
  private upgradePush(push: PushPort, wss: WebSocketServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.accepting ? (push.upgradeRefusal(request) ?? this.longLivedRefusal(request)) : 503;
    if (refusal !== undefined) {
      this.options.logger.debug('Push upgrade refused', { status: typeof refusal === 'number' ? refusal : refusal.status });
      if (typeof refusal === 'number') answerAndClose(socket, refusal);
      else answerAndClose(socket, refusal.status, refusal);
      return;
    }
    const remoteAddress = request.socket.remoteAddress ?? '';
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client = new ClientSocket(ws, this.options.sendLimits, socket);
      if (this.accepting) push.upgraded(client, request, remoteAddress);
      else client.close('GOING_AWAY');
    });
  }

  private refusal(request: IncomingMessage): 403 | 404 | 503 | undefined {
    if (!this.accepting) return 503;
    if (request.url !== WS_PATH) return 404;
    return this.longLivedRefusal(request);
  }

  /** Origin not allowed (403); every connection slot taken, or `admits` refuses the address (503). */
  private longLivedRefusal(request: IncomingMessage): LongLivedRefusal | undefined {
    const origin = request.headers.origin;
    if (origin !== undefined && this.origins.size > 0 && !this.origins.has(origin)) return 403;
    const open = this.wss.clients.size + (this.pushWss?.clients.size ?? 0) + (this.options.push?.openStreams() ?? 0);
    if (open >= this.options.maxConnections) return 503;
    if (!this.options.admits(request.socket.remoteAddress ?? '')) return 503;
    return undefined;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const { api, push, paths } = this.options;
    if (api !== undefined && request.url?.startsWith(api.prefix)) return api.handle(request, response);
    if (push !== undefined && push.serves(pathOf(request))) return push.handle(request, response, () => this.longLivedRefusal(request));
    if (paths !== undefined && paths.serves(pathOf(request))) return paths.handle(request, response);
    if (answerOps(request, response, this.options.ops)) return;
    if (request.method === 'GET' && request.url === HEALTH_PATH) {
      const { serving, body } = this.options.health();
      response.writeHead(serving ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    response.writeHead(request.url === WS_PATH ? 426 : 404, { 'content-type': 'text/plain' }).end();
  }
}

/**
 * How long a refused connection may stay half-closed after its answer. Destroying it at once could reset it while the
 * client is still sending (the rest of 2,000 headers, say), and a reset can discard the answer before the client reads it.
 */
const LINGER_MS = 1_000;

/** Write an HTTP answer (bodiless unless given) and end the connection; it is destroyed `LINGER_MS` later if the client keeps it open. */
function answerAndClose(socket: Duplex, status: number, answer: Omit<HttpRefusal, 'status'> = { headers: {}, body: '' }): void {
  const text = STATUS_CODES[status] ?? 'Refused';
  const headers = Object.entries(answer.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const head = `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${headers}Content-Length: ${Buffer.byteLength(answer.body)}\r\n\r\n`;
  if (socket.writable) socket.end(head + answer.body);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?', 1)[0];
}

/** A request Node's parser refused: headers over its limit (431), not complete in time (408), malformed (400). */
function refuseMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  answerAndClose(socket, error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400);
}
