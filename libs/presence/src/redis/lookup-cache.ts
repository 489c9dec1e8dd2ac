import type { SocketAddress } from '@linker/contracts';

/** How long a sample of Redis's clock (and the lease snapshot read with it) is used before it is read again. */
export const CLOCK_SAMPLE_MS = 30_000;

/** A read in flight: what invalidations arrived for it while it ran (those parts of its reply are not kept). */
export interface PendingRead {
  readonly users: ReadonlySet<string>;
  readonly dirtyUsers: Set<string>;
  leasesDirty: boolean;
  readonly generation: number;
  /** Local monotonic time (the cache's clock, ms) when the read was sent. */
  readonly sentAt: number;
}

/** What one lookup script call read: every socket in the asked users' hashes, and the leases when asked for. */
export interface RawRead {
  /** Redis time (epoch ms) when the script ran. */
  readonly redisNow: number;
  /** connector → lease deadline (Redis time, epoch ms; 0 = ended); a connector not listed has no lease. */
  readonly leases?: ReadonlyMap<string, number>;
  /** user → every socket of its hash, live or not. */
  readonly users: ReadonlyMap<string, readonly SocketAddress[]>;
}

/**
 * What `RedisPresence` keeps between lookups when it caches: each user's sockets (its hash, unfiltered, least recently
 * used dropped past `maxUsers`) and a snapshot of every connector's lease deadline, filtered at lookup time with an
 * estimate of Redis's clock. Pure bookkeeping: the invalidations come from `PresenceTracking`.
 *
 * Clock: a lookup script returns Redis's time `r` and was sent at local monotonic time `s`; Redis's clock at a later
 * local time `t` is at most `r + (t - s)` (the script ran after `s`). That upper bound is the estimate, so a lease is
 * never taken as alive after Redis would call it expired: at worst a socket drops out one round trip early. The sample
 * is refreshed by every script call and read again after `CLOCK_SAMPLE_MS`, which bounds clock drift.
 */
export class LookupCache {
  private readonly users = new Map<string, readonly SocketAddress[]>();
  private leases: ReadonlyMap<string, number> | undefined;
  private sampledAt = Number.NEGATIVE_INFINITY;
  private offset = 0;
  private readonly pending = new Set<PendingRead>();
  private generation = 0;
  private enabled = false;

  constructor(
    private readonly maxUsers: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Whether invalidations are being received, so that what is kept may be used. */
  get active(): boolean {
    return this.enabled;
  }

  /** Users held (for tests and metrics). */
  get size(): number {
    return this.users.size;
  }

  /** Invalidations flow from now on: reads that start from now on may be kept. */
  enable(): void {
    this.flush();
    this.enabled = true;
  }

  /** Invalidations may have been missed: forget everything and keep nothing until `enable`. */
  disable(): void {
    this.flush();
    this.enabled = false;
  }

  /** Forget everything; reads in flight keep nothing. */
  flush(): void {
    this.generation += 1;
    this.users.clear();
    this.leases = undefined;
    this.pending.clear();
  }

  invalidateUser(userId: string): void {
    this.users.delete(userId);
    for (const read of this.pending) if (read.users.has(userId)) read.dirtyUsers.add(userId);
  }

  invalidateLeases(): void {
    this.leases = undefined;
    for (const read of this.pending) read.leasesDirty = true;
  }

  /** The user's cached sockets (live or not), marking it recently used; undefined when not held. */
  sockets(userId: string): readonly SocketAddress[] | undefined {
    if (!this.enabled) return undefined;
    const sockets = this.users.get(userId);
    if (sockets === undefined) return undefined;
    this.users.delete(userId);
    this.users.set(userId, sockets);
    return sockets;
  }

  /** The lease snapshot, when held and sampled recently enough to estimate Redis's clock. */
  currentLeases(): ReadonlyMap<string, number> | undefined {
    if (!this.enabled || this.clock() - this.sampledAt > CLOCK_SAMPLE_MS) return undefined;
    return this.leases;
  }

  /** Redis's clock now, at most (see the class comment). */
  redisNow(): number {
    return this.clock() + this.offset;
  }

  /** A read of `users` (and of the leases) is about to be sent. */
  begin(users: readonly string[]): PendingRead {
    const read: PendingRead = {
      users: new Set(users),
      dirtyUsers: new Set(),
      leasesDirty: false,
      generation: this.generation,
      sentAt: this.clock(),
    };
    if (this.enabled) this.pending.add(read);
    return read;
  }

  /** The read's reply: keep what no invalidation touched while it ran. Also the end of a failed read (no reply). */
  complete(read: PendingRead, reply?: RawRead): void {
    const kept = this.pending.delete(read) && this.enabled && read.generation === this.generation;
    if (!reply) return;
    this.offset = reply.redisNow - read.sentAt;
    if (!kept) return;
    if (reply.leases && !read.leasesDirty) {
      this.leases = reply.leases;
      this.sampledAt = read.sentAt;
    }
    for (const [userId, sockets] of reply.users) {
      if (read.dirtyUsers.has(userId)) continue;
      this.users.delete(userId);
      this.users.set(userId, sockets);
    }
    this.evict();
  }

  private evict(): void {
    for (const userId of this.users.keys()) {
      if (this.users.size <= this.maxUsers) return;
      this.users.delete(userId);
    }
  }
}

/** Copies of the sockets of `sockets` whose connector's lease (in `leases`) ends after `now` (callers may change them). */
export function liveSockets(sockets: readonly SocketAddress[], leases: ReadonlyMap<string, number>, now: number): SocketAddress[] {
  const live: SocketAddress[] = [];
  for (const socket of sockets) if ((leases.get(socket.connector) ?? 0) > now) live.push({ ...socket });
  return live;
}
