import { IdWindow } from '@linker/kernel';
import type { Session } from '../sessions/session';

/** Publications remembered, to write each once though a lane may bring it twice (a FAST partition changing owner). */
const SEEN_CAPACITY = 100_000;
const SEEN_MAX_AGE_MS = 60_000;

/**
 * This connector's subscribed sockets, by channel: what a publication routed here is written to. A socket is listed
 * from the moment its subscription is accepted until it unsubscribes or ends. A publication is written at most once
 * (by its id, remembered for a minute; one check per publication, not per socket).
 */
/** A publication kept for a socket while its subscription recovers (`hold`). */
export interface HeldPublication {
  offset?: number;
  frame: Buffer;
}

export class ChannelSubscribers {
  private readonly byChannel = new Map<string, Set<Session>>();
  /** Sockets whose subscription to a channel is recovering its history: their publications wait (in order). */
  private readonly holding = new Map<Session, Map<string, HeldPublication[]>>();
  private readonly seen = new IdWindow({ capacity: SEEN_CAPACITY, maxAgeMs: SEEN_MAX_AGE_MS });

  /** `changed`: called when a channel gets its first subscriber here, or loses its last. */
  constructor(private readonly changed: () => void = () => undefined) {}

  add(channel: string, session: Session): void {
    let sessions = this.byChannel.get(channel);
    if (!sessions) {
      this.byChannel.set(channel, (sessions = new Set()));
      this.changed();
    }
    sessions.add(session);
  }

  remove(channel: string, session: Session): void {
    this.release(session, channel);
    const sessions = this.byChannel.get(channel);
    if (!sessions?.delete(session)) return;
    if (sessions.size > 0) return;
    this.byChannel.delete(channel);
    this.changed();
  }

  /**
   * Write publication `id`'s `frame` (made once) to every socket subscribed to `channel` (kept for those whose
   * subscription is recovering); returns how many took it. `offset`: its place in the channel's history here.
   */
  write(id: string, channel: string, frame: () => Buffer, offset?: number): number {
    const sessions = this.byChannel.get(channel);
    if (!sessions || !this.seen.addNew(id)) return 0;
    const bytes = frame();
    let written = 0;
    // A socket whose send queue is full is closed by its write and leaves the set: a Set's iteration allows that.
    for (const session of sessions) {
      const held = this.holding.size > 0 ? this.holding.get(session)?.get(channel) : undefined;
      if (held !== undefined) held.push({ offset, frame: bytes });
      else if (session.send(bytes)) written += 1;
    }
    return written;
  }

  /** Keep `session`'s publications of `channel` until `release`. */
  hold(session: Session, channel: string): void {
    let channels = this.holding.get(session);
    if (!channels) this.holding.set(session, (channels = new Map()));
    channels.set(channel, []);
  }

  /** Stop keeping them; what was kept, in order. */
  release(session: Session, channel: string): HeldPublication[] {
    const channels = this.holding.get(session);
    const held = channels?.get(channel) ?? [];
    channels?.delete(channel);
    if (channels?.size === 0) this.holding.delete(session);
    return held;
  }

  /** The channels with subscribers here. */
  channels(): string[] {
    return [...this.byChannel.keys()];
  }
}
