import type { SocketAddress } from '@linker/contracts';
import { NO_METER, type ConnectorMeter } from '../health/connector-metrics';
import type { ClientSocket } from '../socket/client-socket';
import { Session, type SessionEnded, type SessionLimits } from './session';

/**
 * The sessions of this connector by socket id, and how many of them are not authenticated yet by client address. Socket
 * ids are `<boot>-<n>`: unique across restarts of a connector, so a delivery meant for a socket of a previous run never
 * reaches a new socket that happens to reuse its number.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  /** Sessions not (yet) authenticated, by remote address; an address leaves the map at 0. */
  private readonly unauthenticated = new Map<string, number>();
  private readonly boot = Date.now().toString(36);
  private next = 1;

  constructor(
    private readonly domain: string,
    private readonly connector: string,
    private readonly limits: SessionLimits,
    /** Called when a session becomes AUTHENTICATED (analytics count the user). */
    private readonly onAuthenticated: (session: Session) => void = () => undefined,
    /** What each session counts (frames written, errors, closes). */
    private readonly meter: ConnectorMeter = NO_METER,
  ) {}

  /** Register a new connection from `remoteAddress`; `ended` is called once when it ends, after it left the registry. */
  open(socket: ClientSocket, remoteAddress: string, now: number, ended: SessionEnded): Session {
    const id = `${this.boot}-${this.next++}`;
    const address: SocketAddress = Object.freeze({ domain: this.domain, connector: this.connector, socketId: id });
    const session = new Session(
      id,
      address,
      remoteAddress,
      socket,
      this.limits,
      {
        authenticated: (s) => {
          this.leftUnauthenticated(s.remoteAddress);
          this.onAuthenticated(s);
        },
        ended: (s, previous) => {
          this.sessions.delete(s.id);
          if (previous !== 'AUTHENTICATED') this.leftUnauthenticated(s.remoteAddress);
          ended(s, previous);
        },
      },
      now,
      this.meter,
    );
    this.sessions.set(id, session);
    this.unauthenticated.set(remoteAddress, this.unauthenticatedFrom(remoteAddress) + 1);
    return session;
  }

  /** Open sessions from `remoteAddress` that are not authenticated yet. */
  unauthenticatedFrom(remoteAddress: string): number {
    return this.unauthenticated.get(remoteAddress) ?? 0;
  }

  get(socketId: string): Session | undefined {
    return this.sessions.get(socketId);
  }

  /** A snapshot: safe to close sessions while iterating it. */
  all(): Session[] {
    return [...this.sessions.values()];
  }

  /** Live sessions, for the heartbeat (iterate without closing). */
  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }

  private leftUnauthenticated(remoteAddress: string): void {
    const left = this.unauthenticatedFrom(remoteAddress) - 1;
    if (left > 0) this.unauthenticated.set(remoteAddress, left);
    else this.unauthenticated.delete(remoteAddress);
  }

  countAuthenticated(): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.state === 'AUTHENTICATED') count += 1;
    return count;
  }
}
