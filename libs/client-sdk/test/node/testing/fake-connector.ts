import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerFrame } from '@linker/contracts';
import { waitFor } from '@linker/testing';

/** A frame a client sent, as parsed JSON (`undefined` when it was not JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever a client sent; tests read any field of it
export type ReceivedFrame = Record<string, any>;

/** Return true from `onFrame` to take over a frame (the default behaviour is then skipped). */
type FrameHook = (connection: FakeConnection, frame: ReceivedFrame) => boolean | void;

export interface FakeConnectorOptions {
  /** Decides each AUTH_CLIENT: false replies `isAuthenticated: false` and closes with 4001. Default: accept. */
  authenticate?: (data: { appId: string; userId: string; token?: string; ack?: boolean }) => boolean;
  onFrame?: FrameHook;
}

/** One client socket as the fake connector sees it. */
export class FakeConnection {
  /** Every text frame the client sent, verbatim. */
  readonly raw: string[] = [];
  /** The same frames parsed (frames that were not JSON are left out). */
  readonly received: ReceivedFrame[] = [];
  userId?: string;
  authenticated = false;
  /** Close code and reason once the socket is closed. */
  closed?: { code: number; reason: string };

  constructor(readonly socket: WebSocket) {
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /** Send a server frame (as JSON) or any text verbatim. */
  send(frame: ServerFrame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Close with a close frame. */
  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drop the TCP connection without a close frame (the client sees 1006). */
  drop(): void {
    this.socket.terminate();
  }

  /** Wait until the client sent a frame matching `predicate`; returns it. */
  waitForFrame(what: string, predicate: (frame: ReceivedFrame) => boolean, timeoutMs = 5_000): Promise<ReceivedFrame> {
    return waitFor(`${this.userId ?? 'client'} to send ${what}`, () => this.received.find(predicate), { timeoutMs });
  }
}

/**
 * A scripted stand-in for a connector (docs/protocol.md) on a loopback port, for client tests: authenticates (or refuses),
 * answers PING, routes MESSAGE and GROUP_MESSAGE between its own clients (with ids and confirmations), stores
 * messages for users who are not connected and serves them to FETCH_MISSING_MESSAGES_REQUEST, closes on
 * CLOSE_CONNECTION. Tests can drop sockets, refuse new ones, or take over any frame with `onFrame`.
 */
export class FakeConnector {
  readonly connections: FakeConnection[] = [];
  /** Stored frames per user, oldest first; a fetch takes from the front. */
  readonly mailbox = new Map<string, ServerFrame[]>();
  /** When false, each new socket is dropped at once (a connector that is down). */
  acceptConnections = true;
  private nextId = 0;

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    private readonly options: FakeConnectorOptions,
  ) {
    server.on('connection', (socket) => this.onConnection(socket));
  }

  /** Listen on 127.0.0.1, a free port, path `/ws`. */
  static async start(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    return new FakeConnector(server, `ws://127.0.0.1:${port}/ws`, options);
  }

  /** Authenticated, still open connections of `userId`. */
  online(userId: string): FakeConnection[] {
    return this.connections.filter((c) => c.authenticated && !c.closed && c.userId === userId);
  }

  /** Wait for the `index`-th connection (0-based) that authenticated. */
  waitForSession(index: number, timeoutMs = 5_000): Promise<FakeConnection> {
    return waitFor(`authenticated connection #${index}`, () => this.connections.filter((c) => c.authenticated)[index], { timeoutMs });
  }

  /** Store a MESSAGE for `to` as if it arrived while `to` was offline; returns its id. */
  store(to: string, from: string, content: string, reference?: string): string {
    const frame = this.messageFrame(from, content, reference);
    this.mailbox.set(to, [...(this.mailbox.get(to) ?? []), frame]);
    return frame.id as string;
  }

  /** A MESSAGE frame with a new id. */
  messageFrame(from: string, content: string, reference?: string, id = `msg-${++this.nextId}`): ServerFrame {
    return reference === undefined
      ? { type: 'MESSAGE', data: { from, content }, id }
      : { type: 'MESSAGE', data: { from, content }, reference, id };
  }

  /** Stop listening and drop every socket. */
  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    if (!this.acceptConnections) return socket.terminate();
    const connection = new FakeConnection(socket);
    this.connections.push(connection);
    socket.on('message', (data) => this.onText(connection, data.toString()));
  }

  private onText(connection: FakeConnection, text: string): void {
    connection.raw.push(text);
    let frame: ReceivedFrame;
    try {
      frame = JSON.parse(text);
    } catch {
      return connection.send({ type: 'INVALID_MESSAGE', data: { code: 'MALFORMED_JSON', message: 'not JSON' } });
    }
    connection.received.push(frame);
    if (this.options.onFrame?.(connection, frame)) return;
    if (frame.type === 'AUTH_CLIENT') return this.onAuth(connection, frame.data);
    if (!connection.authenticated) return connection.send({ type: 'AUTH_REQUIRED', data: {} });
    this.handle(connection, frame);
  }

  private onAuth(connection: FakeConnection, data: { appId: string; userId: string; token?: string }): void {
    const accepted = this.options.authenticate?.(data) ?? true;
    connection.send({ type: 'AUTH_CLIENT_REPLY', data: { appId: data.appId, userId: data.userId, isAuthenticated: accepted } });
    if (!accepted) return connection.close(4001, 'Authentication failed');
    connection.userId = data.userId;
    connection.authenticated = true;
  }

  private handle(connection: FakeConnection, frame: ReceivedFrame): void {
    const { type, data, reference } = frame;
    switch (type) {
      case 'PING':
        return connection.send({ type: 'PONG', data: {} });
      case 'MESSAGE':
        this.accept(connection, frame);
        return this.route(connection, data.to, data.content, frame);
      case 'GROUP_MESSAGE':
        this.accept(connection, frame);
        for (const to of new Set<string>(data.to)) this.route(connection, to, data.content, { ...frame, confirmationEnabled: false });
        return;
      case 'FETCH_MISSING_MESSAGES_REQUEST':
        return this.fetch(connection, data.count);
      case 'CLOSE_CONNECTION':
        for (const target of this.online(data.userId)) target.close(4003, 'Closed by the master user');
        return;
      case 'MESSAGE_ACK':
        return;
      default:
        connection.send({
          type: 'INVALID_MESSAGE',
          data: { code: 'UNKNOWN_TYPE', message: `unknown type ${type}` },
          ...(reference ? { reference } : {}),
        });
    }
  }

  /** `ACCEPTED {id}` for a frame with the client's id, as the connector answers once the lane holds it. */
  private accept(connection: FakeConnection, frame: ReceivedFrame): void {
    if (typeof frame.id !== 'string') return;
    connection.send({ type: 'ACCEPTED', data: { id: frame.id }, ...(frame.reference ? { reference: frame.reference } : {}) });
  }

  private route(sender: FakeConnection, to: string, content: string, frame: ReceivedFrame): void {
    const message = this.messageFrame(sender.userId as string, content, frame.reference);
    const targets = this.online(to);
    if (targets.length === 0) {
      if (frame.feature !== 'FAST') this.mailbox.set(to, [...(this.mailbox.get(to) ?? []), message]);
      return;
    }
    for (const target of targets) target.send(message);
    if (frame.reference && frame.confirmationEnabled !== false) {
      sender.send({ type: 'MESSAGE_CONFIRMATION', data: { reference: frame.reference } });
    }
  }

  private fetch(connection: FakeConnection, count: number): void {
    const stored = this.mailbox.get(connection.userId as string) ?? [];
    const batch = stored.splice(0, Math.min(count, 2000));
    for (const frame of batch) connection.send(frame);
    connection.send({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: stored.length } });
  }
}
