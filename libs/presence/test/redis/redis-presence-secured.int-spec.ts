import { Redis } from 'ioredis';
import { defineConfig } from '@linker/config';
import { presenceContract } from '@linker/testing/contracts/presence.contract';
import { securedTestServices, TestPki, uniqueName, waitFor } from '@linker/testing';
import { RedisPresence } from '../../src/redis/redis-presence';
import { redisSecurityOf, redisSecuritySettings } from '../../src/redis-security.settings';

/** The secured Redis (TLS only, with the test CA; an ACL user, the default user off), reached through the settings an app reads. */
const secured = securedTestServices();
const securityOf = (env: Record<string, string | undefined> = {}) =>
  redisSecurityOf(defineConfig(redisSecuritySettings).load({ ...secured.env, ...env }));
const address = { domain: 'domain-01', connector: 'c1', socketId: 's1' };

describe('RedisPresence on a Redis with TLS and an ACL user', () => {
  const security = securityOf();
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(secured.redisUrl, { ...security });
  });

  afterAll(async () => {
    await admin.quit();
  });

  async function deleteAll(prefix: string): Promise<void> {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await admin.del(keys);
  }

  presenceContract('redis over TLS, ACL user', {
    open: (keyPrefix, options) => new RedisPresence({ url: secured.redisUrl, security, keyPrefix, ...options }),
    discard: deleteAll,
    lose: deleteAll,
  });

  presenceContract('redis over TLS, ACL user, cached lookups', {
    open: async (keyPrefix, options) => {
      const presence = new RedisPresence({ url: secured.redisUrl, security, keyPrefix, ...options, cache: { maxUsers: 1000 } });
      await waitFor('the lookup cache to receive invalidations', () => presence.lookupCache?.cache.active, { timeoutMs: 10_000 });
      return presence;
    },
    discard: deleteAll,
    lose: deleteAll,
  });

  describe('refusals', () => {
    const pki = new TestPki();
    const opened: RedisPresence[] = [];
    const open = (env: Record<string, string | undefined>): RedisPresence => {
      const presence = new RedisPresence({ url: secured.redisUrl, security: securityOf(env), keyPrefix: uniqueName('refused') });
      opened.push(presence);
      return presence;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((presence) => presence.close()));
    });
    afterAll(() => pki.cleanUp());

    it('a wrong password: the first command fails at once, naming the refused credentials', async () => {
      const started = Date.now();
      await expect(open({ LINKER_REDIS_PASSWORD: 'not-the-password' }).add('u1', address)).rejects.toMatchObject({
        code: 'PRESENCE_UNAVAILABLE',
        message: expect.stringMatching(/WRONGPASS/),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    }, 30_000);

    it('no user: the default user is off, so the command is refused', async () => {
      await expect(open({ LINKER_REDIS_USERNAME: undefined, LINKER_REDIS_PASSWORD: undefined }).add('u1', address)).rejects.toMatchObject({
        code: 'PRESENCE_UNAVAILABLE',
        message: expect.stringMatching(/NOAUTH|WRONGPASS|NOPERM/),
      });
    }, 30_000);

    it("a CA that did not sign Redis's certificate: the command fails after the client's retries, naming the certificate", async () => {
      await expect(open({ LINKER_REDIS_TLS_CA_FILE: pki.ca('another-ca').certFile }).add('u1', address)).rejects.toMatchObject({
        code: 'PRESENCE_UNAVAILABLE',
        message: expect.stringMatching(/connecting to Redis failed: .*certificate/),
      });
    }, 60_000);
  });
});
