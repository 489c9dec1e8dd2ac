import type { ErrorCode, RefreshTokenReplyData, ServerFrame, TokenExpiringData } from '@linker/contracts';

/**
 * The part of the WHATWG `WebSocket` the SDK uses. A browser's `WebSocket` fits it as is; in Node pass
 * `NodeWebSocket` from the `/node` entry (`@linker-ts/client/node`), which wraps the `ws` package.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WHATWG values). */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The WHATWG `readyState` of an open socket. */
export const SOCKET_OPEN = 1;

/** Backoff of automatic reconnects: exponential, capped, with (full by default) jitter. */
export interface ReconnectOptions {
  /** Delay cap of the first attempt. Default 500 ms. */
  initialDelayMs: number;
  /** No delay is ever longer than this. Default 30 s. */
  maxDelayMs: number;
  /** Growth of the cap per attempt. Default 2. */
  factor: number;
  /** Share of the delay that is random, 0..1: 1 is full jitter (uniform in [0, cap]), 0 none. Default 1. */
  jitter: number;
}

/** Where the SDK reports what it does; silent unless given. */
export interface ClientLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
}

/** Options of a `LinkerClient`. */
export interface LinkerClientOptions {
  /**
   * The connector's client endpoint, e.g. `ws://127.0.0.1:8089/ws`. When the server says the user's home domain moved
   * (4006, with the new endpoint in the reason), the client reconnects there instead (see the `moved` event).
   */
  url: string;
  appId: string;
  userId: string;
  /** The login's token (a JWT, or what the app's `authUrl` checks). With `getToken`, not used. */
  token?: string;
  /**
   * Where a fresh token comes from (docs/protocol.md, Token expiry): asked at each login (connect and every reconnect)
   * instead of `token`; asked again when the server says the session's token is about to expire (`TOKEN_EXPIRING`),
   * and the fresh one sent in-band (`REFRESH_TOKEN`), so the session goes on without a reconnect; and asked again
   * when a login is refused (4001), to try once more with the fresh token before giving up.
   */
  getToken?: () => string | Promise<string>;
  /**
   * Ack mode: the server keeps each message for the user until the client acknowledges it (`MESSAGE_ACK`, sent once
   * the `message` listeners ran), so a message counts as delivered, and is confirmed to its sender, only when this
   * application had it; what a dropped connection left unacknowledged comes again by the fetch after the reconnect
   * (duplicates are dropped by id). Default true; `false` is the original clients' mode, where a message counts as
   * delivered once it was written to the socket.
   */
  ack?: boolean;
  /** WebSocket constructor; default `globalThis.WebSocket` (browsers, Node ≥ 22). */
  webSocket?: WebSocketConstructor;
  /** Backoff of automatic reconnects, or `false` for none. Partial options fill in from the defaults. */
  reconnect?: Partial<ReconnectOptions> | false;
  /**
   * After a reconnect the client fetches what it missed (and emits it as `message`) in batches of this many, until the
   * server says nothing is left; 0: no fetch. Default 100.
   */
  fetchOnReconnect?: number;
  /** Give up on a connect or reconnect attempt not authenticated within this time. Default 15 s. */
  connectTimeoutMs?: number;
  /**
   * How many message ids the client remembers to drop a message handed to it twice (a sender's resend, a redelivery
   * in ack mode). Default 10,000; 0: none (every copy is emitted).
   */
  dedupWindow?: number;
  /**
   * Give each message (`send`, `sendGroup`) an `id`, keep it until the server accepts it (`accepted` event) or refuses
   * it (`error` with the same `id`), and send the unanswered ones again, in order and with the same ids, right after a
   * reconnect: the server takes a resend as the same message, so nothing sent is lost to a dropped connection and
   * nothing is delivered twice. Default true.
   */
  resend?: boolean;
  /** Most messages that may wait for the server's `ACCEPTED` (with `resend`); beyond, `send` throws TOO_MANY_UNACCEPTED. Default 1,000. */
  maxUnaccepted?: number;
  logger?: ClientLogger;
  /** Source of randomness for jitter and references, in [0, 1). Default `Math.random`; tests may fix it. */
  random?: () => number;
}

/**
 * `AUTH_CLIENT_REPLY.data`. `expiresAt` (epoch ms): when the login's token expires (JWT logins); `retryAfterMs`: the
 * login was refused only because the app's auth server is busy.
 */
export interface AuthReply {
  appId: string;
  userId: string;
  isAuthenticated: boolean;
  expiresAt?: number;
  retryAfterMs?: number;
}

/** A `MESSAGE` received from another user. `id` is absent on servers that do not send it (the original). */
export interface IncomingMessage {
  id?: string;
  from: string;
  content: string;
  reference?: string;
}

/** What `fetchMissing` resolves with. */
export interface FetchResult {
  messages: IncomingMessage[];
  /** How many messages the server still stores after this batch. */
  leftMissingCount: number;
}

/** The lane of a message: `RELIABLE` (default, never lost) or `FAST` (in memory). */
export type Feature = 'RELIABLE' | 'FAST';

/** Options of `send`. */
export interface SendOptions {
  feature?: Feature;
  /** Correlates confirmations and errors; a fresh one is made when absent. */
  reference?: string;
  /** `false` asks for no `MESSAGE_CONFIRMATION`. Default true (the server's default). */
  confirmationEnabled?: boolean;
  /**
   * The message's id (1–128 characters, unique among this user's messages), when the application keeps its own outbox
   * and may send the same message again after a restart; made for you when absent (with `resend`).
   */
  id?: string;
}

/** Options of `sendGroup` (group messages never produce confirmations). */
export type GroupSendOptions = Omit<SendOptions, 'confirmationEnabled'>;

/** The events of a `LinkerClient` and their payloads. */
export interface ClientEvents {
  /** A message from another user, live or fetched after a reconnect (never twice within `dedupWindow` ids). */
  message: IncomingMessage;
  /** The server holds the message sent with this `id` (and `reference`): from now on it is not lost (RELIABLE). */
  accepted: { id: string; reference?: string };
  /** A message sent with this reference was delivered. */
  /** `path`: the domains the message crossed, when the recipient lives in another domain. */
  confirmation: { reference: string; path?: string[] };
  /**
   * A publication to a channel this client is subscribed to; `from` is the publishing user (absent: the app's server);
   * `offset`: its place in the channel's history, for a channel that keeps one.
   */
  publication: { channel: string; data: unknown; from?: string; offset?: number };
  /**
   * A subscription is in place (on `subscribe` and after each reconnect). For a channel with a history: its position,
   * and after a reconnect `recovered`: true when every publication missed meanwhile came again (before the live ones),
   * false when continuity was lost (some are gone: fetch the state another way).
   */
  subscribed: { channel: string; epoch?: string; offset?: number; recovered?: boolean };
  /** Presence of another user of the app (master users only). */
  presence: { type: 'USER_CONNECTED' | 'USER_DISCONNECTED'; userId: string };
  /**
   * The server refused a frame (`INVALID_MESSAGE`); the connection stays open. `retryAfterMs` (with OVERLOADED and
   * UNAVAILABLE): nothing was sent; send the frame again after that long. `lane` (with UNAVAILABLE): the lane that is out.
   * `id`: the refused message's id (it is not sent again after a reconnect).
   */
  error: { code: ErrorCode | string; message: string; reference?: string; retryAfterMs?: number; lane?: Feature; id?: string };
  /** An authenticated connection ended, or the client gave up; `willReconnect` says what comes next. */
  closed: { code: number; reason: string; willReconnect: boolean };
  /** The user's home domain moved (close code 4006): the client reconnects to `url`, the new home's endpoint. */
  moved: { url: string; reason: string };
  /** A reconnect attempt is scheduled in `delayMs`. */
  reconnecting: { attempt: number; delayMs: number };
  /** A reconnect succeeded and the missed messages were fetched (and emitted as `message`). */
  reconnected: { attempts: number; fetched: number; leftMissingCount?: number };
  /** The server accepted AUTH_CLIENT (on connect and on every reconnect). */
  authenticated: AuthReply;
  /**
   * The session's token expires at `expiresAt` (epoch ms), in `inMs`: send a fresh one (`refreshToken`; done by the
   * client itself with `getToken`), else the server closes the connection then (4010, and the client reconnects).
   */
  tokenExpiring: TokenExpiringData;
  /** The server's answer to a fresh token: accepted (the session goes on until `expiresAt`), or refused with `reason`. */
  tokenRefreshed: RefreshTokenReplyData;
  /** Every frame the server sent, parsed, before it is handled (for tools and tests). */
  frame: ServerFrame;
}
