import { Redis } from 'ioredis';
import { analyticsStoreContract } from '@linker/testing/contracts/analytics-store.contract';
import { testServices, uniqueName } from '@linker/testing';
import { RedisAnalyticsStore } from '@linker/analytics';
import { silentLogger } from '@linker/observability';

describe('RedisAnalyticsStore', () => {
  const { redisUrl } = testServices();
  const prefix = `${uniqueName('analytics')}:a:`;
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisUrl);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  // Every store of the suite shares one prefix, as the connectors and processors of a domain share one Redis.
  analyticsStoreContract('redis', {
    open: (settings) => new RedisAnalyticsStore(redisUrl, prefix, settings, silentLogger),
    another: (store) => new RedisAnalyticsStore(redisUrl, prefix, store.settings, silentLogger),
    uniqueError: 0.03,
  });

  it('sets every key it writes to expire when its slice leaves the retention', async () => {
    const store = new RedisAnalyticsStore(redisUrl, prefix, { sliceSeconds: 3_600, retentionHours: 48 }, silentLogger);
    try {
      const slice = Math.floor(Date.now() / 3_600_000);
      await store.add([{ app: 'EXP', slice, counters: { clicks: 1 }, uniques: { event_users: ['h1'] } }]);
      const expected = ((slice + 1) * 3_600 + 48 * 3_600) * 1000;
      for (const key of [`${prefix}EXP:${slice}`, `${prefix}EXP:${slice}:event_users`]) expect(await admin.pexpiretime(key)).toBe(expected);
    } finally {
      await store.close();
    }
  });
});
