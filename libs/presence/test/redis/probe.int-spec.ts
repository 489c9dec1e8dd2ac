import { readiness } from '@linker/observability';
import { PrivateRedis, waitFor } from '@linker/testing';
import { RedisPresence } from '../../src/redis/redis-presence';

/** The readiness probe (a PING) against a redis-server of the test's own: ok, then not while it is down, then ok again. */
describe('RedisPresence.probe (real Redis)', () => {
  let server: PrivateRedis;
  let presence: RedisPresence | undefined;

  beforeAll(async () => {
    server = await PrivateRedis.start();
  });
  afterAll(async () => {
    await presence?.close();
    await server?.stop();
  });

  it('answers while Redis does, makes readiness fail while it is down, and answers again once it is back', async () => {
    presence = new RedisPresence({ url: server.url, keyPrefix: 'probe-test' });
    const probed = presence;
    const ready = () => readiness(true, [{ name: 'presence', probe: () => probed.probe() }], 500);
    expect(await ready()).toEqual({ ready: true, checks: { app: 'ok', presence: 'ok' } });
    await server.kill();
    const down = await waitFor('readiness to fail with Redis down', async () => {
      const answer = await ready();
      return answer.ready ? false : answer;
    });
    expect(down.checks.presence).not.toBe('ok');
    await server.start();
    await waitFor('readiness back with Redis', async () => (await ready()).ready, { timeoutMs: 15_000 });
  });
});
