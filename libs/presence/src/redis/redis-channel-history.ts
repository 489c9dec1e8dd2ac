import { Redis } from 'ioredis';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { PresenceErrorCode } from '../presence.port';
import type { RedisSecurity } from '../redis-security.settings';
import {
  newEpoch,
  recoveryFrom,
  type Appended,
  type AppendRequest,
  type ChannelHistory,
  type DatedEntry,
  type HistoryEntry,
  type HistoryLimits,
  type HistoryPosition,
  type HistorySince,
} from '../channel-history.port';
import { APPEND, POSITION, SINCE } from './history-scripts';

type StreamEntry = [string, string[]];

interface HistoryCommands {
  linkerHistoryPosition(...args: (string | number)[]): Promise<[string, number]>;
  linkerHistoryAppend(...args: (string | number)[]): Promise<string>;
  linkerHistorySince(...args: (string | number)[]): Promise<[string, number, StreamEntry[]]>;
}

/** `ChannelHistory` on the domain's Redis (real mode): one script per call (see `history-scripts.ts` for the keys). */
export class RedisChannelHistory implements ChannelHistory {
  private readonly redis: Redis & HistoryCommands;

  constructor(
    url: string,
    private readonly prefix: string,
    logger: Logger,
    security?: RedisSecurity,
  ) {
    const client = new Redis(url, { ...security });
    client.on('error', (error: Error) => logger.warn('redis error (channel history)', { error: error.message }));
    client.defineCommand('linkerHistoryPosition', { lua: POSITION, numberOfKeys: 2 });
    client.defineCommand('linkerHistoryAppend', { lua: APPEND, numberOfKeys: 3 });
    client.defineCommand('linkerHistorySince', { lua: SINCE, numberOfKeys: 2 });
    this.redis = client as Redis & HistoryCommands;
  }

  /** A domain's channel histories: keys under `linker:<domain>:h:`. */
  static forDomain(redisUrl: string, domain: string, logger: Logger, security?: RedisSecurity): RedisChannelHistory {
    return new RedisChannelHistory(redisUrl, `linker:${domain}:h:`, logger, security);
  }

  async position(channel: string, { ttlSeconds }: HistoryLimits): Promise<HistoryPosition> {
    const [epoch, offset] = await this.run(this.redis.linkerHistoryPosition(...this.keys(channel), newEpoch(), ttlSeconds * 1000));
    return { epoch, offset: Number(offset) };
  }

  async append(request: AppendRequest): Promise<Appended> {
    const { channel, id, ttlSeconds, size, origin, domain, entry, now } = request;
    const reply = await this.run(
      this.redis.linkerHistoryAppend(
        ...this.keys(channel),
        `${this.prefix}${channel}:i:${id}`,
        newEpoch(),
        ttlSeconds * 1000,
        size,
        origin?.domain ?? '',
        origin?.seq ?? 0,
        domain,
        JSON.stringify(entry),
        now,
      ),
    );
    const [epoch, offset, originDomain, seq] = reply.split('|');
    return { epoch, offset: Number(offset), origin: { domain: originDomain, seq: Number(seq) } };
  }

  async since(channel: string, from: HistoryPosition, limits: HistoryLimits): Promise<HistorySince> {
    const [epoch, top, raw] = await this.run(
      this.redis.linkerHistorySince(...this.keys(channel), newEpoch(), limits.ttlSeconds * 1000, from.epoch, from.offset),
    );
    const kept: DatedEntry[] = raw.map(([id, fields]) => ({
      offset: Number(id.split('-')[0]),
      at: Number(fields[fields.indexOf('t') + 1]),
      ...(JSON.parse(fields[fields.indexOf('e') + 1]) as Omit<HistoryEntry, 'offset'>),
    }));
    return recoveryFrom({ epoch, offset: Number(top) }, from, kept, limits, Date.now());
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(channel: string): [string, string] {
    return [`${this.prefix}${channel}`, `${this.prefix}${channel}:s`];
  }

  private async run<T>(command: Promise<T>): Promise<T> {
    try {
      return await command;
    } catch (error) {
      throw new LinkerError<PresenceErrorCode>('PRESENCE_UNAVAILABLE', `channel history: ${(error as Error).message}`, {
        retriable: true,
        cause: error,
      });
    }
  }
}
