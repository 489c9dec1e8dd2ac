import { CLOSE_CODES, type ServerFrame } from '@linker/contracts';
import { tokenOf, type TokenSource } from './channels';
import { closeOutcome, LinkerClientError } from './errors';
import { parseServerFrame, readAuthReply } from './inbound';
import { SOCKET_OPEN, type AuthReply, type ClientLogger, type WebSocketConstructor, type WebSocketLike } from './types';

/** What a `Connection` reports to its owner. */
export interface ConnectionEvents {
  /** Every parsed server frame, the AUTH_CLIENT_REPLY included. */
  frame(frame: ServerFrame): void;
  /** The connection is over; called exactly once, whoever ended it. */
  closed(code: number, reason: string): void;
}

/** What the connection sends as `AUTH_CLIENT.data`; a token given as a function is asked when the socket opens. */
export interface AuthData {
  appId: string;
  userId: string;
  token?: TokenSource;
  ack?: boolean;
}

/** Close code reported when the socket failed without a close frame (the WHATWG "abnormal closure"). */
const ABNORMAL_CLOSURE = 1006;

/**
 * One WebSocket from open to close: sends AUTH_CLIENT once open, settles `authenticated` with the reply (or with an
 * error when refused, closed or too slow), and reports `closed` exactly once. Events of a socket it gave up on are
 * ignored, so an owner can move on to a new connection at once.
 */
export class Connection {
  readonly authenticated: Promise<AuthReply>;
  private readonly socket: WebSocketLike;
  private settleAuth?: { resolve(reply: AuthReply): void; reject(error: LinkerClientError): void };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private done = false;
  /** The last socket error, as the close reason when the close itself gives none (e.g. ECONNREFUSED). */
  private lastError = '';
  private socketClosed!: () => void;
  private readonly socketGone = new Promise<void>((resolve) => (this.socketClosed = resolve));

  constructor(
    WebSocket: WebSocketConstructor,
    url: string,
    private readonly auth: AuthData,
    timeoutMs: number,
    private readonly events: ConnectionEvents,
    private readonly logger: ClientLogger,
  ) {
    this.authenticated = new Promise<AuthReply>((resolve, reject) => (this.settleAuth = { resolve, reject }));
    this.authenticated.catch(() => undefined); // the owner may not listen; it still hears `closed`
    this.socket = new WebSocket(url);
    this.socket.onopen = () => this.onOpen();
    this.socket.onmessage = (event) => this.onMessage(event.data);
    this.socket.onclose = (event) => this.onSocketClose(event.code, event.reason);
    this.socket.onerror = (event) => {
      this.lastError = describe(event);
      this.logger.debug('socket error', { url, error: this.lastError });
    };
    this.timer = setTimeout(() => this.onTimeout(timeoutMs), timeoutMs);
  }

  /** Whether frames can be sent (open and not given up on). */
  get isOpen(): boolean {
    return !this.done && this.socket.readyState === SOCKET_OPEN;
  }

  /** Send one text frame; false when the socket is not open. */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  /** End the connection now: reports `closed(code, reason)` at once and closes the socket underneath. */
  close(code: number, reason: string): void {
    const error = new LinkerClientError('CONNECTION_CLOSED', `connection closed: ${reason}`, { closeCode: code });
    this.finish(code, reason, error);
    try {
      this.socket.close(1000, reason.slice(0, 120));
    } catch (cause) {
      this.logger.debug('socket close failed', { error: describe(cause) });
    }
  }

  /** Resolves once the underlying socket reported its close, or after `ms` (no timer is left behind). */
  async socketClosedWithin(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.socketGone, timeout]).finally(() => clearTimeout(timer));
  }

  private onOpen(): void {
    if (this.done) return;
    tokenOf(this.auth.token).then(
      (token) => {
        if (this.done) return;
        const data: Record<string, unknown> = { appId: this.auth.appId, userId: this.auth.userId };
        if (token !== undefined) data.token = token;
        if (this.auth.ack) data.ack = true;
        this.socket.send(JSON.stringify({ type: 'AUTH_CLIENT', data }));
      },
      (error: unknown) => this.close(ABNORMAL_CLOSURE, `getToken() failed: ${describe(error)}`),
    );
  }

  private onMessage(data: unknown): void {
    if (this.done) return;
    const frame = parseServerFrame(data);
    if (!frame) {
      this.logger.warn('ignored a frame that is not a JSON object with a type', { data: String(data).slice(0, 200) });
      return;
    }
    this.events.frame(frame);
    if (frame.type === 'AUTH_CLIENT_REPLY' && this.settleAuth) this.onAuthReply(frame);
  }

  private onAuthReply(frame: ServerFrame): void {
    const reply = readAuthReply(frame);
    if (reply?.isAuthenticated) {
      clearTimeout(this.timer);
      this.settleAuth?.resolve(reply);
      this.settleAuth = undefined;
      return;
    }
    // Refused: the server closes with 4001 (4011 when its auth server was busy) right after; report it now.
    if (reply?.retryAfterMs !== undefined) {
      const { code, reason } = CLOSE_CODES.AUTH_BUSY;
      this.finish(
        code,
        reason,
        new LinkerClientError('CONNECTION_CLOSED', `authentication of ${this.auth.userId} busy: ${reason}`, { closeCode: code }),
      );
      this.socket.close(1000, 'auth server busy');
      return;
    }
    const { code, reason } = CLOSE_CODES.AUTH_FAILED;
    const error = new LinkerClientError('AUTH_REFUSED', `authentication refused for ${this.auth.userId}`, { closeCode: code });
    this.finish(code, reason, error);
    this.socket.close(1000, 'authentication refused');
  }

  private onSocketClose(code: number, closeReason: string): void {
    this.socketClosed();
    const reason = closeReason || this.lastError;
    const outcome = closeOutcome(code).code;
    const message =
      outcome === 'AUTH_REFUSED'
        ? `authentication refused: ${reason || code}`
        : `connection closed (${code}${reason ? `: ${reason}` : ''})`;
    this.finish(code, reason, new LinkerClientError(outcome, message, { closeCode: code }));
  }

  private onTimeout(timeoutMs: number): void {
    if (!this.settleAuth) return;
    const reason = `not authenticated within ${timeoutMs} ms`;
    this.finish(ABNORMAL_CLOSURE, reason, new LinkerClientError('CONNECT_TIMEOUT', reason));
    try {
      this.socket.close(1000, 'connect timeout');
    } catch {
      // a socket still connecting may refuse to close; it is abandoned either way
    }
  }

  private finish(code: number, reason: string, error: LinkerClientError): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.settleAuth?.reject(error);
    this.settleAuth = undefined;
    this.events.closed(code, reason);
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null && 'message' in value) return String(value.message);
  return String(value);
}
