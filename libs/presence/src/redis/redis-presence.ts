import { Redis } from 'ioredis';
import type { SocketAddress } from '@linker/contracts';
import { errorMessage, LinkerError } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { RedisSecurity } from '../redis-security.settings';
import type { EndedClaim, HeartbeatOutcome, Presence, PresenceEntry, PresenceErrorCode } from '../presence.port';
import { CachedLookups, type LookupCacheOptions } from './cached-lookups';
import { StoreRestarts } from './store-restarts';
import { decodeSockets, definePresenceCommands, pair, type PresenceClient, type PresencePipeline } from './presence-commands';

export type RedisPresenceOptions = ({ url: string; security?: RedisSecurity } | { client: Redis }) & {
  /** Prefix of every key, e.g. `linker:domain-01:presence`; each domain (and each test) uses its own. */
  keyPrefix: string;
  logger?: Logger;
  /** Lease `add` gives a connector that has never sent a heartbeat. Default 30 s. */
  defaultLeaseMs?: number;
  /** Sockets forgotten per sweep script call, which bounds how long one call holds Redis. Default 500. */
  sweepBatch?: number;
  /**
   * How long after its sweep an ended connector becomes claimable (`claimEnded`): time for the deliveries that
   * processors published just before its lease ended to reach its topic. Default 5 s. At least 1 ms, which keeps a
   * new end's score above the token of any outstanding claim (see `presence-scripts.ts`); tests use 1. Give every
   * client of a domain the same value: whichever client sweeps applies its own.
   */
  endedGraceMs?: number;
  /**
   * Keep users' sockets and the connectors' lease deadlines between lookups, told of every change by Redis
   * (`presence-tracking.ts`); lookups of held users then send no command. Unset: every lookup reads Redis.
   */
  cache?: LookupCacheOptions;
  /**
   * After Redis restarted (a new run id), how long `mayMissSockets` is true: the connectors' lease renewal period and
   * a margin, the time they take to register their sockets again in a Redis that came back empty. 0: never.
   */
  settleMs?: number;
};

/** Listed connectors the claim script reads at a time while it skips those that came back. */
const CLAIM_CANDIDATES = 10;

/**
 * `Presence` on one Redis (or Sentinel) shared by every connector and processor of a domain.
 * Every operation is one Lua script (see `presence-scripts.ts` for the keys), hence atomic and one round trip.
 *
 * Clean-up of crashed connectors: their sockets vanish from lookups as soon as their lease expires; their entries are
 * deleted by the sweep, which runs opportunistically (one bounded batch after each `heartbeat`, so any live connector
 * tidies up after dead ones) and on demand through `sweep()`, which a processor may also call periodically. The sweep
 * that forgets a connector's last entry lists it as ended, for `claimEnded` (whoever drains its lane topic).
 */
export class RedisPresence implements Presence {
  private readonly redis: PresenceClient;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;
  private readonly userPrefix: string;
  private readonly connectorPrefix: string;
  private readonly leasesKey: string;
  private readonly ttlsKey: string;
  private readonly endedKey: string;
  private readonly defaultLeaseMs: number;
  private readonly sweepBatch: number;
  private readonly endedGraceMs: number;
  private readonly cached: CachedLookups | undefined;
  private readonly restarts: StoreRestarts | undefined;
  private closed = false;
  /** Why the last connection attempt failed (a refused certificate, a refused connection), until one succeeds. */
  private lastError: string | undefined;

  constructor(options: RedisPresenceOptions) {
    this.defaultLeaseMs = positiveInteger('defaultLeaseMs', options.defaultLeaseMs ?? 30_000);
    this.sweepBatch = positiveInteger('sweepBatch', options.sweepBatch ?? 500);
    this.endedGraceMs = positiveInteger('endedGraceMs', options.endedGraceMs ?? 5_000);
    this.logger = (options.logger ?? silentLogger).child({ component: 'redis-presence' });
    this.ownsClient = 'url' in options;
    const client = 'url' in options ? new Redis(options.url, { ...options.security }) : options.client;
    if (client.options.keyPrefix) {
      throw new LinkerError<PresenceErrorCode>(
        'INVALID_ARGUMENT',
        'RedisPresence needs a client without keyPrefix; use its keyPrefix option',
      );
    }
    if (this.ownsClient) {
      client.on('error', (error: Error) => {
        this.lastError = error.message;
        this.logger.warn('redis error', { error: error.message });
      });
      client.on('ready', () => (this.lastError = undefined));
    }
    this.redis = definePresenceCommands(client);
    this.userPrefix = `${options.keyPrefix}:u:`;
    this.connectorPrefix = `${options.keyPrefix}:c:`;
    this.leasesKey = `${options.keyPrefix}:leases`;
    this.ttlsKey = `${options.keyPrefix}:ttls`;
    this.endedKey = `${options.keyPrefix}:ended`;
    if (options.settleMs) this.restarts = new StoreRestarts(client, options.settleMs, this.logger);
    if (options.cache) {
      positiveInteger('cache.maxUsers', options.cache.maxUsers);
      const keys = { userPrefix: this.userPrefix, leasesKey: this.leasesKey };
      this.cached = new CachedLookups(this.redis, keys, options.cache, this.logger);
    }
  }

  /**
   * A domain's presence as `presenceSettings` configure it: keys under `linker:<domain>:`, a connection of its own
   * (and, with `cache`, two more for its invalidations). A reader (a processor) may cache and watch for restarts.
   */
  static forDomain(
    settings: { redisUrl: string; presenceEndedGraceMs: number; redisSecurity?: RedisSecurity },
    domain: string,
    logger: Logger,
    reader?: { cache?: LookupCacheOptions; settleMs?: number },
  ): RedisPresence {
    const { cache, settleMs } = reader ?? {};
    return new RedisPresence({
      url: settings.redisUrl,
      security: settings.redisSecurity,
      keyPrefix: `linker:${domain}:`,
      endedGraceMs: settings.presenceEndedGraceMs,
      logger,
      cache,
      settleMs,
    });
  }

  /** True for `settleMs` after Redis restarted (see `StoreRestarts`); always false without `settleMs`. */
  mayMissSockets(now: number): boolean {
    return this.restarts?.unsettled(now) ?? false;
  }

  /** The lookup cache, when this adapter caches (for tests and metrics). */
  get lookupCache(): CachedLookups | undefined {
    return this.cached;
  }

  /** Registers the socket and renews the connector's lease, in one atomic script. Idempotent. */
  async add(userId: string, address: SocketAddress): Promise<void> {
    this.assertOpen();
    await this.run(this.redis.linkerPresenceAdd(...this.addArgs(userId, address)), [userId], true);
  }

  /** One pipeline of `add` scripts: one round trip, each socket registered atomically, in the order given. */
  async addMany(entries: readonly PresenceEntry[]): Promise<void> {
    this.assertOpen();
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline() as PresencePipeline;
    for (const { userId, address } of entries) pipeline.linkerPresenceAdd(...this.addArgs(userId, address));
    const users = entries.map((entry) => entry.userId);
    const failed = (await this.run(pipeline.exec(), users, true))?.find(([error]) => error);
    if (failed) throw unavailable(failed[0], this.lastError);
  }

  /** Forgets the socket (from the user and from its connector's list), atomically. Idempotent. */
  async remove(userId: string, address: SocketAddress): Promise<void> {
    this.assertOpen();
    const { connector, socketId } = address;
    await this.run(
      this.redis.linkerPresenceRemove(
        this.userPrefix + userId,
        this.connectorPrefix + connector,
        pair(connector, socketId),
        pair(userId, socketId),
      ),
      [userId],
    );
  }

  /** Live sockets of the user: one script reading the user's hash and the leases at one instant of Redis time. */
  async lookup(userId: string): Promise<SocketAddress[]> {
    this.assertOpen();
    if (this.cached) return (await this.lookupMany([userId])).get(userId) ?? [];
    const reply = await this.run(this.redis.linkerPresenceLookup(2, this.leasesKey, this.userPrefix + userId));
    const sockets: SocketAddress[] = [];
    decodeSockets(reply, [sockets]);
    return sockets;
  }

  /**
   * Live sockets of each asked user in one script call (one round trip, one instant); duplicates collapsed. With the
   * cache on and tracking in place: held users from memory, one script call for the others (none when all are held).
   */
  async lookupMany(userIds: readonly string[]): Promise<Map<string, SocketAddress[]>> {
    this.assertOpen();
    const cached = this.cached && (await this.run(this.cached.lookupMany(userIds)));
    if (cached) return cached;
    const found = new Map<string, SocketAddress[]>();
    const keys: string[] = [this.leasesKey];
    const owners: SocketAddress[][] = [];
    for (const userId of userIds) {
      if (found.has(userId)) continue;
      const sockets: SocketAddress[] = [];
      found.set(userId, sockets);
      owners.push(sockets);
      keys.push(this.userPrefix + userId);
    }
    if (owners.length === 0) return found;
    decodeSockets(await this.run(this.redis.linkerPresenceLookup(keys.length, keys)), owners);
    return found;
  }

  /**
   * Sets the lease to end `ttlMs` from now (Redis time) and remembers `ttlMs` for `add`, telling whether heartbeats
   * had kept it alive; then, in the same round trip, sweeps one bounded batch of some dead connector's entries.
   */
  async heartbeat(connector: string, ttlMs: number): Promise<HeartbeatOutcome> {
    this.assertOpen();
    positiveInteger('ttlMs', ttlMs);
    const pipeline = this.redis.pipeline() as PresencePipeline;
    pipeline.linkerPresenceHeartbeat(this.leasesKey, this.ttlsKey, connector, ttlMs);
    pipeline.linkerPresenceSweep(...this.sweepArgs(''));
    const replies = await this.run(pipeline.exec(), [], true);
    const [renewed, swept] = replies ?? [];
    if (!renewed || renewed[0]) throw unavailable(renewed?.[0] ?? 'no reply to the heartbeat', this.lastError);
    if (swept?.[0]) this.logger.warn('opportunistic sweep failed', { error: errorMessage(swept[0]) });
    return renewed[1] === 1 ? 'renewed' : 'recreated';
  }

  /**
   * Ends the lease first (lookups stop returning its sockets at once), then deletes its entries in bounded batches;
   * the last batch lists the connector as ended.
   */
  async removeConnector(connector: string): Promise<void> {
    this.assertOpen();
    await this.run(this.redis.linkerPresenceEndLease(this.leasesKey, this.ttlsKey, connector), [], true);
    const forgotten = await this.drain(connector);
    this.logger.info('connector removed from presence', { connector, forgotten });
  }

  /**
   * Deletes every entry of every connector whose lease has expired, listing each as ended once its last entry is
   * gone; returns how many sockets it forgot. A connector that renews its lease during the sweep keeps what it has
   * re-added, and is not listed.
   */
  async sweep(): Promise<number> {
    this.assertOpen();
    const forgotten = await this.drain('');
    if (forgotten > 0) this.logger.info('swept sockets of expired connectors', { forgotten });
    return forgotten;
  }

  /** One script: claims the listed connector claimable the longest, dropping those that came back on the way. */
  async claimEnded(claimMs: number): Promise<EndedClaim | undefined> {
    this.assertOpen();
    positiveInteger('claimMs', claimMs);
    const reply = await this.run(this.redis.linkerPresenceClaim(this.endedKey, this.leasesKey, claimMs, CLAIM_CANDIDATES));
    if (!reply) return undefined;
    this.logger.info('claimed an ended connector', { connector: reply[0], claimMs });
    return { connector: reply[0], token: String(reply[1]) };
  }

  /** One script: forgets the connector only while its listed score is still the claim's token. */
  async releaseEnded(claim: EndedClaim): Promise<void> {
    this.assertOpen();
    await this.run(this.redis.linkerPresenceRelease(this.endedKey, claim.connector, claim.token));
  }

  /** A Redis PING. */
  async probe(): Promise<void> {
    this.assertOpen();
    await this.redis.ping();
  }

  /** Stops accepting calls; quits the Redis connection if this adapter opened it (a given client stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cached?.close();
    if (!this.ownsClient || this.redis.status === 'end') return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async drain(connector: string): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const [count, more] = await this.run(this.redis.linkerPresenceSweep(...this.sweepArgs(connector)));
      forgotten += count;
      if (more === 0) return forgotten;
    }
  }

  private addArgs(userId: string, address: SocketAddress): (string | number)[] {
    const { connector, socketId } = address;
    return [
      this.userPrefix + userId,
      this.connectorPrefix + connector,
      this.leasesKey,
      this.ttlsKey,
      connector,
      pair(connector, socketId),
      address.domain,
      pair(userId, socketId),
      this.defaultLeaseMs,
    ];
  }

  private sweepArgs(connector: string): (string | number)[] {
    return [
      this.leasesKey,
      this.ttlsKey,
      this.endedKey,
      this.userPrefix,
      this.connectorPrefix,
      this.sweepBatch,
      connector,
      this.endedGraceMs,
    ];
  }

  /**
   * The reply of a command; for a write of `users` (and of the leases), the lookup cache forgets them once it is
   * answered (or failed): a lookup made after this adapter's own write resolved sees it without waiting for Redis's
   * invalidation, which comes on another connection.
   */
  private async run<T>(reply: Promise<T>, users?: readonly string[], leases = false): Promise<T> {
    try {
      return await reply;
    } catch (error) {
      throw unavailable(error, this.lastError);
    } finally {
      if (users) this.cached?.written(users, leases);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LinkerError<PresenceErrorCode>('PRESENCE_CLOSED', 'presence is closed');
  }
}

/** `connectionError`: why Redis could not be reached, said with the command's own error (e.g. "max retries reached"). */
function unavailable(cause: unknown, connectionError?: string): LinkerError<PresenceErrorCode> {
  if (cause instanceof LinkerError) return cause;
  const why = connectionError === undefined ? '' : ` (connecting to Redis failed: ${connectionError})`;
  return new LinkerError<PresenceErrorCode>('PRESENCE_UNAVAILABLE', `redis presence failed: ${errorMessage(cause)}${why}`, {
    retriable: true,
    cause,
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LinkerError<PresenceErrorCode>('INVALID_ARGUMENT', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
