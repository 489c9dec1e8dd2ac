import type { AnalyticsRecorder } from '@linker/analytics';
import { isClientFrameType, type ClientData, type ClientFrameType, type Envelope, type Lane } from '@linker/contracts';
import { errorMessage, newMessageId, resendableMessageId, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { Subscriptions } from '../channels/subscriptions';
import type { ConnectorMeter, RateLimitScope } from '../health/connector-metrics';
import type { AuthFlow } from '../sessions/auth-flow';
import { NO_TAG, type FrameTag, type Session } from '../sessions/session';
import { acceptedFrame, checkFrame, isRefusal, readFrame, refusal, tagOf, type RawFrame, type Refusal } from './frame-reader';
import type { IntakePublisher } from './intake-publisher';
import { OVERLOAD_RETRY_AFTER_MS, type LaneBacklog } from './lane-backlog';
import type { LoopStall } from './loop-stall';
import type { UserRates } from './user-rates';
import { publishFailure } from './publish-failure';

export interface IngressOptions {
  intake: IntakePublisher;
  auth: AuthFlow;
  clock: Clock;
  logger: Logger;
  maxGroupRecipients: number;
  /** A GROUP_MESSAGE costs one rate-limit token per this many distinct recipients, started. */
  groupRecipientsPerToken: number;
  /** How late the event loop reads frames (one per connector): the rate limit credits it. */
  stall: LoopStall;
  /** Client frames handed to the lanes and not accepted yet: OVERLOADED beyond its limit. */
  backlog: LaneBacklog;
  /** What each user may hand to the lanes, all its sockets on this connector together. */
  users: UserRates;
  /** SUBSCRIBE, UNSUBSCRIBE, and who may PUBLISH where. */
  channels: Subscriptions;
  /** Counts what the lanes accepted (messages by lane and type, publications, the users who sent); absent: nothing is counted. */
  analytics?: AnalyticsRecorder;
  /** Counts frames read and rate-limit refusals (the connector's metrics). */
  meter: ConnectorMeter;
}

const AUTH_REQUIRED = Buffer.from(JSON.stringify({ type: 'AUTH_REQUIRED', data: {} }));
const PONG = Buffer.from(JSON.stringify({ type: 'PONG', data: {} }));
const OVERLOADED_MESSAGE = `the connector is overloaded; nothing was sent: retry in ${OVERLOAD_RETRY_AFTER_MS} ms`;
const OVERLOADED_HINT = { retryAfterMs: OVERLOAD_RETRY_AFTER_MS };
const ALREADY_AUTHENTICATED = refusal('ALREADY_AUTHENTICATED', 'this socket is already authenticated (or authenticating)');
const RATE_LIMITED_MESSAGES: Readonly<Record<RateLimitScope, string>> = {
  socket: 'too many frames per second; this frame was dropped',
  group: 'too many group recipients per second on this socket; this frame was dropped',
  user: 'too many frames per second from this user (all its sockets together); this frame was dropped',
};

/**
 * Client frames in (docs/protocol.md, Client frames, Errors), one call per frame, synchronously up to the publish:
 * rate limit, fair to frames the event loop kept waiting (`RateLimiter`: RATE_LIMITED; persistent abuse closes with
 * 4004) → parse once (MALFORMED_JSON) → auth gate (AUTH_REQUIRED before auth) → type (UNKNOWN_TYPE for internal or
 * unknown types) → head and data against the compiled validators (INVALID_FIELD) → handled here (PING, MESSAGE_ACK, a
 * second AUTH_CLIENT) or published as an envelope whose `from` is the authenticated user. `maxInvalidFrames` refusals
 * in a row close the socket with 4007. A frame for a lane also takes from its user's bucket (`UserRates`, all the
 * user's sockets here together), and a GROUP_MESSAGE pays for its fan-out, one token per `groupRecipientsPerToken`
 * recipients, from both buckets: over either, RATE_LIMITED, counted toward the socket's abuse (4004).
 * Publishes are issued in frame order, so one socket's frames reach the lane in order; a rejected publish answers
 * UNAVAILABLE with the lane and `retryAfterMs` when the lane's broker is out of reach, else INTERNAL_ERROR (nothing
 * was sent either way). While the lane's backlog is over its limit, a frame to publish answers OVERLOADED
 * with `retryAfterMs` (nothing was sent; not an invalid frame, not rate abuse). Every refusal carries the frame's
 * reference and leaves the socket open.
 */
export class Ingress {
  constructor(private readonly options: IngressOptions) {}

  /** One frame from `session`'s socket. */
  frame(session: Session, data: Buffer, isBinary: boolean): void {
    if (session.state === 'CLOSED') return;
    const now = this.options.clock.now();
    const verdict = session.limiter.take(now, this.options.stall.stalledMs(now));
    const { meter } = this.options;
    if (verdict === 'abuse') {
      meter.rateLimited('socket');
      return session.close('RATE_LIMITED');
    }
    const frame = readFrame(data, isBinary);
    if (isRefusal(frame)) {
      meter.malformedIn();
      return this.refuse(session, frame, NO_TAG);
    }
    meter.frameIn(frame.type);
    const tag = tagOf(frame);
    if (verdict === 'limited') return this.limited(session, verdict, 'socket', tag);
    if (session.state === 'AUTHENTICATED') this.authenticated(session, frame, tag, now);
    else this.unauthenticated(session, frame, tag);
  }

  private unauthenticated(session: Session, frame: RawFrame, tag: FrameTag): void {
    if (frame.type !== 'AUTH_CLIENT') {
      session.send(AUTH_REQUIRED);
      return;
    }
    if (session.state === 'AUTHENTICATING') return this.refuse(session, ALREADY_AUTHENTICATED, tag);
    const data = checkFrame('AUTH_CLIENT', frame);
    if (isRefusal(data)) return this.refuse(session, data, tag);
    session.frameAccepted();
    this.options.auth.begin(session, data as ClientData<'AUTH_CLIENT'>, tag.reference);
  }

  private authenticated(session: Session, frame: RawFrame, tag: FrameTag, now: number): void {
    const type = frame.type;
    if (typeof type !== 'string') return this.refuse(session, refusal('INVALID_FIELD', 'type: Expected string'), tag);
    if (!isClientFrameType(type)) return this.refuse(session, refusal('UNKNOWN_TYPE', `a client may not send ${type.slice(0, 64)}`), tag);
    const data = checkFrame(type, frame);
    if (isRefusal(data)) return this.refuse(session, data, tag);
    if (type === 'AUTH_CLIENT') return this.refuse(session, ALREADY_AUTHENTICATED, tag);
    if (type === 'GROUP_MESSAGE') return this.group(session, frame, data as ClientData<'GROUP_MESSAGE'>, tag, now);
    session.frameAccepted();
    switch (type) {
      case 'PING':
        session.send(PONG);
        return;
      case 'MESSAGE_ACK':
        session.acknowledge((data as ClientData<'MESSAGE_ACK'>).ids);
        return;
      case 'SUBSCRIBE':
        void this.options.channels.subscribe(session, data as ClientData<'SUBSCRIBE'>, tag);
        return;
      case 'UNSUBSCRIBE':
        this.options.channels.unsubscribe(session, data as ClientData<'UNSUBSCRIBE'>, tag);
        return;
      case 'PUBLISH':
        return this.channelPublish(session, frame, data as ClientData<'PUBLISH'>, tag, now);
      case 'FETCH_MISSING_MESSAGES_REQUEST':
        // Paced to what the socket can take now: the rest stays stored, and leftMissingCount says so.
        return this.publish(
          session,
          type,
          frame,
          session.fetchBudget((data as ClientData<'FETCH_MISSING_MESSAGES_REQUEST'>).count),
          tag,
          now,
          1,
        );
      default:
        this.publish(session, type, frame, data, tag, now, 1);
    }
  }

  /**
   * Duplicates collapse before the cap is checked; over the cap nothing is sent. The fan-out is paid for: one token of
   * the socket's bucket per `groupRecipientsPerToken` recipients, started (the frame itself took the first).
   */
  private group(session: Session, frame: RawFrame, data: ClientData<'GROUP_MESSAGE'>, tag: FrameTag, now: number): void {
    const to = [...new Set(data.to)];
    const cap = this.options.maxGroupRecipients;
    if (to.length > cap) {
      return this.refuse(session, refusal('TOO_LARGE', `data.to: ${to.length} distinct recipients, at most ${cap}`), tag);
    }
    session.frameAccepted();
    const cost = Math.max(1, Math.ceil(to.length / this.options.groupRecipientsPerToken));
    if (cost > 1) {
      const verdict = session.limiter.take(now, this.options.stall.stalledMs(now), cost - 1);
      if (verdict !== 'ok') return this.limited(session, verdict, 'group', tag);
    }
    this.publish(session, 'GROUP_MESSAGE', frame, to.length === data.to.length ? data : { to, content: data.content }, tag, now, cost);
  }

  /**
   * A PUBLISH where the channel's rule lets clients publish: keyed by the channel, so that one channel's publications
   * keep their order whoever publishes them.
   */
  private channelPublish(session: Session, frame: RawFrame, data: ClientData<'PUBLISH'>, tag: FrameTag, now: number): void {
    const refused = this.options.channels.publishRefusal(session, data.channel);
    if (refused !== undefined) return this.refuse(session, refused, tag);
    this.publish(session, 'PUBLISH', frame, data, tag, now, 1, data.channel);
  }

  /**
   * Hand the frame to its lane, if its user may send `cost` more tokens' worth now (`UserRates`). `channel`: a PUBLISH's
   * channel, its envelope's `to` and its key.
   */
  private publish(
    session: Session,
    type: ClientFrameType,
    frame: RawFrame,
    data: unknown,
    tag: FrameTag,
    now: number,
    cost: number,
    channel?: string,
  ): void {
    const { intake, clock, backlog, users, stall } = this.options;
    const userId = session.userId as string;
    if (!users.take(userId, now, stall.stalledMs(now), cost)) return this.limited(session, session.limiter.refuse(now), 'user', tag);
    const lane: Lane = frame.feature === 'FAST' ? 'FAST' : 'RELIABLE';
    if (backlog.refuses(lane)) return session.error('OVERLOADED', OVERLOADED_MESSAGE, tag, OVERLOADED_HINT);
    const message = type === 'MESSAGE' ? (data as ClientData<'MESSAGE'>) : undefined;
    const { reference, id: clientId } = tag;
    const envelope: Envelope = {
      id: clientId === undefined ? newMessageId() : resendableMessageId(userId, clientId),
      lane,
      type,
      from: userId,
      to: message?.to ?? channel,
      // A MESSAGE travels as `{content}`, its recipient in `to`: the data a recipient's frame carries, passed on as is.
      data: message ? { content: message.content } : data,
      reference,
      confirm: frame.confirmationEnabled !== false && reference !== undefined && reference.trim() !== '',
      origin: session.address,
      path: intake.path,
      createdAt: clock.now(),
      hops: 0,
    };
    backlog.add(lane);
    intake.publish(lane, channel ?? userId, envelope).then(
      () => {
        backlog.settled[lane]();
        if (this.options.analytics !== undefined) countSent(this.options.analytics, session, type, lane);
        if (clientId !== undefined && session.state !== 'CLOSED') session.send(acceptedFrame(clientId, reference));
      },
      (error: unknown) => {
        backlog.settled[lane]();
        this.options.logger.warn('frame could not be published', { socketId: session.id, type, lane, error: errorMessage(error) });
        if (session.state === 'CLOSED') return;
        const { code, message, hint } = publishFailure(lane, error, 'the message may not have been accepted');
        session.error(code, message, tag, hint);
      },
    );
  }

  /** RATE_LIMITED for a frame over a limit (the socket's, its group recipients', the user's), or 4004; counted by limit. */
  private limited(session: Session, verdict: 'limited' | 'abuse', scope: RateLimitScope, tag: FrameTag): void {
    this.options.meter.rateLimited(scope);
    if (verdict === 'abuse') session.close('RATE_LIMITED');
    else session.error('RATE_LIMITED', RATE_LIMITED_MESSAGES[scope], tag);
  }

  private refuse(session: Session, reason: Refusal, tag: FrameTag): void {
    session.error(reason.code, reason.message, tag);
    session.frameRefused();
  }
}

/** A MESSAGE, GROUP_MESSAGE or PUBLISH the lane accepted, in the analytics of the sender's app. */
function countSent(analytics: AnalyticsRecorder, session: Session, type: ClientFrameType, lane: Lane): void {
  const reliable = lane === 'RELIABLE';
  if (type === 'MESSAGE') analytics.count(session.app, reliable ? 'reliable_message' : 'fast_message');
  else if (type === 'GROUP_MESSAGE') analytics.count(session.app, reliable ? 'reliable_group_message' : 'fast_group_message');
  else if (type === 'PUBLISH') analytics.count(session.app, 'publications');
  else return;
  analytics.user(session.app, 'sending_users', session.userId as string);
}
