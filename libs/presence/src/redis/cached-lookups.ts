import type { SocketAddress } from '@linker/contracts';
import type { Logger } from '@linker/observability';
import { decodeSockets, type PresenceClient } from './presence-commands';
import { liveSockets, LookupCache } from './lookup-cache';
import { PresenceTracking, type TrackedKeys } from './presence-tracking';

/** What `RedisPresence` caches lookups with (`RedisPresenceOptions.cache`). */
export interface LookupCacheOptions {
  /** Most users whose sockets are kept; the least recently looked up is dropped past it. */
  readonly maxUsers: number;
  /**
   * How often the invalidation connection is asked to answer a PING while the cache is on, and how long it has to
   * answer: one that does not (a Redis hung, a connection dead without a close) turns the cache off and is reconnected.
   * Default 5,000 ms.
   */
  readonly livenessMs?: number;
}

/**
 * Lookups answered from a `LookupCache` for the users it holds, with one script call (LOOKUP_RAW) for the rest and for
 * the lease snapshot when it is not held; a lookup of held users only, with the leases held, sends no command at all.
 * While the cache is inactive (tracking not in place), every lookup is the plain one.
 */
export class CachedLookups {
  readonly cache: LookupCache;
  readonly tracking: PresenceTracking;

  constructor(
    private readonly redis: PresenceClient,
    private readonly keys: TrackedKeys,
    options: LookupCacheOptions,
    logger: Logger,
  ) {
    this.cache = new LookupCache(options.maxUsers);
    this.tracking = new PresenceTracking(redis, keys, this.cache, logger, options.livenessMs);
  }

  /** Live sockets of each asked user (duplicates collapsed), or undefined when the cache is inactive. */
  async lookupMany(userIds: readonly string[]): Promise<Map<string, SocketAddress[]> | undefined> {
    if (!this.cache.active) return undefined;
    const held = new Map<string, readonly SocketAddress[]>();
    const missing: string[] = [];
    for (const userId of userIds) {
      if (held.has(userId)) continue;
      const sockets = this.cache.sockets(userId);
      held.set(userId, sockets ?? []);
      if (sockets === undefined) missing.push(userId);
    }
    let leases = this.cache.currentLeases();
    if (missing.length > 0 || leases === undefined) leases = await this.read(missing, leases, held);
    const now = this.cache.redisNow();
    const found = new Map<string, SocketAddress[]>();
    for (const [userId, sockets] of held) found.set(userId, liveSockets(sockets, leases, now));
    return found;
  }

  /** This process wrote `users` (and the leases): forget them now, ahead of Redis's invalidation. */
  written(users: readonly string[], leases: boolean): void {
    for (const userId of users) this.cache.invalidateUser(userId);
    if (leases) this.cache.invalidateLeases();
  }

  close(): Promise<void> {
    return this.tracking.close();
  }

  /** One LOOKUP_RAW: the `missing` users' sockets into `held`; returns the leases (read unless `heldLeases`). */
  private async read(
    missing: string[],
    heldLeases: ReadonlyMap<string, number> | undefined,
    held: Map<string, readonly SocketAddress[]>,
  ): Promise<ReadonlyMap<string, number>> {
    const withLeases = heldLeases === undefined;
    const pending = this.cache.begin(missing);
    const keys = [this.keys.leasesKey, ...missing.map((userId) => this.keys.userPrefix + userId)];
    let reply;
    try {
      reply = await this.redis.linkerPresenceLookupRaw(keys.length, keys, withLeases ? '1' : '0');
    } catch (error) {
      this.cache.complete(pending);
      throw error;
    }
    const [redisNow, flatLeases, flatSockets] = reply;
    const owners = missing.map((): SocketAddress[] => []);
    decodeSockets(flatSockets, owners);
    const users = new Map(missing.map((userId, i) => [userId, owners[i]]));
    for (const [userId, sockets] of users) held.set(userId, sockets);
    const leases = withLeases ? decodeLeases(flatLeases) : undefined;
    this.cache.complete(pending, { redisNow, leases, users });
    return leases ?? heldLeases ?? new Map();
  }
}

function decodeLeases(flat: readonly string[]): Map<string, number> {
  const leases = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) leases.set(flat[i], Number(flat[i + 1]));
  return leases;
}
