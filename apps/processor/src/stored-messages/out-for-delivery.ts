import type { SocketAddress } from '@linker/contracts';

/** How long ids handed out by a fetch stay hidden from the user's next fetches unless their socket closes first. */
const OUT_FOR_DELIVERY_MS = 30_000;

interface Out {
  /** `connector/socketId` of the socket the fetch delivered to. */
  socket: string;
  until: number;
}

const socketKey = (address: SocketAddress): string => `${address.connector}/${address.socketId}`;

/**
 * Mailbox messages a fetch of this processor handed out and whose DELIVERY_REPORT may not have removed them yet
 * (ADR 0007). A user's RELIABLE fetches are keyed by the user, so they all reach the processor that owns the user's
 * intake partition, in order: that processor skips these ids in the user's next fetches (and does not count them in
 * `leftMissingCount`), so a fetch that overtakes the previous fetch's report never hands the same messages out twice.
 * An entry ends when the socket it went to closes (USER_DISCONNECTED, or presence no longer lists it: what it did not
 * take is fetchable again) or
 * after `ttlMs`, or when this processor removed the message (`removed`: a fetch reads `limit` + the ids out, so ids
 * left out after their removal would make each later fetch read more); an entry whose message another processor
 * removed is harmless (it is filtered out of nothing) until it ends.
 * In memory only: a restart or a moved partition forgets it (then a repeat is possible; the SDK de-duplicates by id).
 */
export class OutForDelivery {
  private readonly byUser = new Map<string, Map<string, Out>>();
  private sweptAt = 0;

  constructor(private readonly ttlMs = OUT_FOR_DELIVERY_MS) {}

  /** The ids of `userId` out for delivery at `now`. */
  ids(userId: string, now: number): Set<string> {
    this.sweep(now);
    const out = this.byUser.get(userId);
    const ids = new Set<string>();
    if (!out) return ids;
    for (const [id, entry] of out) {
      if (entry.until > now) ids.add(id);
      else out.delete(id);
    }
    if (out.size === 0) this.byUser.delete(userId);
    return ids;
  }

  /** A fetch delivered `ids` of `userId` to `origin` (its deliveries are published). */
  handOut(userId: string, ids: readonly string[], origin: SocketAddress, now: number): void {
    if (ids.length === 0) return;
    let out = this.byUser.get(userId);
    if (!out) this.byUser.set(userId, (out = new Map()));
    const entry: Out = { socket: socketKey(origin), until: now + this.ttlMs };
    for (const id of ids) out.set(id, entry);
  }

  /** A socket of `userId` closed: what was handed out to it is fetchable again (still stored unless delivered). */
  socketClosed(userId: string, origin: SocketAddress): void {
    const out = this.byUser.get(userId);
    if (!out) return;
    const socket = socketKey(origin);
    for (const [id, entry] of out) if (entry.socket === socket) out.delete(id);
    if (out.size === 0) this.byUser.delete(userId);
  }

  /** Only `live` sockets of `userId` still hold what was handed out to them: the others' ids are fetchable again. */
  keepLive(userId: string, live: readonly SocketAddress[]): void {
    const out = this.byUser.get(userId);
    if (!out) return;
    const sockets = new Set(live.map(socketKey));
    for (const [id, entry] of out) if (!sockets.has(entry.socket)) out.delete(id);
    if (out.size === 0) this.byUser.delete(userId);
  }

  /** `ids` of `userId` were removed from the mailbox (delivered): nothing is left to hide, and reads need not skip them. */
  removed(userId: string, ids: Iterable<string>): void {
    const out = this.byUser.get(userId);
    if (!out) return;
    for (const id of ids) out.delete(id);
    if (out.size === 0) this.byUser.delete(userId);
  }

  /** Users with ids out (for tests and health). */
  get users(): number {
    return this.byUser.size;
  }

  /** Drop expired entries of every user, at most once per `ttlMs`, so users who never fetch again hold nothing. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.ttlMs) return;
    this.sweptAt = now;
    for (const [userId, out] of this.byUser) {
      for (const [id, entry] of out) if (entry.until <= now) out.delete(id);
      if (out.size === 0) this.byUser.delete(userId);
    }
  }
}
