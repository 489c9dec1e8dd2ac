import type { SocketAddress } from '@linker/contracts';

/**
 * Where each user's sockets are: many sockets per user, on one or several connectors of the domain.
 * Adapters: `RedisPresence` (real mode, shared by every connector and processor of a domain) and `MemoryPresence`.
 *
 * Guarantees:
 * - every method is atomic: two writers at once never lose each other's update;
 * - an entry lives only while its connector heartbeats: once the connector's lease has expired, `lookup` no longer
 *   returns its sockets, so a crashed connector's users do not stay online;
 * - a resolved write is visible to every later `lookup`, from any process.
 */
export interface Presence {
  /** Register a socket of `userId`. Idempotent. Renews the connector's lease. */
  add(userId: string, address: SocketAddress): Promise<void>;
  /** Forget one socket of `userId`. Idempotent. */
  remove(userId: string, address: SocketAddress): Promise<void>;
  /** Live sockets of one user, in no particular order; empty when offline. */
  lookup(userId: string): Promise<SocketAddress[]>;
  /** Live sockets of many users in one round trip; every asked user is a key of the result. */
  lookupMany(userIds: readonly string[]): Promise<Map<string, SocketAddress[]>>;
  /** Keep `connector`'s lease alive for `ttlMs` more milliseconds. A connector calls this well within its ttl. */
  heartbeat(connector: string, ttlMs: number): Promise<void>;
  /** Forget every socket of `connector` (graceful shutdown) and end its lease. */
  removeConnector(connector: string): Promise<void>;
  close(): Promise<void>;
}
