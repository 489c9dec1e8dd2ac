import type { SocketAddress } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import type { Presence } from '@linker/presence';
import type { ProcessorErrorCode } from '../errors';

/**
 * Presence as one batch sees it: the batch's users are read in one `lookupMany` before its handlers run, and a
 * handler asking for someone else costs one more `lookupMany` for just those. A handler retry gets a fresh cache,
 * so it reads again. What it returns is at most one batch old, like any read of a store others write. In real mode
 * `RedisPresence` keeps what it read between batches (`LINKER_PRESENCE_CACHE`), invalidated by Redis, so that
 * `lookupMany` costs a Redis command only for users whose presence changed (see the `Presence` port for what it
 * guarantees).
 */
export class PresenceCache {
  private readonly known = new Map<string, SocketAddress[]>();

  constructor(private readonly presence: Presence) {}

  /** Read `userIds` in one round trip and remember them. */
  async prefetch(userIds: Iterable<string>): Promise<void> {
    const unknown = new Set<string>();
    for (const id of userIds) if (!this.known.has(id)) unknown.add(id);
    if (unknown.size === 0) return;
    const missing = [...unknown];
    const found = await this.presence.lookupMany(missing);
    for (const id of missing) this.known.set(id, found.get(id) ?? []);
  }

  /** The live sockets of each of `userIds` (every asked user is a key; offline users map to []). */
  async sockets(userIds: readonly string[]): Promise<Map<string, SocketAddress[]>> {
    await this.prefetch(userIds);
    return new Map(userIds.map((id) => [id, this.known.get(id) ?? []]));
  }

  /**
   * Called before a message is stored because its recipient looked offline. While presence may miss live sockets
   * (Redis restarted empty, and the connectors are registering theirs again: `Presence.mayMissSockets`), it throws a
   * retriable error: the batch is handed again a little later and reads presence anew, instead of storing a message
   * for a user who is online and would see it only at the next fetch.
   */
  offlineForSure(now: number): void {
    if (!this.complete(now)) {
      throw new LinkerError<ProcessorErrorCode>(
        'PRESENCE_SETTLING',
        'presence is being registered again after a Redis restart; the batch waits',
        { retriable: true },
      );
    }
  }

  /** Whether a lookup at `now` lists every live socket (presence is not being registered again after a Redis restart). */
  complete(now: number): boolean {
    return !this.presence.mayMissSockets(now);
  }

  /** The live sockets of one user. */
  async socketsOf(userId: string): Promise<SocketAddress[]> {
    // Usually prefetched with the batch: answered without building a one-entry map (once per message).
    const known = this.known.get(userId);
    if (known !== undefined) return known;
    return (await this.sockets([userId])).get(userId) ?? [];
  }
}
