import { parseChannel, type ClientData, type PublicationData } from '@linker/contracts';
import { errorMessage, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { ChannelHistory, HistoryLimits, HistoryPosition, HistorySince } from '@linker/presence';
import { JwtVerifier, parseUserId, type ChannelRule, type JwksOptions, type TopologyView } from '@linker/topology';
import { refusal, type Refusal } from '../ingress/frame-reader';
import type { PresenceKeeper } from '../presence/presence-keeper';
import type { FrameTag, Session } from '../sessions/session';
import type { ChannelSubscribers } from './channel-subscribers';

export interface SubscriptionsOptions {
  topology: () => TopologyView;
  keeper: PresenceKeeper;
  subscribers: ChannelSubscribers;
  /** The channels' histories (a channel whose rule keeps one recovers from it); absent: none is kept. */
  history?: ChannelHistory;
  /** Most channels one socket may be subscribed to at once. */
  maxPerSocket: number;
  /** How `jwksUrl` key sets are fetched and kept; default: `JWKS_DEFAULTS`. */
  jwks?: JwksOptions;
  clock: Clock;
  logger: Logger;
}

/** How long a client waits before a SUBSCRIBE refused for an outage of presence is worth sending again. */
const RETRY_AFTER_MS = 1_000;

/**
 * SUBSCRIBE and UNSUBSCRIBE (docs/protocol.md, Channels), and who may PUBLISH. A channel is `<appName>:<name>` of the
 * user's own app with a rule in the topology that matches its name (else UNKNOWN_CHANNEL). Subscribing needs a
 * subscription token unless the rule says `subscribe: public` (NOT_ALLOWED without a valid one); a socket holds at most
 * `maxPerSocket` channels (TOO_MANY_CHANNELS). An accepted subscription is registered in presence (so the processors
 * route the channel's publications here) before SUBSCRIBED is written; if presence fails, it is refused with
 * UNAVAILABLE and nothing is kept. Subscribing again is answered SUBSCRIBED again; UNSUBSCRIBE of a channel the socket
 * is not subscribed to is answered UNSUBSCRIBED too (both are idempotent).
 * A channel whose rule keeps a history answers `SUBSCRIBED {channel, epoch, offset}` (its position now) or, with
 * `since`, `recovered` and then what the socket missed, as PUBLICATION frames with their offsets; publications that
 * arrive meanwhile wait and follow, without repeats (ADR 0018).
 */
export class Subscriptions {
  private readonly tokens: JwtVerifier;
  private readonly log: Logger;

  constructor(private readonly options: SubscriptionsOptions) {
    this.tokens = new JwtVerifier(options.jwks);
    this.log = options.logger.child({ component: 'channels' });
  }

  async subscribe(session: Session, { channel, token, since }: ClientData<'SUBSCRIBE'>, tag: FrameTag): Promise<void> {
    const rule = this.ruleFor(session, channel);
    if (!isRule(rule)) return this.refuse(session, rule, tag);
    if (session.channels.has(channel)) return this.answer(session, 'SUBSCRIBED', channel, tag);
    const full = this.capRefusal(session);
    if (full !== undefined) return this.refuse(session, full, tag);
    if ((rule.subscribe ?? 'token') === 'token') {
      const refused = await this.tokenRefusal(session, channel, token);
      if (refused !== undefined) return this.refuse(session, refused, tag);
    }
    if (session.state !== 'AUTHENTICATED' || session.channels.has(channel)) return this.answer(session, 'SUBSCRIBED', channel, tag);
    // Other subscriptions of this socket may have been accepted while its token was checked.
    const filled = this.capRefusal(session);
    if (filled !== undefined) return this.refuse(session, filled, tag);
    const limits = this.options.history === undefined ? undefined : rule.history;
    session.subscribe(channel);
    this.options.subscribers.add(channel, session);
    if (limits !== undefined) this.options.subscribers.hold(session, channel);
    let recovery: HistorySince | undefined;
    try {
      await this.options.keeper.subscribe(session, channel);
      if (limits !== undefined) recovery = await this.recover(channel, since, limits);
    } catch (error) {
      this.log.warn('subscription could not be registered', { channel, error: errorMessage(error) });
      if (this.drop(session, channel)) void this.options.keeper.unsubscribe(session, channel);
      const message = 'channel subscriptions cannot be registered right now; nothing was subscribed: retry';
      return session.error('UNAVAILABLE', message, tag, { retryAfterMs: RETRY_AFTER_MS });
    }
    // A socket that ended meanwhile had its subscriptions removed then, possibly before this one was registered.
    if (session.state !== 'AUTHENTICATED') return void this.options.keeper.unsubscribe(session, channel);
    if (recovery === undefined) return this.answer(session, 'SUBSCRIBED', channel, tag);
    this.recovered(session, channel, recovery, since !== undefined, tag);
  }

  /** The channel's position now, or (with `since`) what came after it and whether that is all. */
  private async recover(channel: string, since: HistoryPosition | undefined, limits: HistoryLimits): Promise<HistorySince> {
    const history = this.options.history as ChannelHistory;
    if (since !== undefined) return history.since(channel, since, limits);
    return { position: await history.position(channel, limits), recovered: true, entries: [] };
  }

  /** SUBSCRIBED with the position (and `recovered`), the missed publications, then those that waited, none twice. */
  private recovered(session: Session, channel: string, recovery: HistorySince, asked: boolean, tag: FrameTag): void {
    const { position, recovered, entries } = recovery;
    const data = asked ? { channel, ...position, recovered } : { channel, ...position };
    session.send(Buffer.from(JSON.stringify({ type: 'SUBSCRIBED', data, reference: tag.reference })));
    for (const { offset, data: published, from } of entries) {
      const publication: PublicationData =
        from === undefined ? { channel, data: published, offset } : { channel, data: published, from, offset };
      session.send(Buffer.from(JSON.stringify({ type: 'PUBLICATION', data: publication })));
    }
    // Every entry and every publication appended before the position was read is at most `position.offset`.
    for (const { offset, frame } of this.options.subscribers.release(session, channel)) {
      if (offset === undefined || offset > position.offset) session.send(frame);
    }
  }

  unsubscribe(session: Session, { channel }: ClientData<'UNSUBSCRIBE'>, tag: FrameTag): void {
    if (this.drop(session, channel)) void this.options.keeper.unsubscribe(session, channel);
    this.answer(session, 'UNSUBSCRIBED', channel, tag);
  }

  /** Why `session` may not PUBLISH to `channel`, or undefined when it may (the rule says `publish: clients`). */
  publishRefusal(session: Session, channel: string): Refusal | undefined {
    const rule = this.ruleFor(session, channel);
    if (!isRule(rule)) return rule;
    if (rule.publish === 'clients') return undefined;
    return refusal('NOT_ALLOWED', `only the app's server publishes to ${channel} (its channel rule says publish: server)`);
  }

  /** A socket ended: it leaves every channel here (its presence entries go with its user's, in `PresenceKeeper.unregister`). */
  ended(session: Session): void {
    for (const channel of session.channels) this.options.subscribers.remove(channel, session);
  }

  /** TOO_MANY_CHANNELS when the socket holds `maxPerSocket` channels already. */
  private capRefusal(session: Session): Refusal | undefined {
    const held = session.channels.size;
    if (held < this.options.maxPerSocket) return undefined;
    return refusal('TOO_MANY_CHANNELS', `this socket is subscribed to ${held} channels, the most it may be: unsubscribe from one first`);
  }

  private ruleFor(session: Session, channel: string): ChannelRule | Refusal {
    const parts = parseChannel(channel);
    const appName = parseUserId(session.userId as string)?.appName;
    if (parts === undefined || parts.appName !== appName) {
      return refusal('UNKNOWN_CHANNEL', `data.channel: ${channel} is not a channel of app ${appName} (<appName>:<name>)`);
    }
    const rule = this.options.topology().channelRule(parts.appName, parts.name);
    return rule ?? refusal('UNKNOWN_CHANNEL', `data.channel: no channel rule of app ${appName} matches ${parts.name}`);
  }

  private async tokenRefusal(session: Session, channel: string, token: string | undefined): Promise<Refusal | undefined> {
    const userId = session.userId as string;
    const app = this.options.topology().appOfUser(userId);
    if (token === undefined) return refusal('NOT_ALLOWED', `data.token: ${channel} needs a subscription token`);
    if (app === undefined || !JwtVerifier.appliesTo(app)) {
      return refusal('NOT_ALLOWED', `data.token: the app has no jwtSecret or jwtPublicKey to verify subscription tokens with`);
    }
    const refused = await this.tokens.refusal(app, token, userId, this.options.clock.now(), channel);
    return refused === undefined ? undefined : refusal('NOT_ALLOWED', `data.token: ${refused}`);
  }

  /** Forget the subscription here; false when there was none. */
  private drop(session: Session, channel: string): boolean {
    if (!session.unsubscribe(channel)) return false;
    this.options.subscribers.remove(channel, session);
    return true;
  }

  private answer(session: Session, type: 'SUBSCRIBED' | 'UNSUBSCRIBED', channel: string, tag: FrameTag): void {
    session.send(Buffer.from(JSON.stringify({ type, data: { channel }, reference: tag.reference })));
  }

  private refuse(session: Session, reason: Refusal, tag: FrameTag): void {
    session.error(reason.code, reason.message, tag);
    session.frameRefused();
  }
}

function isRule(value: ChannelRule | Refusal): value is ChannelRule {
  return 'pattern' in value;
}
