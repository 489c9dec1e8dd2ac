import { Redis } from 'ioredis';
import { channelHistoryContract } from '@linker/testing/contracts/channel-history.contract';
import { testServices, uniqueName } from '@linker/testing';
import { RedisChannelHistory, type ChannelHistory } from '@linker/presence';
import { silentLogger } from '@linker/observability';

describe('RedisChannelHistory', () => {
  const { redisUrl } = testServices();
  const prefixes = new Map<ChannelHistory, string>();
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisUrl);
  });

  afterAll(async () => {
    for (const prefix of prefixes.values()) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
    admin.disconnect();
  });

  channelHistoryContract('redis', {
    open() {
      const prefix = `${uniqueName('history')}:h:`;
      const history = new RedisChannelHistory(redisUrl, prefix, silentLogger);
      prefixes.set(history, prefix);
      return history;
    },
    // Everything under the client's prefix goes at once, as with a Redis restarted empty (the shared one is not restarted).
    async lose(history) {
      const keys = await admin.keys(`${prefixes.get(history)}*`);
      if (keys.length > 0) await admin.del(...keys);
    },
  });
});
