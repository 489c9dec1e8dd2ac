import { INTERNAL_TYPES, MAX_OTHER_SOCKETS, parseChannel, socketName, type SocketAddress, type UserPresence } from '@linker/contracts';
import { errorMessage, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { channelKey, channelOfKey, type HeartbeatOutcome, type Presence, type PresenceEntry } from '@linker/presence';
import { parseUserId } from '@linker/topology';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { ChannelOccupancy } from '../channels/channel-occupancy';
import type { ChannelSubscriber } from '../channels/channel-subscribers';
import type { Session } from '../sessions/session';

export interface PresenceKeeperOptions {
  presence: Presence;
  intake: IntakePublisher;
  connector: string;
  heartbeatMs: number;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** The authenticated sessions, to register again after the lease was lost. */
  authenticated: () => Iterable<Session>;
  /** The subscribers that are not client sockets (Push-compatible ones) and are registered, to register again too. */
  channelOnly: () => Iterable<ChannelSubscriber>;
  /** How many subscribers a channel has on this connector now; with it, channels' first and last are announced (`ChannelOccupancy`). */
  localSubscribers?: (channel: string) => number;
  /**
   * Whether the app named so has a webhook (the current topology): only then do its logins read the user's other
   * sockets first and its channels announce their first and last subscriber here. Default: none has.
   */
  hasWebhook?: (appName: string) => boolean;
}

/**
 * This connector's entries in presence (docs/protocol.md, Authentication):
 * - on start, forget what a crashed predecessor of the same name left, then keep the lease alive (`heartbeatMs`,
 *   `ttlMs`); when a heartbeat says the lease was taken anew (it had expired, or presence lost it: a Redis restarted
 *   without persistence), every authenticated socket is registered again at once, in one batch, until that succeeds;
 *   a socket that ended meanwhile is removed again after it, so no entry outlives its socket;
 * - `register` before an auth reply is written; `unregister` when an authenticated socket ends (its channel
 *   subscriptions too), then USER_DISCONNECTED; a removal that failed is retried at each heartbeat, so no entry outlives
 *   its socket while the lease lives;
 * - `subscribe` / `unsubscribe` a socket's entry under a channel (`channelKey`), registered again with the socket's;
 * - `subscribeAll` / `leave` a subscriber that is not a client socket (a Push-compatible one): entries under its
 *   channels only, registered again with the sockets';
 * - a channel's first subscriber here and its last (with `localSubscribers`): CHANNEL_OCCUPIED / CHANNEL_VACATED
 *   (`ChannelOccupancy`);
 * - `settled()` waits for every operation started so far (the drain uses it).
 */
export class PresenceKeeper {
  private readonly inFlight = new Set<Promise<void>>();
  /** Removals that failed, to retry: by user (or channel key) and socket. */
  private readonly unremoved = new Map<string, PresenceEntry>();
  private timer: NodeJS.Timeout | undefined;
  private renewedAt = 0;
  private renewing = false;
  /** The lease was taken anew and the sockets are not all registered again yet. */
  private registrationOwed = false;
  private readonly log: Logger;
  private readonly occupancy: ChannelOccupancy | undefined;
  /** The user's other sockets live just before each socket was registered, until its USER_CONNECTED is published. */
  private readonly othersAtRegistration = new WeakMap<Session, string[]>();

  constructor(private readonly options: PresenceKeeperOptions) {
    this.log = options.logger.child({ component: 'presence' });
    const { presence, intake, connector, localSubscribers, hasWebhook = () => false } = options;
    const track = (operation: Promise<void>): void => void this.track(operation);
    const announces = (channel: string): boolean => hasWebhook(parseChannel(channel)?.appName ?? '');
    const occupancy = { presence, intake, connector, track, announces, logger: this.log };
    this.occupancy = localSubscribers && new ChannelOccupancy({ ...occupancy, localSubscribers });
  }

  /** Clear a predecessor's entries and take the lease. Rejects when presence is unreachable. */
  async start(): Promise<void> {
    const { presence, connector, ttlMs, heartbeatMs } = this.options;
    await presence.removeConnector(connector);
    await presence.heartbeat(connector, ttlMs);
    this.renewedAt = this.options.clock.now();
    this.timer = setInterval(() => {
      if (this.renewing) return;
      this.renewing = true;
      void this.track(this.renew()).finally(() => (this.renewing = false));
    }, heartbeatMs);
    this.timer.unref();
  }

  /** Whether the lease was renewed within its ttl (for health). */
  leaseAlive(): boolean {
    return this.options.clock.now() - this.renewedAt < this.options.ttlMs;
  }

  /**
   * Register an authenticating socket under its user; for an app with a webhook, having read the user's other sockets
   * first (its USER_CONNECTED names them, so that a processor can tell a first socket even when two registered at
   * once). Rejects when presence fails (the socket is not authenticated then).
   */
  register(session: Session): Promise<void> {
    return this.track(this.registerUser(session));
  }

  /** Publish USER_CONNECTED for a socket that just authenticated. Never rejects (a failure is logged). */
  announce(session: Session): Promise<void> {
    return this.track(this.publishPresenceEvent(INTERNAL_TYPES.USER_CONNECTED, session));
  }

  /** An authenticated socket ended: remove it and its subscriptions, then publish USER_DISCONNECTED. Never rejects. */
  unregister(session: Session): Promise<void> {
    return this.track(this.removeAll(entriesOf(session)).then(() => this.publishPresenceEvent(INTERNAL_TYPES.USER_DISCONNECTED, session)));
  }

  /** Register `subscriber`'s subscription to `channel`. Rejects when presence fails (the subscription is refused then). */
  subscribe(subscriber: ChannelSubscriber, channel: string): Promise<void> {
    if (this.occupancy) return this.track(this.occupancy.add(channel, subscriber.address));
    return this.track(this.options.presence.add(channelKey(channel), subscriber.address));
  }

  /** Register every channel of `subscriber` in one batch. Rejects when presence fails (nothing counts as subscribed then). */
  subscribeAll(subscriber: ChannelSubscriber): Promise<void> {
    const occupancy = this.occupancy;
    if (occupancy)
      return this.track(Promise.all([...subscriber.channels].map((c) => occupancy.add(c, subscriber.address))).then(() => undefined));
    return this.track(this.options.presence.addMany(channelEntriesOf(subscriber)));
  }

  /** Remove `subscriber`'s subscription to `channel` (retried at the next heartbeat if it fails). Never rejects. */
  unsubscribe(subscriber: ChannelSubscriber, channel: string): Promise<void> {
    return this.track(this.remove(channelKey(channel), subscriber.address));
  }

  /** A subscriber that is not a client socket ended: remove its entry under each of its channels. Never rejects. */
  leave(subscriber: ChannelSubscriber): Promise<void> {
    return this.track(this.removeAll(channelEntriesOf(subscriber)));
  }

  /** Remove a socket registered while it was closing (no USER_DISCONNECTED: it never counted as connected). */
  forget(session: Session): Promise<void> {
    return this.track(this.remove(session.userId as string, session.address));
  }

  /** Resolves once every presence operation and presence event started so far is done. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stop renewing, wait for what is in flight, and end the lease (forgetting every entry of this connector). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
    try {
      await this.options.presence.removeConnector(this.options.connector);
    } catch (error) {
      this.log.warn('could not end the presence lease; it expires by itself', { error: errorMessage(error) });
    }
  }

  private async renew(): Promise<void> {
    const { presence, connector, ttlMs, clock } = this.options;
    let outcome: HeartbeatOutcome;
    try {
      outcome = await presence.heartbeat(connector, ttlMs);
    } catch (error) {
      this.log.warn('presence heartbeat failed', { error: errorMessage(error) });
      return;
    }
    this.renewedAt = clock.now();
    if (outcome === 'recreated') this.registrationOwed = true;
    if (this.registrationOwed) await this.registerAgain();
    for (const [key, { userId, address }] of this.unremoved) {
      this.unremoved.delete(key);
      await this.remove(userId, address);
    }
  }

  /**
   * Register every authenticated socket and its subscriptions, and every other subscriber's, in one batch; the entries
   * of a socket or subscriber that ended (or a channel it left) meanwhile are removed again after.
   */
  private async registerAgain(): Promise<void> {
    const now = (): PresenceEntry[] => [
      ...[...this.options.authenticated()].flatMap(entriesOf),
      ...[...this.options.channelOnly()].flatMap(channelEntriesOf),
    ];
    const entries = now();
    this.log.warn('presence lease was taken anew (it had expired, or presence lost it); registering every authenticated socket again', {
      entries: entries.length,
    });
    try {
      await this.options.presence.addMany(entries);
      this.registrationOwed = false;
    } catch (error) {
      this.log.warn('registering the sockets again failed; retried at the next heartbeat', { error: errorMessage(error) });
    } finally {
      // Its removal may have reached presence before this registration did: remove it once more, now after it.
      const live = new Set(now().map(entryId));
      await this.removeAll(entries.filter((entry) => !live.has(entryId(entry))));
    }
  }

  /** `remove` each entry, at once. Never rejects. */
  private async removeAll(entries: readonly PresenceEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.remove(entry.userId, entry.address)));
  }

  private async remove(userId: string, address: SocketAddress): Promise<void> {
    const channel = channelOfKey(userId);
    try {
      if (channel !== undefined) await this.occupancy?.settled(channel);
      await this.options.presence.remove(userId, address);
      if (channel !== undefined) this.occupancy?.removed(channel);
    } catch (error) {
      const entry = { userId, address };
      this.unremoved.set(entryId(entry), entry);
      this.log.warn('presence removal failed; retried at the next heartbeat', { error: errorMessage(error) });
    }
  }

  private async registerUser(session: Session): Promise<void> {
    const userId = session.userId as string;
    if (!this.options.hasWebhook?.(parseUserId(userId)?.appName ?? '')) return this.options.presence.add(userId, session.address);
    const before = await this.options.presence.lookup(userId);
    const others = before.filter(
      (socket) => socket.socketId !== session.address.socketId || socket.connector !== session.address.connector,
    );
    this.othersAtRegistration.set(session, others.slice(0, MAX_OTHER_SOCKETS).map(socketName));
    await this.options.presence.add(userId, session.address);
  }

  private async publishPresenceEvent(type: string, session: Session): Promise<void> {
    const userId = session.userId as string;
    const others = type === INTERNAL_TYPES.USER_CONNECTED ? this.othersAtRegistration.get(session) : undefined;
    this.othersAtRegistration.delete(session);
    const data: UserPresence = others === undefined ? { userId } : { userId, others };
    const envelope = this.options.intake.system(type, data, session.address);
    try {
      await this.options.intake.publish('RELIABLE', userId, envelope);
    } catch (error) {
      this.log.warn('presence event could not be published', { type, error: errorMessage(error) });
    }
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    const settled = operation.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return operation;
  }
}

/** A socket's entries: under its user, and under each channel it is subscribed to. */
function entriesOf(session: Session): PresenceEntry[] {
  return [{ userId: session.userId as string, address: session.address }, ...channelEntriesOf(session)];
}

/** A subscriber's entries under each channel it is subscribed to. */
function channelEntriesOf({ channels, address }: ChannelSubscriber): PresenceEntry[] {
  return [...channels].map((channel) => ({ userId: channelKey(channel), address }));
}

function entryId({ userId, address }: PresenceEntry): string {
  return `${userId} ${address.socketId}`;
}
