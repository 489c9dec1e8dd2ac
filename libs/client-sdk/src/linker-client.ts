import { CLOSE_CODES, type RefreshTokenReplyData, type ServerFrame } from '@linker/contracts';
import { IdWindow } from '@linker/kernel';
import { AckBatcher } from './ack-batcher';
import { backoffDelay, reconnectOptions } from './backoff';
import { Connection, type AuthData } from './connection';
import { TypedEmitter } from './emitter';
import { ClientChannels, tokenOf, type TokenSource } from './channels';
import { closeOutcome, LinkerClientError, type CloseOutcome } from './errors';
import { FetchQueue } from './fetch-queue';
import * as inbound from './inbound';
import { clientFrameText, ReferenceMaker, type FrameHead } from './outbound';
import { PingQueue } from './ping-queue';
import { RefreshQueue } from './token-refresh';
import type * as t from './types';
import { Unaccepted } from './unaccepted';

/** `idle` before connect; `open` = authenticated; `reconnecting` between an unexpected close and the next session. */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Where a 4006 close says to reconnect: `home domain is now <domain>: reconnect to <ws url>`. */
const MOVED_TO = /reconnect to (wss?:\/\/\S+)$/;
const SILENT: t.ClientLogger = { debug: () => undefined, warn: () => undefined };
/** A login refused (4001) while `getToken` may give a fresh token: tried once more, at once. */
const RETRY_LOGIN: CloseOutcome = { code: 'CONNECTION_CLOSED', reconnect: true, immediate: true };

/**
 * A linker client (docs/protocol.md): one authenticated WebSocket to a connector, typed events for what arrives, and
 * automatic reconnect with backoff, re-authentication and a fetch of the messages missed meanwhile. Runs in browsers
 * and in Node (pass `NodeWebSocket` as `webSocket`).
 */
export class LinkerClient extends TypedEmitter<t.ClientEvents> {
  private readonly logger: t.ClientLogger;
  private readonly reconnect: t.ReconnectOptions | false;
  private readonly random: () => number;
  private readonly references: ReferenceMaker;
  /** Makes the ids of sent messages (`resend`). */
  private readonly ids: ReferenceMaker;
  private readonly unaccepted?: Unaccepted;
  private readonly fetches = new FetchQueue();
  private readonly pings = new PingQueue();
  private readonly channels = new ClientChannels();
  private readonly refreshes = new RefreshQueue();
  /** A refused login was tried again with a fresh token since the last accepted one (once only). */
  private loginRetried = false;
  private readonly dedup?: IdWindow;
  private readonly acks?: AckBatcher;
  private connection?: Connection;
  private current: ClientState = 'idle';
  private connecting?: Promise<t.AuthReply>;
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private endpoint: string;

  constructor(private readonly options: t.LinkerClientOptions) {
    const logger = options.logger ?? SILENT;
    super((error, event) => logger.warn(`a '${String(event)}' listener threw`, { error: String(error) }));
    this.logger = logger;
    this.endpoint = options.url;
    this.reconnect = reconnectOptions(options.reconnect);
    this.random = options.random ?? Math.random;
    this.references = new ReferenceMaker(this.random);
    this.ids = new ReferenceMaker(this.random);
    const dedupWindow = options.dedupWindow ?? 10_000;
    if (dedupWindow > 0) this.dedup = new IdWindow({ capacity: dedupWindow });
    if (options.resend !== false) this.unaccepted = new Unaccepted(options.maxUnaccepted ?? 1_000);
    if (options.ack !== false) this.acks = new AckBatcher((ids) => this.connection?.send(clientFrameText('MESSAGE_ACK', { ids })) ?? false);
  }

  /** Where the client is in its life. */
  get state(): ClientState {
    return this.current;
  }

  /** The endpoint it connects to: `options.url`, or the new home domain's after a 4006 close that named one. */
  get url(): string {
    return this.endpoint;
  }

  /** Open the socket and authenticate; resolves with the AUTH_CLIENT_REPLY, rejects with a `LinkerClientError`. */
  connect(): Promise<t.AuthReply> {
    if (this.connecting) return this.connecting;
    if (this.current === 'open' || this.current === 'reconnecting') {
      return Promise.reject(new LinkerClientError('NOT_CONNECTED', `connect() called while ${this.current}`));
    }
    this.stopped = false;
    this.attempts = 0;
    this.current = 'connecting';
    const attempt = (async () => {
      const reply = await this.openFirst().authenticated.catch((error: unknown) => this.loginAgain(error));
      if (this.stopped) throw new LinkerClientError('CONNECTION_CLOSED', 'closed while connecting');
      this.current = 'open';
      this.loginRetried = false;
      this.emit('authenticated', reply);
      return reply;
    })();
    this.connecting = attempt.finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /**
   * Send `content` to user `to`; returns the reference used (confirmations, `accepted` and errors carry it). With
   * `resend`, the message waits for the server's `ACCEPTED` and is sent again after a reconnect until then.
   */
  send(to: string, content: string, options: t.SendOptions = {}): string {
    const reference = options.reference ?? this.references.next();
    const id = this.idFor(options);
    const head: FrameHead = { reference, id, feature: options.feature, confirmationEnabled: options.confirmationEnabled };
    this.sendMessage(id, clientFrameText('MESSAGE', { to, content }, head));
    return reference;
  }

  /** Send one `GROUP_MESSAGE` to every user of `to` (no confirmation); returns the reference used. As `send` for `resend`. */
  sendGroup(to: string[], content: string, options: t.GroupSendOptions = {}): string {
    const reference = options.reference ?? this.references.next();
    const id = this.idFor(options);
    this.sendMessage(id, clientFrameText('GROUP_MESSAGE', { to, content }, { feature: options.feature, reference, id }));
    return reference;
  }

  /** How many sent messages wait for the server to accept them (with `resend`). */
  get unacceptedCount(): number {
    return this.unaccepted?.size ?? 0;
  }

  /** Fetch up to `count` stored messages, oldest first (docs/protocol.md, Fetch); in ack mode they are acknowledged after. */
  async fetchMissing(count: number): Promise<t.FetchResult> {
    const { messages, leftMissingCount } = await this.requestFetch(count);
    for (const message of messages) this.acknowledge(message);
    return { messages, leftMissingCount };
  }

  /** Close every socket of `userId` (master users only); returns the reference an error would carry. */
  closeConnection(userId: string): string {
    const reference = this.references.next();
    this.sendFrame(clientFrameText('CLOSE_CONNECTION', { userId }, { reference }));
    return reference;
  }

  /**
   * Subscribe to `channel` (docs/protocol.md, Channels); resolves on SUBSCRIBED, rejects (REJECTED) when the server refuses.
   * The channel's publications come as `publication` events. After a reconnect the client subscribes again by itself,
   * asking `token` afresh when it is a function (an `error` event tells of a refusal then).
   */
  async subscribe(channel: string, token?: TokenSource): Promise<void> {
    await this.requestSubscription(channel, token);
    this.channels.want(channel, token);
  }

  /** Unsubscribe from `channel`; resolves on UNSUBSCRIBED. */
  unsubscribe(channel: string): Promise<void> {
    this.channels.forget(channel);
    const reference = this.references.next();
    this.sendFrame(clientFrameText('UNSUBSCRIBE', { channel }, { reference }));
    return this.channels.wait(reference);
  }

  /**
   * Publish `data` (any JSON value) to `channel`, where its rule lets clients publish; returns the reference used. With
   * `resend`, it waits for `accepted` as a message does and is sent again after a reconnect until then.
   */
  publish(channel: string, data: unknown, options: Pick<t.SendOptions, 'feature' | 'id' | 'reference'> = {}): string {
    const reference = options.reference ?? this.references.next();
    const id = this.idFor(options);
    this.sendMessage(id, clientFrameText('PUBLISH', { channel, data }, { reference, id, feature: options.feature }));
    return reference;
  }

  /** Send `PING {}`; resolves with the round trip in milliseconds when the `PONG` arrives. */
  async ping(): Promise<number> {
    this.sendFrame(clientFrameText('PING', {}));
    return this.pings.expect();
  }

  /** Send any frame as is (an object is sent as JSON, a string verbatim), whether authenticated or not. */
  sendRaw(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    if (!this.connection?.send(text)) throw new LinkerClientError('NOT_CONNECTED', 'no open socket');
  }

  /** Close for good (no reconnect): sends pending acks, closes the socket, emits `closed` {1000}. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.acks?.flush();
    const connection = this.connection;
    this.connection = undefined;
    const wasActive = this.current !== 'idle' && this.current !== 'closed';
    this.current = 'closed';
    this.failPending('client closed');
    connection?.close(1000, 'client closed');
    if (wasActive) this.emit('closed', { code: 1000, reason: 'client closed', willReconnect: false });
    await connection?.socketClosedWithin(2_000);
  }

  /**
   * Send a fresh token for the session (docs/protocol.md, Token expiry): `token`, else one from `getToken`. Resolves
   * with the server's answer (refused: `reason`; the session then ends at the old token's expiry); also emitted as
   * `tokenRefreshed`. With `getToken`, the client does this by itself when the server says the token is expiring.
   */
  async refreshToken(token?: string): Promise<RefreshTokenReplyData> {
    const fresh = token ?? (await tokenOf(this.options.getToken));
    if (fresh === undefined) throw new LinkerClientError('NOT_CONNECTED', 'no token to refresh with: pass one, or give getToken');
    const reference = this.references.next();
    const answered = this.refreshes.start(reference);
    try {
      this.sendFrame(clientFrameText('REFRESH_TOKEN', { token: fresh }, { reference }));
    } catch (error) {
      this.refreshes.answered(reference, { isAuthenticated: false });
      throw error;
    }
    return answered;
  }

  /** `connect()`'s first login was refused: once, with `getToken`, log in again with a fresh token. */
  private loginAgain(error: unknown): Promise<t.AuthReply> {
    const refused = error instanceof LinkerClientError && error.code === 'AUTH_REFUSED';
    if (!refused || this.options.getToken === undefined || this.stopped) throw error;
    this.logger.debug('login refused: trying once more with a fresh token');
    this.current = 'connecting';
    this.loginRetried = true;
    return this.openFirst().authenticated;
  }

  /** `open` for `connect()`: a failure to even create the socket leaves the client closed. */
  private openFirst(): Connection {
    try {
      return this.open();
    } catch (error) {
      this.current = 'closed';
      throw error;
    }
  }

  private open(): Connection {
    const WebSocket = this.options.webSocket ?? (globalThis as { WebSocket?: t.WebSocketConstructor }).WebSocket;
    if (!WebSocket) throw new LinkerClientError('NO_WEBSOCKET', 'no WebSocket: pass `webSocket` (in Node: NodeWebSocket)');
    const { appId, userId, token, getToken } = this.options;
    const auth: AuthData = { appId, userId, token: getToken ?? token, ack: this.options.ack !== false };
    const connection = new Connection(
      WebSocket,
      this.endpoint,
      auth,
      this.options.connectTimeoutMs ?? 15_000,
      {
        frame: (frame) => connection === this.connection && this.onFrame(frame),
        closed: (code, reason) => this.onClosed(connection, code, reason),
      },
      this.logger,
    );
    this.connection = connection;
    return connection;
  }

  private onClosed(connection: Connection, code: number, reason: string): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.acks?.clear();
    this.failPending(`connection closed (${code})`, code);
    const was = this.current;
    const outcome = this.retriesLogin(code, was) ? RETRY_LOGIN : closeOutcome(code);
    const willReconnect = was !== 'connecting' && !this.stopped && this.reconnect !== false && outcome.reconnect;
    this.current = willReconnect ? 'reconnecting' : 'closed';
    this.logger.debug('connection closed', { code, reason, willReconnect });
    const moved = code === CLOSE_CODES.HOME_DOMAIN_MOVED.code ? MOVED_TO.exec(reason)?.[1] : undefined;
    if (moved !== undefined && willReconnect) {
      this.endpoint = moved;
      this.emit('moved', { url: moved, reason });
    }
    if (was !== 'reconnecting' || !willReconnect) this.emit('closed', { code, reason, willReconnect });
    if (willReconnect) this.scheduleReconnect(outcome.immediate === true);
  }

  /** A reconnect's login refused (4001) is tried once more with a fresh token from `getToken`. */
  private retriesLogin(code: number, was: ClientState): boolean {
    if (code !== CLOSE_CODES.AUTH_FAILED.code || was !== 'reconnecting' || this.options.getToken === undefined || this.loginRetried)
      return false;
    this.loginRetried = true;
    return true;
  }

  /** The next attempt, after the backoff's delay (`immediate`: at once, the first time: the server asked for it). */
  private scheduleReconnect(immediate = false): void {
    if (this.stopped || this.reconnect === false) return;
    this.attempts += 1;
    const delayMs = immediate && this.attempts === 1 ? 0 : backoffDelay(this.attempts, this.reconnect, this.random);
    this.emit('reconnecting', { attempt: this.attempts, delayMs });
    if (this.stopped) return; // a listener called close()
    this.reconnectTimer = setTimeout(() => this.reconnectNow(), delayMs);
  }

  private reconnectNow(): void {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    let connection: Connection;
    try {
      connection = this.open();
    } catch (error) {
      this.logger.warn('reconnect failed to open a socket', { error: String(error) });
      return this.scheduleReconnect();
    }
    connection.authenticated.then(
      (reply) => this.onReconnected(connection, reply),
      () => undefined, // onClosed decides what comes next
    );
  }

  private onReconnected(connection: Connection, reply: t.AuthReply): void {
    if (connection !== this.connection) return;
    const attempts = this.attempts;
    this.attempts = 0;
    this.current = 'open';
    this.loginRetried = false;
    this.emit('authenticated', reply);
    // What the last connection left unanswered goes again first, in order: the server takes each as the same message.
    for (const text of this.unaccepted?.texts() ?? []) connection.send(text);
    this.resubscribe();
    void this.fetchAfterReconnect(attempts);
  }

  /** SUBSCRIBE once more to every channel wanted; a refusal is an `error` event (the channel stays wanted). */
  private resubscribe(): void {
    for (const [channel, token] of this.channels.entries()) {
      this.requestSubscription(channel, token).catch((error: unknown) =>
        this.logger.warn('subscribing again after a reconnect failed', { channel, error: String(error) }),
      );
    }
  }

  /** SUBSCRIBE, from where the channel's history was left if it keeps one (the server sends what was missed). */
  private async requestSubscription(channel: string, source: TokenSource | undefined): Promise<void> {
    const token = await tokenOf(source);
    const since = this.channels.positionOf(channel);
    const reference = this.references.next();
    const data = { channel, ...(token === undefined ? {} : { token }), ...(since === undefined ? {} : { since }) };
    this.sendFrame(clientFrameText('SUBSCRIBE', data, { reference }));
    return this.channels.wait(reference);
  }

  private onSubscribed(frame: ServerFrame): void {
    const subscribed = inbound.readSubscribed(frame);
    if (!subscribed) return this.logger.warn('malformed SUBSCRIBED frame', { frame });
    const { channel, epoch, offset } = subscribed;
    if (epoch !== undefined && offset !== undefined) this.channels.at(channel, epoch, offset);
    this.emit('subscribed', subscribed);
    this.channels.answered(frame.reference);
  }

  private onPublication(frame: ServerFrame): void {
    const publication = inbound.readPublication(frame);
    if (!publication) return this.logger.warn('malformed PUBLICATION frame', { frame });
    if (publication.offset !== undefined) this.channels.received(publication.channel, publication.offset);
    this.emit('publication', publication);
  }

  /**
   * Fetch what was missed while away, `fetchOnReconnect` at a time until the server says nothing is left, and emit it
   * as `message` events (each batch acknowledged in ack mode before the next is asked for). A connection that drops
   * meanwhile ends it: the next reconnect fetches again.
   */
  private async fetchAfterReconnect(attempts: number): Promise<void> {
    const count = this.options.fetchOnReconnect ?? 100;
    if (count <= 0) return this.emit('reconnected', { attempts, fetched: 0 });
    let fetched = 0;
    try {
      for (;;) {
        const { messages, leftMissingCount, handed } = await this.requestFetch(count);
        for (const message of messages) this.deliver(message);
        fetched += messages.length;
        if (leftMissingCount === 0 || handed === 0) return this.emit('reconnected', { attempts, fetched, leftMissingCount });
      }
    } catch (error) {
      this.logger.warn('fetch after reconnect failed', { error: String(error) });
    }
  }

  /** One fetch; `messages` leaves out those seen already (acknowledged again), `handed` counts them too. */
  private requestFetch(count: number): Promise<t.FetchResult & { handed: number }> {
    const reference = this.references.next();
    this.sendFrame(clientFrameText('FETCH_MISSING_MESSAGES_REQUEST', { count }, { reference }));
    return this.fetches.start(reference).then(({ messages, leftMissingCount }) => ({
      messages: messages.filter((message) => this.firstSight(message)),
      leftMissingCount,
      handed: messages.length,
    }));
  }

  private onFrame(frame: ServerFrame): void {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'MESSAGE':
        return this.onMessage(frame);
      case 'MESSAGE_CONFIRMATION':
        return this.emitIf('confirmation', inbound.readConfirmation(frame), frame);
      case 'USER_CONNECTED':
      case 'USER_DISCONNECTED':
        return this.emitIf('presence', inbound.readPresence(frame), frame);
      case 'FETCH_MISSING_MESSAGES_COMPLETE':
        if (!this.fetches.complete(inbound.readLeftMissingCount(frame))) this.logger.warn('unexpected fetch complete');
        return;
      case 'INVALID_MESSAGE':
        return this.onInvalid(inbound.readError(frame));
      case 'ACCEPTED':
        return this.onAccepted(frame);
      case 'PONG':
        return this.pings.pong();
      case 'SUBSCRIBED':
        return this.onSubscribed(frame);
      case 'UNSUBSCRIBED':
        return this.channels.answered(frame.reference);
      case 'PUBLICATION':
        return this.onPublication(frame);
      case 'AUTH_CLIENT_REPLY':
        return; // settled by the connection
      case 'TOKEN_EXPIRING':
        return this.onTokenExpiring(frame);
      case 'REFRESH_TOKEN_REPLY':
        return this.onRefreshReply(frame);
      default:
        this.logger.warn(`unexpected ${frame.type} frame`, { frame });
    }
  }

  private onTokenExpiring(frame: ServerFrame): void {
    const expiring = inbound.readTokenExpiring(frame);
    if (!expiring) return this.logger.warn('malformed TOKEN_EXPIRING frame', { frame });
    this.emit('tokenExpiring', expiring);
    if (this.options.getToken === undefined) return;
    this.refreshToken().catch((error: unknown) => this.logger.warn('refreshing the token failed', { error: String(error) }));
  }

  private onRefreshReply(frame: ServerFrame): void {
    const reply = inbound.readRefreshReply(frame);
    if (!reply) return this.logger.warn('malformed REFRESH_TOKEN_REPLY frame', { frame });
    this.refreshes.answered(frame.reference, reply);
    if (!reply.isAuthenticated) this.logger.warn('the server refused the fresh token', { reason: reply.reason });
    this.emit('tokenRefreshed', reply);
  }

  private onMessage(frame: ServerFrame): void {
    const message = inbound.readMessage(frame);
    if (!message) return this.logger.warn('malformed MESSAGE frame', { frame });
    if (this.fetches.collect(message)) return; // deduplicated and acknowledged when the fetch completes
    if (this.firstSight(message)) this.deliver(message);
  }

  /** Emit one message, then queue its ack (sent once this tick's listeners ran). */
  private deliver(message: t.IncomingMessage): void {
    this.emit('message', message);
    this.acknowledge(message);
  }

  /** Whether `message` is new (within `dedupWindow` ids); a duplicate is acknowledged again in ack mode (its first ack may be lost) and dropped. */
  private firstSight(message: t.IncomingMessage): boolean {
    if (!this.dedup || message.id === undefined || this.dedup.addNew(message.id)) return true;
    this.acknowledge(message);
    return false;
  }

  private acknowledge(message: t.IncomingMessage): void {
    if (this.acks && message.id !== undefined) this.acks.add(message.id);
  }

  private onAccepted(frame: ServerFrame): void {
    const accepted = inbound.readAccepted(frame);
    if (!accepted) return this.logger.warn('malformed ACCEPTED frame', { frame });
    this.unaccepted?.settle(accepted.id);
    this.emit('accepted', accepted);
  }

  private onInvalid(error: t.ClientEvents['error']): void {
    if (error.id !== undefined) this.unaccepted?.settle(error.id);
    if (error.reference !== undefined) {
      const rejection = new LinkerClientError('REJECTED', `${error.code}: ${error.message}`, { serverCode: error.code });
      if (!this.fetches.reject(error.reference, rejection)) this.channels.refused(error.reference, rejection);
    }
    this.emit('error', error);
  }

  private emitIf<K extends 'confirmation' | 'presence'>(event: K, payload: t.ClientEvents[K] | undefined, frame: ServerFrame): void {
    if (payload) this.emit(event, payload);
    else this.logger.warn(`malformed ${frame.type} frame`, { frame });
  }

  /** The id a message goes with: the caller's, else a new one when `resend` is on (none without it). */
  private idFor(options: { id?: string }): string | undefined {
    return options.id ?? (this.unaccepted ? this.ids.next() : undefined);
  }

  /** Send a message frame, kept until the server answers its `id` (with `resend`); nothing is kept if it cannot go. */
  private sendMessage(id: string | undefined, text: string): void {
    if (id === undefined || !this.unaccepted) return this.sendFrame(text);
    this.unaccepted.add(id, text);
    try {
      this.sendFrame(text);
    } catch (error) {
      this.unaccepted.settle(id);
      throw error;
    }
  }

  private sendFrame(text: string): void {
    if (this.current !== 'open' || !this.connection?.send(text)) {
      throw new LinkerClientError('NOT_CONNECTED', `not connected (${this.current})`);
    }
  }

  private failPending(reason: string, closeCode?: number): void {
    const error = new LinkerClientError('CONNECTION_CLOSED', reason, { closeCode });
    this.fetches.rejectAll(error);
    this.pings.rejectAll(error);
    this.channels.rejectAll(error);
    this.refreshes.rejectAll(error);
  }
}
