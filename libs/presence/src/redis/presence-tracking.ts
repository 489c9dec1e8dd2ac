import { ReplyError, type Redis } from 'ioredis';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { LookupCache } from './lookup-cache';

const CHANNEL = '__redis__:invalidate';
const DEFAULT_LIVENESS_MS = 5_000;

/** Where the keys a cached lookup depends on live (see `presence-scripts.ts`). */
export interface TrackedKeys {
  /** `P:u:`: every user's hash starts with it. */
  readonly userPrefix: string;
  /** `P:leases`: the one key holding every connector's lease. */
  readonly leasesKey: string;
}

/**
 * Keeps a `LookupCache` told of every change to the keys it holds, from any client of the Redis: server-assisted
 * client-side caching in broadcast mode (RESP2). A subscriber connection listens on `__redis__:invalidate`; a second
 * connection turns tracking on with `CLIENT TRACKING on REDIRECT <subscriber id> BCAST PREFIX <users> PREFIX <leases>`,
 * so Redis sends the name of every key under those prefixes that any client modifies (or expires, or evicts).
 *
 * The cache is enabled only once both are in place, and disabled (flushed, unused) as soon as either connection
 * closes or reconnects, or an invalidation of everything arrives (FLUSHDB): invalidations sent meanwhile may be lost.
 * On reconnection tracking is set up again, and the cache starts empty. A connection can also die without closing (a
 * Redis hung, a peer gone without a reset): while the cache is on, the subscriber is asked for a PING every
 * `livenessMs`, and one that has not answered within that time is treated as closed (cache off, reconnected).
 */
export class PresenceTracking {
  private readonly subscriber: Redis;
  private readonly tracker: Redis;
  private closed = false;
  private setups = 0;
  private subscriberId: number | undefined;
  /** The client id of the subscriber connection once it is subscribed (until it closes). */
  private subscribed: number | undefined;
  private readonly liveness: NodeJS.Timeout;
  private pinging = false;

  constructor(
    client: Redis,
    private readonly keys: TrackedKeys,
    private readonly cache: LookupCache,
    private readonly logger: Logger,
    private readonly livenessMs = DEFAULT_LIVENESS_MS,
  ) {
    const options = { autoResubscribe: false, enableOfflineQueue: false, lazyConnect: false };
    this.subscriber = client.duplicate({ ...options, connectionName: 'linker-presence-invalidations' });
    this.tracker = client.duplicate({ ...options, connectionName: 'linker-presence-tracking' });
    this.subscriber.on('close', () => (this.subscribed = undefined));
    for (const connection of [this.subscriber, this.tracker]) {
      connection.on('error', (error: Error) => this.logger.warn('presence cache connection error', { error: error.message }));
      connection.on('close', () => this.lost());
      connection.on('ready', () => void this.setUp());
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => this.invalidate(channel.toString(), keys));
    this.liveness = setInterval(() => void this.checkAlive(), livenessMs);
    this.liveness.unref();
  }

  /** How many times tracking has been set up (for tests: it was set up again after a connection dropped). */
  established = 0;

  /** The client id of the subscriber connection while tracking is on (for tests: `CLIENT KILL ID`). */
  get invalidationClientId(): number | undefined {
    return this.subscriberId;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.liveness);
    this.cache.disable();
    this.subscriber.disconnect();
    this.tracker.disconnect();
  }

  private lost(): void {
    if (this.cache.active) this.logger.warn('presence cache off until its invalidations are received again');
    this.setups += 1;
    this.subscriberId = undefined;
    this.cache.disable();
  }

  /** Once both connections are ready: subscribe, then turn tracking on toward the subscriber, then use the cache. */
  private async setUp(): Promise<void> {
    if (this.closed || this.subscriber.status !== 'ready' || this.tracker.status !== 'ready') return;
    const setup = ++this.setups;
    this.cache.disable();
    try {
      if (this.subscribed === undefined) {
        const id = Number(await this.subscriber.client('ID'));
        await this.subscriber.subscribe(CHANNEL);
        this.subscribed = id; // until this connection closes, even if this set-up is superseded
      }
      const id = this.subscribed;
      await this.tracker.client('TRACKING', 'OFF');
      await this.tracker.client('TRACKING', 'ON', 'REDIRECT', id, 'BCAST', 'PREFIX', this.keys.userPrefix, 'PREFIX', this.keys.leasesKey);
      if (setup !== this.setups || this.closed) return; // a connection dropped meanwhile: its own setUp follows
      this.subscriberId = id;
      this.established += 1;
      this.cache.enable();
      this.logger.info('presence cache on: invalidations received', { subscriber: id });
    } catch (error) {
      if (setup !== this.setups || this.closed) return;
      if (error instanceof ReplyError) {
        // Redis refused (older than 6, or CLIENT disabled): lookups read Redis every time, as without the cache.
        this.logger.error('presence cache off: Redis refused client tracking', { error: errorMessage(error) });
        return;
      }
      this.logger.warn('presence cache tracking set-up failed; reconnecting', { error: errorMessage(error) });
      this.subscriber.disconnect(true);
    }
  }

  /** While the cache is on: a subscriber that does not answer a PING within `livenessMs` is treated as closed. */
  private async checkAlive(): Promise<void> {
    const id = this.subscriberId;
    if (this.closed || this.pinging || id === undefined) return;
    this.pinging = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answered = await Promise.race([
        this.subscriber.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.livenessMs))),
      ]);
      if (answered || this.closed || this.subscriberId !== id) return;
      this.logger.warn('presence cache off: its invalidation connection stopped answering; reconnecting', { subscriber: id });
      this.lost();
      this.subscriber.disconnect(true);
    } finally {
      clearTimeout(timer);
      this.pinging = false;
    }
  }

  private invalidate(channel: string, keys: Buffer[] | null): void {
    if (channel !== CHANNEL) return;
    if (keys === null) {
      this.cache.flush(); // everything changed (FLUSHDB/FLUSHALL)
      return;
    }
    for (const buffer of keys) {
      const key = buffer.toString();
      if (key.startsWith(this.keys.userPrefix)) this.cache.invalidateUser(key.slice(this.keys.userPrefix.length));
      else if (key === this.keys.leasesKey) this.cache.invalidateLeases();
    }
  }
}
