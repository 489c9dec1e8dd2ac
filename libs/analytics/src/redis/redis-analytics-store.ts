import { Redis, type RedisOptions } from 'ioredis';
import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsCounter, type AnalyticsSlice } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import {
  counted,
  emptySlice,
  expiryOf,
  oldestKept,
  type AnalyticsStore,
  type SliceCounts,
  type SliceSettings,
} from '../analytics-store.port';

export type AnalyticsErrorCode = 'ANALYTICS_UNAVAILABLE';

/** TLS and an ACL user for the domain's Redis (what `redisSecurityOf` of the presence settings gives). */
export type RedisAccess = Pick<RedisOptions, 'tls' | 'username' | 'password'>;

/** Most slices one `read` looks at (from the oldest kept on). */
const MAX_READ_SLICES = 5_000;
/** Most hashes per PFADD. */
const PFADD_CHUNK = 1_000;

/**
 * `AnalyticsStore` on the domain's Redis (real mode). Per app and slice: a hash `<prefix><app>:<slice>` (HINCRBY, one
 * field per counter) and one HyperLogLog per unique count `<prefix><app>:<slice>:<unique>` (PFADD, PFCOUNT), each
 * expiring `retentionHours` after the slice ended (PEXPIREAT). An `add` is one pipeline. While Redis is unreachable a
 * command fails after one reconnection attempt (it is not retried), and the recorder drops what it could not write.
 */
export class RedisAnalyticsStore implements AnalyticsStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    readonly settings: SliceSettings,
    logger: Logger,
    security?: RedisAccess,
  ) {
    this.redis = new Redis(url, { ...security, maxRetriesPerRequest: 1 });
    this.redis.on('error', (error: Error) => logger.debug('redis error (analytics)', { error: error.message }));
  }

  /** A domain's analytics: keys under `linker:<domain>:a:<sliceSeconds>:` (another slice length never mixes in). */
  static forDomain(redisUrl: string, domain: string, settings: SliceSettings, logger: Logger, security?: RedisAccess): RedisAnalyticsStore {
    return new RedisAnalyticsStore(redisUrl, `linker:${domain}:a:${settings.sliceSeconds}:`, settings, logger, security);
  }

  async add(batch: readonly SliceCounts[]): Promise<void> {
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const { app, slice, counters, uniques } of batch) {
      const expiry = expiryOf(slice, this.settings);
      if (expiry <= now) continue;
      const key = this.key(app, slice);
      for (const [name, n] of Object.entries(counters)) if (n) pipeline.hincrby(key, name, n);
      pipeline.pexpireat(key, expiry);
      for (const [name, hashes] of Object.entries(uniques)) {
        if (!hashes?.length) continue;
        for (let i = 0; i < hashes.length; i += PFADD_CHUNK) pipeline.pfadd(`${key}:${name}`, ...hashes.slice(i, i + PFADD_CHUNK));
        pipeline.pexpireat(`${key}:${name}`, expiry);
      }
    }
    if (pipeline.length === 0) return;
    for (const entry of (await this.run(pipeline.exec())) ?? []) this.reply(entry);
  }

  async read(app: string, fromSlice: number, toSlice: number): Promise<AnalyticsSlice[]> {
    const from = Math.max(fromSlice, oldestKept(Date.now(), this.settings));
    const to = Math.min(toSlice, from + MAX_READ_SLICES - 1);
    if (to < from) return [];
    const pipeline = this.redis.pipeline();
    for (let slice = from; slice <= to; slice++) {
      const key = this.key(app, slice);
      pipeline.hgetall(key);
      for (const name of ANALYTICS_UNIQUES) pipeline.pfcount(`${key}:${name}`);
    }
    const replies = (await this.run(pipeline.exec())) ?? [];
    const step = 1 + ANALYTICS_UNIQUES.length;
    const found: AnalyticsSlice[] = [];
    for (let slice = from, at = 0; slice <= to; slice++, at += step) {
      const read = emptySlice(slice, this.settings.sliceSeconds);
      const fields = this.reply<Record<string, string>>(replies[at]);
      for (const [name, value] of Object.entries(fields)) {
        if ((ANALYTICS_COUNTERS as readonly string[]).includes(name)) read.counters[name as AnalyticsCounter] = Number(value);
      }
      ANALYTICS_UNIQUES.forEach((name, i) => (read.uniques[name] = Number(this.reply<number>(replies[at + 1 + i]))));
      if (counted(read)) found.push(read);
    }
    return found;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private key(app: string, slice: number): string {
    return `${this.prefix}${app}:${slice}`;
  }

  private reply<T>(entry: [Error | null, unknown] | undefined): T {
    if (entry?.[0]) throw this.unavailable(entry[0]);
    return entry?.[1] as T;
  }

  private async run<T>(command: Promise<T>): Promise<T> {
    try {
      return await command;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private unavailable(cause: unknown): LinkerError<AnalyticsErrorCode> {
    return new LinkerError<AnalyticsErrorCode>('ANALYTICS_UNAVAILABLE', `analytics store: ${(cause as Error).message}`, {
      retriable: true,
      cause,
    });
  }
}
