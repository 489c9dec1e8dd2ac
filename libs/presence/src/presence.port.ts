import type { SocketAddress } from '@linker/contracts';
import type { CommonErrorCode } from '@linker/kernel';

/** Why a presence operation failed (the `code` of the `LinkerError` it rejects with). */
export type PresenceErrorCode =
  /** The store (Redis) could not be reached or failed the command; retriable. */
  | 'PRESENCE_UNAVAILABLE'
  /** Used after `close`; not retriable. */
  | 'PRESENCE_CLOSED'
  /** A count or a client the adapter cannot take; not retriable. */
  | CommonErrorCode;

/**
 * Where each user's sockets are: many sockets per user, on one or several connectors of the domain. A channel's
 * subscribed sockets are kept the same way, under the key `channelKey(channel)` in place of a user id (no user id can
 * be one), so they follow the same leases, sweeps and re-registration.
 * Adapters: `RedisPresence` (real mode, shared by every connector and processor of a domain) and `MemoryPresence`.
 *
 * Guarantees:
 * - every method is atomic: two writers at once never lose each other's update;
 * - an entry lives only while its connector heartbeats: once the connector's lease has expired, `lookup` no longer
 *   returns its sockets, so a crashed connector's users do not stay online;
 * - a resolved write is visible to every later `lookup`, from any process. With `RedisPresence`'s lookup cache (a
 *   processor's default) this holds as follows. Redis queues the invalidation of a key to the cache's subscriber
 *   connection before the writer's reply leaves (the broadcast invalidations are written out in the same turn of its
 *   event loop, ahead of the replies), and a read that an invalidation overtakes is not kept. So a lookup made after
 *   the write resolved sees it once the invalidation has been read off that connection. A write made through the same
 *   adapter is exact: the cache forgets what it wrote when the write resolves. A write by another process is seen at
 *   once in practice, since a message caused by the write reaches the processor through the bus, a longer path than
 *   Redis's direct push. It can overtake it only if the push is held up in the network (a lost packet retransmitted)
 *   or Node reads the bus before that connection: then, for that lookup only, a socket just added is missed (a RELIABLE message goes to the mailbox, a
 *   FAST one is dropped) or a socket just removed is still listed (its connector finds no such socket: RELIABLE goes
 *   to the mailbox). While the invalidation connection is down the cache is flushed and not used, so no missed
 *   invalidation leaves anything stale;
 * - a store that loses what it holds (a Redis restarted without persistence) loses leases, entries and the list of
 *   ended connectors alike: nothing is listed as ended by the loss itself, and each live connector's next
 *   `heartbeat` resolves `'recreated'`, telling it to register its sockets again.
 */
export interface Presence {
  /** Register a socket of `userId`. Idempotent. Renews the connector's lease. */
  add(userId: string, address: SocketAddress): Promise<void>;
  /**
   * Register many sockets, each as `add` does (each registration atomic, not the batch as a whole), in one round trip
   * or a few: for a connector registering its sockets again after `heartbeat` said they may be gone.
   */
  addMany(entries: readonly PresenceEntry[]): Promise<void>;
  /** Forget one socket of `userId`. Idempotent. */
  remove(userId: string, address: SocketAddress): Promise<void>;
  /** Live sockets of one user, in no particular order; empty when offline. */
  lookup(userId: string): Promise<SocketAddress[]>;
  /** Live sockets of many users in one round trip; every asked user is a key of the result. */
  lookupMany(userIds: readonly string[]): Promise<Map<string, SocketAddress[]>>;
  /**
   * Whether a lookup at `now` may miss live sockets because the store lost them (restarted empty) and their connectors
   * have not had the time to register them again. A caller about to treat a user as offline for good (store a message
   * for later) waits instead while this is true. Adapters that never lose entries always answer false.
   */
  mayMissSockets(now: number): boolean;
  /**
   * Keep `connector`'s lease alive for `ttlMs` more milliseconds. A connector calls this well within its ttl.
   * Resolves `'renewed'` when its heartbeats had kept the lease alive up to this call, so its entries are all still
   * there; `'recreated'` when the lease had to be taken anew — never taken, ended (`removeConnector`), expired, swept,
   * or lost with the store (a Redis restarted without persistence) — even if an `add` has given it a lease since. After
   * `'recreated'` this connector's entries may be gone: it must register its live sockets again (`addMany`).
   */
  heartbeat(connector: string, ttlMs: number): Promise<HeartbeatOutcome>;
  /** Forget every socket of `connector` (graceful shutdown) and end its lease. */
  removeConnector(connector: string): Promise<void>;
  /**
   * Delete the entries of every connector whose lease has ended (expired, or ended by `removeConnector`); returns how
   * many sockets it forgot. Each connector it finishes forgetting is listed as ended (see `claimEnded`).
   * Adapters also sweep on their own (after each `heartbeat`), so this is for processes that never heartbeat.
   */
  sweep(): Promise<number>;
  /**
   * Claim one connector whose lease ended, whose entries a sweep has forgotten, and whose lane topic nobody has
   * drained since (`releaseEnded`): the caller drains the connector's topic so that nothing stays stranded there.
   * A connector becomes claimable `endedGraceMs` (adapter option, default 5 s) after the sweep listed it, so that
   * deliveries published by processors that looked it up just before its lease ended are in its topic by then. A claim
   * lasts `claimMs`: no other caller gets that connector until it is released or the claim runs out (then someone
   * else may claim it again). A connector whose lease is alive again (it came back) is dropped from the list and never
   * returned. Resolves `undefined` when nothing is claimable.
   */
  claimEnded(claimMs: number): Promise<EndedClaim | undefined>;
  /** The claimed connector's topic is drained: forget it — unless it ended again since it was claimed. Idempotent. */
  releaseEnded(claim: EndedClaim): Promise<void>;
  /** One round trip to the service behind this port, for readiness checks; absent on in-process twins (always ready). */
  probe?(): Promise<void>;
  close(): Promise<void>;
}

/** The key a channel's subscribed sockets are kept under, in place of a user id (user ids never start with `#`). */
export function channelKey(channel: string): string {
  return `#${channel}`;
}

/** The channel whose key `key` is (`channelKey`); undefined for a user id. */
export function channelOfKey(key: string): string | undefined {
  return key.startsWith('#') ? key.slice(1) : undefined;
}

/** One socket of one user, as `addMany` registers it. */
export interface PresenceEntry {
  readonly userId: string;
  readonly address: SocketAddress;
}

/** What `heartbeat` found: the lease kept alive, or taken anew (this connector's entries may be gone). */
export type HeartbeatOutcome = 'renewed' | 'recreated';

/** A claim on an ended connector (`Presence.claimEnded`). */
export interface EndedClaim {
  readonly connector: string;
  /** Identifies this claim: a later end of the same connector is not released by it. */
  readonly token: string;
}
