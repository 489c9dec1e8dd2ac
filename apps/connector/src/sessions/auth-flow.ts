import type { AuthReplyData, ClientData, CloseCodeName, RefreshTokenReplyData } from '@linker/contracts';
import { answerFor, errorMessage, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { PresenceErrorCode } from '@linker/presence';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { publishFailure } from '../ingress/publish-failure';
import type { ConnectorMeter } from '../health/connector-metrics';
import type { PresenceKeeper } from '../presence/presence-keeper';
import type { Session } from './session';

/** The close code of a socket whose presence could not be registered, for each failure (any other error: the same). */
const REGISTRATION_FAILURES: Readonly<Record<PresenceErrorCode, CloseCodeName>> = {
  PRESENCE_UNAVAILABLE: 'INTERNAL_ERROR',
  PRESENCE_CLOSED: 'INTERNAL_ERROR',
  INVALID_ARGUMENT: 'INTERNAL_ERROR',
};

export interface AuthFlowOptions {
  intake: IntakePublisher;
  presence: PresenceKeeper;
  authTimeoutMs: number;
  /** A JWT login is told this long before its token expires (`TOKEN_EXPIRING`). */
  tokenExpiryNoticeMs: number;
  clock: Clock;
  logger: Logger;
  /** Records each login's latency, by outcome. */
  meter: ConnectorMeter;
}

/**
 * The auth state machine (docs/protocol.md, Authentication), one socket at a time:
 * - a new socket has `authTimeoutMs` to become AUTHENTICATED, else it is closed with 4002;
 * - `begin`: AUTH_CLIENT goes to the processors on the RELIABLE intake (from SYSTEM, keyed by the claimed user,
 *   origin = this socket); the socket is AUTHENTICATING until the reply;
 * - `finish` (the processor's AUTH_CLIENT_REPLY): on true, presence is registered, THEN the socket is AUTHENTICATED and
 *   the reply written, THEN USER_CONNECTED is published; on false, the reply is written and the socket closed with 4001
 *   (4011 AUTH_BUSY when the reply says the app's auth server was busy: `retryAfterMs`);
 * - a reply with `expiresAt` (a JWT login) starts the token's watch: TOKEN_EXPIRING before it, 4010 at it
 *   (`Session.tokenExpiresAt`); `refreshed` (the processor's REFRESH_TOKEN_REPLY) moves it to the fresh token's expiry.
 * A reply for a socket that is gone, not AUTHENTICATING, already being registered or claiming another user is ignored.
 */
export class AuthFlow {
  private readonly log: Logger;

  constructor(private readonly options: AuthFlowOptions) {
    this.log = options.logger.child({ component: 'auth' });
  }

  /** Start the deadline of a new socket. */
  watch(session: Session): void {
    session.startAuthDeadline(this.options.authTimeoutMs);
  }

  /** A valid AUTH_CLIENT on a NOT_AUTHENTICATED socket. If it cannot be published, the client gets UNAVAILABLE (the lane is out of reach) or INTERNAL_ERROR and may retry. */
  begin(session: Session, data: ClientData<'AUTH_CLIENT'>, reference: string | undefined): void {
    session.beginAuth(data.userId, data.ack === true);
    const envelope = this.options.intake.system('AUTH_CLIENT', data, session.address);
    this.options.intake.publish('RELIABLE', data.userId, envelope).catch((error: unknown) => {
      this.log.warn('AUTH_CLIENT could not be published', { socketId: session.id, error: errorMessage(error) });
      if (!session.authNotPublished()) return;
      const { code, message, hint } = publishFailure('RELIABLE', error, 'authentication could not be started');
      session.error(code, message, { reference }, hint);
    });
  }

  /** Apply the processor's answer for `session` claiming `userId`; `reply` is the AUTH_CLIENT_REPLY frame. */
  async finish(session: Session | undefined, userId: string, data: Partial<AuthReplyData>, reply: Buffer): Promise<void> {
    if (session === undefined || !session.awaitsAuthReply(userId)) {
      this.log.debug('auth reply for no authenticating socket ignored', { socketId: session?.id });
      return;
    }
    if (data.isAuthenticated !== true) {
      this.options.meter.auth('refused', session.authElapsedMs());
      session.send(reply);
      session.close(data.retryAfterMs === undefined ? 'AUTH_FAILED' : 'AUTH_BUSY');
      return;
    }
    await this.accept(session, reply, data.expiresAt);
  }

  /**
   * The processor's REFRESH_TOKEN_REPLY for `session` as `userId`: written to it; accepted, the token's watch moves to
   * the fresh token's expiry. Ignored for a socket that is gone or not authenticated as `userId`.
   */
  refreshed(session: Session | undefined, userId: string, data: Partial<RefreshTokenReplyData>, reply: Buffer): void {
    if (session?.state !== 'AUTHENTICATED' || session.userId !== userId) return;
    if (data.isAuthenticated === true) session.tokenExpiresAt(data.expiresAt, this.options.tokenExpiryNoticeMs, this.options.clock.now());
    session.send(reply);
  }

  private async accept(session: Session, reply: Buffer, expiresAt: number | undefined): Promise<void> {
    const { presence } = this.options;
    session.authAccepted();
    try {
      await presence.register(session);
    } catch (error) {
      this.log.warn('presence registration failed; socket closed', { socketId: session.id, error: errorMessage(error) });
      this.options.meter.auth('failed', session.authElapsedMs());
      session.close(answerFor(error, REGISTRATION_FAILURES) ?? 'INTERNAL_ERROR');
      return;
    }
    if (!session.authenticated()) {
      await presence.forget(session); // it closed while being registered: it never counted as connected
      return;
    }
    this.options.meter.auth('accepted', session.authElapsedMs());
    session.send(reply);
    session.tokenExpiresAt(expiresAt, this.options.tokenExpiryNoticeMs, this.options.clock.now());
    await presence.announce(session);
  }
}
