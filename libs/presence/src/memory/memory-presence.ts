import type { SocketAddress } from '@linker/contracts';
import { LinkerError, systemClock, type Clock } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { EndedClaim, HeartbeatOutcome, Presence, PresenceEntry, PresenceErrorCode } from '../presence.port';

/** socketId → address, for one user on one connector. */
type Sockets = Map<string, SocketAddress>;

/**
 * What several `MemoryPresence` clients share, as several processes share one Redis. Each operation of a client
 * touches it synchronously (no await in between), so every operation is atomic, as a Redis script is.
 */
export class MemoryPresenceStore {
  /** userId → connector → sockets. */
  readonly users = new Map<string, Map<string, Sockets>>();
  /** connector → userId → socket ids: what the sweep must forget. */
  readonly connectors = new Map<string, Map<string, Set<string>>>();
  /** connector → lease expiry (epoch ms; 0 = ended). A connector with sockets always has an entry. */
  readonly leases = new Map<string, number>();
  /**
   * connector → ttl of its last heartbeat, by which `add` renews its lease; only heartbeats set it, and forgetting the
   * connector drops it (so `heartbeat` can tell a lease it kept from one taken anew).
   */
  readonly ttls = new Map<string, number>();
  /**
   * connector → time (epoch ms) from which it may be claimed, for each connector whose lease ended and whose sockets
   * the sweep forgot: its end plus the grace, or, while claimed, the end of the claim (that time is the claim's token).
   */
  readonly ended = new Map<string, number>();

  /** Forget everything at once, as a Redis restarted without persistence does (tests simulate that loss with it). */
  clear(): void {
    for (const map of [this.users, this.connectors, this.leases, this.ttls, this.ended]) map.clear();
  }
}

export interface MemoryPresenceOptions {
  /** The store to share with other clients; a fresh one by default. */
  store?: MemoryPresenceStore;
  /** Time for leases. Default: the system clock. */
  clock?: Clock;
  /** Lease `add` gives a connector that has never sent a heartbeat. Default 30 s. */
  defaultLeaseMs?: number;
  /** How long after its sweep an ended connector becomes claimable (`claimEnded`). Default 5 s; at least 1 ms. */
  endedGraceMs?: number;
  logger?: Logger;
}

/**
 * The in-memory twin of `RedisPresence`, for embedded mode and unit tests, with the same semantics: leases, `add`
 * renewing the lease, a sweep that runs after each `heartbeat` and on demand through `sweep()` and lists the
 * connectors it forgets as ended, and claims on those.
 */
export class MemoryPresence implements Presence {
  private readonly store: MemoryPresenceStore;
  private readonly clock: Clock;
  private readonly defaultLeaseMs: number;
  private readonly endedGraceMs: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: MemoryPresenceOptions = {}) {
    this.store = options.store ?? new MemoryPresenceStore();
    this.clock = options.clock ?? systemClock;
    this.defaultLeaseMs = positiveInteger('defaultLeaseMs', options.defaultLeaseMs ?? 30_000);
    this.endedGraceMs = positiveInteger('endedGraceMs', options.endedGraceMs ?? 5_000);
    this.logger = (options.logger ?? silentLogger).child({ component: 'memory-presence' });
  }

  /** Registers the socket and renews the connector's lease (never shortening it), atomically. Idempotent. */
  async add(userId: string, address: SocketAddress): Promise<void> {
    this.assertOpen();
    this.register(userId, address);
  }

  /** Registers each socket as `add` does, all at once. */
  async addMany(entries: readonly PresenceEntry[]): Promise<void> {
    this.assertOpen();
    for (const { userId, address } of entries) this.register(userId, address);
  }

  /** Forgets the socket (from the user and from its connector's list), atomically. Idempotent. */
  async remove(userId: string, address: SocketAddress): Promise<void> {
    this.assertOpen();
    this.forget(address.connector, userId, address.socketId);
  }

  /** Live sockets of the user, as copies; empty when offline. */
  async lookup(userId: string): Promise<SocketAddress[]> {
    this.assertOpen();
    return this.live(userId, this.clock.now());
  }

  /** Live sockets of each asked user, all read at one instant; duplicates collapsed. */
  async lookupMany(userIds: readonly string[]): Promise<Map<string, SocketAddress[]>> {
    this.assertOpen();
    const now = this.clock.now();
    const found = new Map<string, SocketAddress[]>();
    for (const userId of userIds) found.set(userId, this.live(userId, now));
    return found;
  }

  /** Never: what this twin holds is lost only with its process, and the sockets with it. */
  mayMissSockets(): boolean {
    return false;
  }

  /**
   * Sets the lease to end `ttlMs` from now and remembers `ttlMs` for `add`; then sweeps dead connectors. `'renewed'`
   * only when the lease is alive and heartbeats kept it: a remembered ttl (only heartbeats set one; forgetting a
   * connector, or losing the store, drops it), so a lease that an `add` recreated still counts as taken anew.
   */
  async heartbeat(connector: string, ttlMs: number): Promise<HeartbeatOutcome> {
    this.assertOpen();
    positiveInteger('ttlMs', ttlMs);
    const { leases, ttls } = this.store;
    const now = this.clock.now();
    const kept = ttls.has(connector) && (leases.get(connector) ?? 0) > now;
    ttls.set(connector, ttlMs);
    leases.set(connector, now + ttlMs);
    this.sweepNow();
    return kept ? 'renewed' : 'recreated';
  }

  /** Ends the lease and forgets every socket of the connector, atomically; lists it as ended if it had a lease. */
  async removeConnector(connector: string): Promise<void> {
    this.assertOpen();
    const forgotten = this.forgetConnector(connector);
    this.logger.info('connector removed from presence', { connector, forgotten });
  }

  /** Forgets every socket of every connector whose lease has expired, listing each as ended; returns how many. */
  async sweep(): Promise<number> {
    this.assertOpen();
    return this.sweepNow();
  }

  /**
   * Claims the listed connector claimable the longest (then by name, as Redis orders ties) that has no lease: it
   * stays listed, claimable again when the claim runs out. Listed connectors with a lease came back: dropped.
   */
  async claimEnded(claimMs: number): Promise<EndedClaim | undefined> {
    this.assertOpen();
    positiveInteger('claimMs', claimMs);
    const { ended, leases } = this.store;
    const now = this.clock.now();
    let oldest: string | undefined;
    for (const [connector, at] of ended) {
      if (at > now) continue;
      if (leases.has(connector)) ended.delete(connector);
      else if (oldest === undefined || isEarlier(at, connector, ended.get(oldest) ?? 0, oldest)) oldest = connector;
    }
    if (oldest === undefined) return undefined;
    const expiry = now + claimMs;
    ended.set(oldest, expiry);
    this.logger.info('claimed an ended connector', { connector: oldest, claimMs });
    return { connector: oldest, token: String(expiry) };
  }

  /** Forgets the connector only while its listed time is still the claim's token. */
  async releaseEnded(claim: EndedClaim): Promise<void> {
    this.assertOpen();
    if (this.store.ended.get(claim.connector) === Number(claim.token)) this.store.ended.delete(claim.connector);
  }

  /** Stops accepting calls; the shared store stays as it is for its other clients. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private register(userId: string, address: SocketAddress): void {
    const { users, connectors, leases, ttls } = this.store;
    const { connector, socketId } = address;
    const byConnector = getOrCreate(users, userId, () => new Map<string, Sockets>());
    getOrCreate(byConnector, connector, () => new Map()).set(socketId, { ...address });
    const byUser = getOrCreate(connectors, connector, () => new Map<string, Set<string>>());
    getOrCreate(byUser, userId, () => new Set()).add(socketId);
    const expiry = this.clock.now() + (ttls.get(connector) ?? this.defaultLeaseMs);
    if ((leases.get(connector) ?? 0) < expiry) leases.set(connector, expiry);
  }

  private live(userId: string, now: number): SocketAddress[] {
    const sockets: SocketAddress[] = [];
    const byConnector = this.store.users.get(userId);
    if (!byConnector) return sockets;
    for (const [connector, addresses] of byConnector) {
      if ((this.store.leases.get(connector) ?? 0) <= now) continue;
      for (const address of addresses.values()) sockets.push({ ...address });
    }
    return sockets;
  }

  private sweepNow(): number {
    const now = this.clock.now();
    let forgotten = 0;
    for (const [connector, expiry] of this.store.leases) {
      if (expiry <= now) forgotten += this.forgetConnector(connector);
    }
    if (forgotten > 0) this.logger.info('swept sockets of expired connectors', { forgotten });
    return forgotten;
  }

  private forgetConnector(connector: string): number {
    let forgotten = 0;
    for (const [userId, socketIds] of this.store.connectors.get(connector) ?? []) {
      for (const socketId of socketIds) {
        this.forget(connector, userId, socketId);
        forgotten += 1;
      }
    }
    if (this.store.leases.delete(connector)) this.listEnded(connector);
    this.store.ttls.delete(connector);
    return forgotten;
  }

  /**
   * Claimable `endedGraceMs` from now; if already listed at least that late (claimed, the claim running past then),
   * one ms after: the claim stays exclusive, and its token no longer matches, so releasing it keeps this end listed.
   */
  private listEnded(connector: string): void {
    const { ended } = this.store;
    const at = this.clock.now() + this.endedGraceMs;
    const listed = ended.get(connector);
    ended.set(connector, listed !== undefined && listed >= at ? listed + 1 : at);
  }

  private forget(connector: string, userId: string, socketId: string): void {
    const { users, connectors } = this.store;
    const byConnector = users.get(userId);
    const sockets = byConnector?.get(connector);
    if (sockets?.delete(socketId) && sockets.size === 0) {
      byConnector?.delete(connector);
      if (byConnector?.size === 0) users.delete(userId);
    }
    const byUser = connectors.get(connector);
    const socketIds = byUser?.get(userId);
    if (socketIds?.delete(socketId) && socketIds.size === 0) {
      byUser?.delete(userId);
      if (byUser?.size === 0) connectors.delete(connector);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LinkerError<PresenceErrorCode>('PRESENCE_CLOSED', 'presence is closed');
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function isEarlier(at: number, connector: string, thanAt: number, than: string): boolean {
  return at < thanAt || (at === thanAt && connector < than);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LinkerError<PresenceErrorCode>('INVALID_ARGUMENT', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
