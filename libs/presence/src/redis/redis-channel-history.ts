import { Redis } from 'ioredis';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { PresenceErrorCode } from '../presence.port';
import type {
  Appended,
  AppendRequest,
  ChannelHistory,
  HistoryEntry,
  HistoryLimits,
  HistoryPosition,
  HistorySince,
} from '../channel-history.port';
import { APPEND, POSITION, SINCE } from './history-scripts';
import { newEpoch } from '../memory/memory-channel-history';

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
  ) {
    const client = new Redis(url);
    client.on('error', (error: Error) => logger.warn('redis error (channel history)', { error: error.message }));
    client.defineCommand('linkerHistoryPosition', { lua: POSITION, numberOfKeys: 2 });
    client.defineCommand('linkerHistoryAppend', { lua: APPEND, numberOfKeys: 3 });
    client.defineCommand('linkerHistorySince', { lua: SINCE, numberOfKeys: 2 });
    this.redis = client as Redis & HistoryCommands;
  }

  /** A domain's channel histories: keys under `linker:<domain>:h:`. */
  static forDomain(redisUrl: string, domain: string, logger: Logger): RedisChannelHistory {
    return new RedisChannelHistory(redisUrl, `linker:${domain}:h:`, logger);
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

  async since(channel: string, from: HistoryPosition, { ttlSeconds }: HistoryLimits): Promise<HistorySince> {
    const ttlMs = ttlSeconds * 1000;
    const [epoch, top, raw] = await this.run(
      this.redis.linkerHistorySince(...this.keys(channel), newEpoch(), ttlMs, from.epoch, from.offset),
    );
    const position = { epoch, offset: Number(top) };
    if (epoch !== from.epoch || from.offset > position.offset) return { position, recovered: false, entries: [] };
    const oldest = Date.now() - ttlMs;
    const entries: HistoryEntry[] = [];
    for (const [id, fields] of raw) {
      const at = Number(fields[fields.indexOf('t') + 1]);
      if (at < oldest) continue;
      entries.push({ offset: Number(id.split('-')[0]), ...(JSON.parse(fields[fields.indexOf('e') + 1]) as Omit<HistoryEntry, 'offset'>) });
    }
    const complete = from.offset === position.offset || entries[0]?.offset === from.offset + 1;
    return { position, recovered: complete, entries: complete ? entries : [] };
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
