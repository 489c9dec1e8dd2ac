import { CLOSE_CODES, clientFrameBytes, type CloseCodeName, type ErrorCode, type SocketAddress } from '@linker/contracts';
import { IdWindow } from '@linker/kernel';
import { RateLimiter, type RateLimits } from '../ingress/rate-limiter';
import type { RetryHint } from '../ingress/publish-failure';
import type { ChannelSubscriber } from '../channels/channel-subscribers';
import { NO_METER, type ConnectorMeter } from '../health/connector-metrics';

/** What the answers to a client frame echo of it: its `reference`, and its `id` (the client's own, see `ACCEPTED`). */
export interface FrameTag {
  readonly reference?: string;
  readonly id?: string;
}

export const NO_TAG: FrameTag = Object.freeze({});
const NO_CHANNELS: ReadonlySet<string> = new Set();
import type { ClientSocket, WriteDone } from '../socket/client-socket';

/** Longest delay one timer takes (Node fires a longer one at once): a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * docs/protocol.md, Authentication: NOT_AUTHENTICATED → AUTHENTICATING (AUTH_CLIENT sent to the processors) → AUTHENTICATED (presence
 * registered, reply written). CLOSED is final: the session is out of the registry and its socket is closing.
 */
export type SessionState = 'NOT_AUTHENTICATED' | 'AUTHENTICATING' | 'AUTHENTICATED' | 'CLOSED';

/** A message written to an ack-mode socket and not acknowledged yet (see `DeliveryFate`). */
export interface HeldDelivery {
  /** The client acknowledged it. */
  reach(): void;
  /** The socket closed before the acknowledgement (a message already in the mailbox stays there). */
  dropped(socketId: string): void;
}

export interface SessionLimits {
  readonly rate: RateLimits;
  /** Ack mode: most unacknowledged messages before the socket counts as a slow consumer. */
  readonly maxUnacked: number;
  /** This many refused frames in a row close the socket with 4007 PROTOCOL_ABUSE. */
  readonly maxInvalidFrames: number;
  readonly dedupWindowMs: number;
  readonly dedupMaxIds: number;
  /** An authenticated socket lives this long plus a random share of `lifetimeDitherMs`, then closes with 4009; unset: for ever. */
  readonly lifetimeMs?: number;
  readonly lifetimeDitherMs: number;
}

/** Told when a session ends, once, with the state it was in (AUTHENTICATED = its presence must be removed). */
export type SessionEnded = (session: Session, previous: SessionState) => void;

/** What a session tells its registry, each at most once: it became AUTHENTICATED; it ended. */
export interface SessionEvents {
  authenticated(session: Session): void;
  ended: SessionEnded;
}

/**
 * One client connection as the connector sees it: its auth state, its user, its limits and what it holds.
 * Its state changes only through its methods, on the event loop only; no allocation per frame beyond what a write needs.
 */
export class Session implements ChannelSubscriber {
  /** A publication reaches a client socket as its PUBLICATION frame. */
  readonly publicationFrame = clientFrameBytes;
  private current: SessionState = 'NOT_AUTHENTICATED';
  /** The claimed user while AUTHENTICATING, the authenticated user once AUTHENTICATED. Never from any other frame. */
  private user: string | undefined;
  /** The app of `user` (its id's prefix), made once: analytics count per app without a string per frame. */
  private appName = '';
  /** docs/protocol.md, Ack mode: asked with `AUTH_CLIENT.data.ack: true`. */
  private ack = false;
  /** A positive AUTH_CLIENT_REPLY is being applied (presence being registered). */
  private registering = false;
  /** Invalid frames in a row (reset by any accepted frame). */
  private invalidStreak = 0;
  /** The auth deadline until AUTHENTICATED, then the end of its lifetime (when limited). */
  private timer: NodeJS.Timeout | undefined;
  /** The token's expiry (JWT logins): TOKEN_EXPIRING when it is near, then the close with 4010. */
  private expiry: NodeJS.Timeout | undefined;
  readonly limiter: RateLimiter;
  private dedup: IdWindow | undefined;
  private held: Map<string, HeldDelivery> | undefined;
  /** The channels this socket is subscribed to (created on the first). */
  private subscribed: Set<string> | undefined;
  /** When its AUTH_CLIENT was read (`performance.now()`), for the auth latency. */
  private authBegan = 0;

  constructor(
    readonly id: string,
    readonly address: SocketAddress,
    /** The client's IP address (the TCP peer: a proxy's, behind one). */
    readonly remoteAddress: string,
    readonly socket: ClientSocket,
    private readonly limits: SessionLimits,
    private readonly events: SessionEvents,
    now: number,
    private readonly meter: ConnectorMeter = NO_METER,
  ) {
    this.limiter = new RateLimiter(limits.rate, now);
  }

  // Read from outside, changed only by the transitions below.
  get state(): SessionState {
    return this.current;
  }

  get userId(): string | undefined {
    return this.user;
  }

  /** The app of the claimed or authenticated user ('' before AUTH_CLIENT). */
  get app(): string {
    return this.appName;
  }

  get ackMode(): boolean {
    return this.ack;
  }

  /**
   * Write one frame. False when it was not accepted: the socket is closing, or its send queue is full, in which case
   * the session is closed with 4005 SLOW_CONSUMER. `done` is called (once) only for an accepted frame.
   */
  send(frame: Buffer, done?: WriteDone): boolean {
    const result = this.socket.write(frame, done);
    if (result === 'ok') this.meter.frameOut(frame);
    else if (result === 'full') this.close('SLOW_CONSUMER');
    return result === 'ok';
  }

  /** `INVALID_MESSAGE {code, message, retryAfterMs?, lane?, id?}` with the frame's reference and client id. */
  error(code: ErrorCode, message: string, tag: FrameTag = NO_TAG, hint?: RetryHint): void {
    this.meter.error(code);
    const data = { code, message, ...hint, id: tag.id };
    this.send(Buffer.from(JSON.stringify({ type: 'INVALID_MESSAGE', data, reference: tag.reference })));
  }

  /** A frame was accepted: the run of invalid frames is over. */
  frameAccepted(): void {
    this.invalidStreak = 0;
  }

  /** A frame was refused: `maxInvalidFrames` in a row close the socket with 4007 PROTOCOL_ABUSE. */
  frameRefused(): void {
    if (++this.invalidStreak >= this.limits.maxInvalidFrames) this.close('PROTOCOL_ABUSE');
  }

  /** A new socket has `timeoutMs` to become AUTHENTICATED, else it is closed with 4002 AUTH_TIMEOUT. */
  startAuthDeadline(timeoutMs: number): void {
    this.timer = setTimeout(() => {
      if (this.current !== 'AUTHENTICATED') this.close('AUTH_TIMEOUT');
    }, timeoutMs);
  }

  /** AUTH_CLIENT for `userId` went to the processors: AUTHENTICATING until their reply. */
  beginAuth(userId: string, ackMode: boolean): void {
    this.current = 'AUTHENTICATING';
    this.authBegan = performance.now();
    this.user = userId;
    const dash = userId.indexOf('-');
    this.appName = dash > 0 ? userId.slice(0, dash) : userId;
    this.ack = ackMode;
  }

  /**
   * The AUTH_CLIENT could not be published: NOT_AUTHENTICATED again, so the client may try again, unless the socket
   * is no longer AUTHENTICATING or a reply is being applied. True when it went back.
   */
  authNotPublished(): boolean {
    if (this.current !== 'AUTHENTICATING' || this.registering) return false;
    this.current = 'NOT_AUTHENTICATED';
    this.user = undefined;
    return true;
  }

  /** Milliseconds since its AUTH_CLIENT was read (for the auth latency). */
  authElapsedMs(): number {
    return performance.now() - this.authBegan;
  }

  /** Whether a reply for `userId` is awaited: AUTHENTICATING as `userId`, and no positive reply being applied. */
  awaitsAuthReply(userId: string): boolean {
    return this.current === 'AUTHENTICATING' && !this.registering && this.user === userId;
  }

  /** A positive reply is being applied (presence being registered): other replies are ignored until `authenticated`. */
  authAccepted(): void {
    this.registering = true;
  }

  /**
   * Presence is registered for the claimed user: AUTHENTICATED from now on, and its auth deadline is off. False when
   * the socket closed meanwhile (it never counted as connected: its presence must be forgotten).
   */
  authenticated(): boolean {
    this.registering = false;
    if (this.current !== 'AUTHENTICATING') return false;
    this.current = 'AUTHENTICATED';
    clearTimeout(this.timer);
    this.timer = undefined; // a cleared timer still holds its callback: about 250 bytes per idle socket
    const { lifetimeMs, lifetimeDitherMs } = this.limits;
    if (lifetimeMs !== undefined) {
      this.timer = setTimeout(() => this.close('RECONNECT'), lifetimeMs + Math.floor(Math.random() * lifetimeDitherMs));
    }
    this.events.authenticated(this);
    return true;
  }

  /**
   * The login's token expires at `expiresAt` (epoch ms; undefined: never): `TOKEN_EXPIRING {expiresAt, inMs}` is
   * written `noticeMs` before (at once when that is past), and the socket is closed with 4010 TOKEN_EXPIRED at
   * `expiresAt`, unless this is called again meanwhile (a fresh token: its expiry replaces the old one).
   */
  tokenExpiresAt(expiresAt: number | undefined, noticeMs: number, now: number): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
    if (expiresAt === undefined || this.current === 'CLOSED') return;
    this.expireAt(expiresAt - noticeMs, now, (noticed) => {
      const data = { expiresAt, inMs: Math.max(0, expiresAt - noticed) };
      this.send(Buffer.from(JSON.stringify({ type: 'TOKEN_EXPIRING', data })));
      this.expireAt(expiresAt, noticed, () => this.close('TOKEN_EXPIRED'));
    });
  }

  private expireAt(at: number, now: number, then: (now: number) => void): void {
    this.expiry = setTimeout(
      () => {
        const later = Date.now();
        if (later < at) this.expireAt(at, later, then);
        else then(later);
      },
      Math.max(0, Math.min(at - now, MAX_TIMER_MS)),
    );
  }

  /** Close with the close frame of `name`, and end the session now (not when the client answers). Idempotent. */
  close(name: CloseCodeName, reason?: string): void {
    if (this.current === 'CLOSED') return;
    this.meter.closed('server', CLOSE_CODES[name].code);
    this.socket.close(name, reason);
    this.end();
  }

  /** The connection is gone, or closing: leave the registry, drop what is held, tell the owner. Idempotent. */
  end(): void {
    if (this.current === 'CLOSED') return;
    const previous = this.current;
    this.current = 'CLOSED';
    clearTimeout(this.timer);
    clearTimeout(this.expiry);
    const held = this.held;
    this.held = undefined;
    if (held) for (const delivery of held.values()) delivery.dropped(this.id);
    this.events.ended(this, previous);
  }

  /**
   * The ids written to this socket recently (created on first use): each for `dedupWindowMs` (docs/protocol.md, De-duplication: 10
   * minutes), at most `dedupMaxIds` of them (the oldest forgotten first). Callers pass the time of the write.
   */
  written(): IdWindow {
    this.dedup ??= new IdWindow({ capacity: this.limits.dedupMaxIds, maxAgeMs: this.limits.dedupWindowMs });
    return this.dedup;
  }

  /**
   * Ack mode: keep `delivery` until the client acknowledges `id` (it replaces one held for the same id, which the ack
   * then settles no more); too many held closes the socket as slow.
   */
  hold(id: string, delivery: HeldDelivery): void {
    this.held ??= new Map();
    this.held.set(id, delivery);
    if (this.held.size > this.limits.maxUnacked) this.close('SLOW_CONSUMER');
  }

  /**
   * What a fetch of `asked` messages may bring to this socket without closing it as slow (docs/protocol.md, Fetch): at most
   * half of its send queue's bounds (`ClientSocket.burstRoom`) and, in ack mode, half of `maxUnacked`, less what it
   * holds already (at least one message). The rest stays in the mailbox for the next fetch (`leftMissingCount`).
   */
  fetchBudget(asked: number): { count: number; maxBytes: number } {
    const room = this.socket.burstRoom();
    const unacked = this.ack ? Math.max(1, this.unackedRoom()) : asked;
    return { count: Math.min(asked, room.frames, unacked), maxBytes: room.bytes };
  }

  /**
   * Whether a frame of `bytes` the client did not ask for (an `ifRoom` delivery) may be written now: within the half
   * of the send queue's bounds a fetch may fill, and of `maxUnacked` in ack mode, so it cannot close the socket as slow.
   */
  hasRoomFor(bytes: number): boolean {
    return (!this.ack || this.unackedRoom() > 0) && this.socket.hasRoomFor(bytes);
  }

  /** Half of `maxUnacked` less the messages held now (zero or less: no room). */
  private unackedRoom(): number {
    return Math.floor(this.limits.maxUnacked / 2) - (this.held?.size ?? 0);
  }

  /** The channels this socket is subscribed to. */
  get channels(): ReadonlySet<string> {
    return this.subscribed ?? NO_CHANNELS;
  }

  /** Subscribed to `channel` from now on (the caller checked the rule and the per-socket cap). */
  subscribe(channel: string): void {
    this.subscribed ??= new Set();
    this.subscribed.add(channel);
  }

  /** Not subscribed to `channel` any more; false when it was not. */
  unsubscribe(channel: string): boolean {
    return this.subscribed?.delete(channel) === true;
  }

  /** Whether `id` was written in ack mode and is not acknowledged yet. */
  holds(id: string): boolean {
    return this.held?.has(id) === true;
  }

  /** MESSAGE_ACK: each held id is delivered; unknown or repeated ids are ignored. */
  acknowledge(ids: readonly string[]): void {
    if (!this.held) return;
    for (const id of ids) {
      const delivery = this.held.get(id);
      if (delivery === undefined) continue;
      this.held.delete(id);
      delivery.reach();
    }
  }
}
