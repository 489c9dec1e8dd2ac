import { INTERNAL_TYPES, type SocketAddress } from '@linker/contracts';
import { errorMessage, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import type { Intake } from '../ingress/intake';
import type { Session } from '../sessions/session';

export interface PresenceKeeperOptions {
  presence: Presence;
  intake: Intake;
  connector: string;
  heartbeatMs: number;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** The authenticated sessions, to register again after the lease was lost. */
  authenticated: () => Iterable<Session>;
}

/**
 * This connector's entries in presence (SPEC §2.2, §3.1):
 * - on start, forget what a crashed predecessor of the same name left, then keep the lease alive (`heartbeatMs`,
 *   `ttlMs`); when a renewal succeeds after the lease had expired, every authenticated socket is registered again;
 * - `register` before an auth reply is written; `unregister` when an authenticated socket ends, then USER_DISCONNECTED;
 *   a removal that failed is retried at each heartbeat, so no entry outlives its socket while the lease lives;
 * - `settled()` waits for every operation started so far (the drain uses it).
 */
export class PresenceKeeper {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unremoved = new Map<string, { userId: string; address: SocketAddress }>();
  private timer: NodeJS.Timeout | undefined;
  private renewedAt = 0;
  private renewing = false;
  private readonly log: Logger;

  constructor(private readonly options: PresenceKeeperOptions) {
    this.log = options.logger.child({ component: 'presence' });
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

  /** Register an authenticating socket under its user. Rejects when presence fails (the socket is not authenticated then). */
  register(session: Session): Promise<void> {
    return this.track(this.options.presence.add(session.userId as string, session.address));
  }

  /** Publish USER_CONNECTED for a socket that just authenticated. Never rejects (a failure is logged). */
  announce(session: Session): Promise<void> {
    return this.track(this.publishPresenceEvent(INTERNAL_TYPES.USER_CONNECTED, session));
  }

  /** An authenticated socket ended: remove it, then publish USER_DISCONNECTED. Never rejects. */
  unregister(session: Session): Promise<void> {
    return this.track(
      this.remove(session.userId as string, session.address).then(() => this.publishPresenceEvent(INTERNAL_TYPES.USER_DISCONNECTED, session)),
    );
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
    try {
      await presence.heartbeat(connector, ttlMs);
    } catch (error) {
      this.log.warn('presence heartbeat failed', { error: errorMessage(error) });
      return;
    }
    const lapsed = clock.now() - this.renewedAt >= ttlMs;
    this.renewedAt = clock.now();
    if (lapsed) await this.registerAgain();
    for (const [socketId, { userId, address }] of this.unremoved) {
      this.unremoved.delete(socketId);
      await this.remove(userId, address);
    }
  }

  private async registerAgain(): Promise<void> {
    this.log.warn('presence lease had expired; registering every authenticated socket again');
    for (const session of this.options.authenticated()) {
      await this.options.presence.add(session.userId as string, session.address).catch((error: unknown) => {
        this.log.warn('presence registration failed', { error: errorMessage(error) });
      });
    }
  }

  private async remove(userId: string, address: SocketAddress): Promise<void> {
    try {
      await this.options.presence.remove(userId, address);
    } catch (error) {
      this.unremoved.set(address.socketId, { userId, address });
      this.log.warn('presence removal failed; retried at the next heartbeat', { error: errorMessage(error) });
    }
  }

  private async publishPresenceEvent(type: string, session: Session): Promise<void> {
    const userId = session.userId as string;
    const envelope = this.options.intake.system(type, { userId }, session.address);
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
