import type { SocketAddress } from '@linker/contracts';
import type { ClientSocket } from '../socket/client-socket';
import { Session, type SessionEnded, type SessionLimits } from './session';

/**
 * The sessions of this connector by socket id. Socket ids are `<boot>-<n>`: unique across restarts of a connector, so
 * a delivery meant for a socket of a previous run never reaches a new socket that happens to reuse its number.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly boot = Date.now().toString(36);
  private next = 1;

  constructor(
    private readonly domain: string,
    private readonly connector: string,
    private readonly limits: SessionLimits,
  ) {}

  /** Register a new connection; `ended` is called once when it ends, after the session left the registry. */
  open(socket: ClientSocket, now: number, ended: SessionEnded): Session {
    const id = `${this.boot}-${this.next++}`;
    const address: SocketAddress = Object.freeze({ domain: this.domain, connector: this.connector, socketId: id });
    const session = new Session(id, address, socket, this.limits, (s, previous) => {
      this.sessions.delete(s.id);
      ended(s, previous);
    }, now);
    this.sessions.set(id, session);
    return session;
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

  countAuthenticated(): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.state === 'AUTHENTICATED') count += 1;
    return count;
  }
}
