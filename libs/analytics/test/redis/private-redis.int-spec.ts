import { AnalyticsRecorder, RedisAnalyticsStore, sliceOf } from '@linker/analytics';
import { PrivateRedis, RecordingLogger, waitFor } from '@linker/testing';

// A Redis that is down or hangs costs the callers nothing: counting stays a memory operation, a write gives up at its
// deadline, and what could not be written is dropped, counted and logged once (a private redis-server, killed,
// paused and started again; the shared one is never touched).
describe('AnalyticsRecorder on a private Redis', () => {
  jest.setTimeout(60_000);
  const settings = { sliceSeconds: 3_600, retentionHours: 48 };
  let redis: PrivateRedis;
  let store: RedisAnalyticsStore;
  let recorder: AnalyticsRecorder;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    store = new RedisAnalyticsStore(redis.url, 'outage:a:', settings, logger);
    recorder = new AnalyticsRecorder({ store, logger, flushMs: 50, writeTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await recorder?.stop();
    await store?.close();
    await redis?.stop();
  });

  const countMany = (n: number): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) recorder.count('ANZ', 'deliveries');
    return performance.now() - started;
  };

  it('drops what it cannot write while Redis is down or hangs, without slowing the counting, then writes again', async () => {
    countMany(10);
    await recorder.flush();
    expect(recorder.counts()).toEqual({ written: 10, dropped: 0 });

    await redis.kill();
    expect(countMany(100_000)).toBeLessThan(500);
    const down = performance.now();
    await recorder.flush();
    expect(performance.now() - down).toBeLessThan(2_500);
    countMany(5);
    await recorder.flush();
    expect(recorder.counts()).toEqual({ written: 10, dropped: 100_005 });
    expect(logger.count('warn', 'analytics could not be written')).toBe(1);

    await redis.start();
    redis.pause();
    countMany(7);
    const hung = performance.now();
    await recorder.flush();
    expect(performance.now() - hung).toBeLessThan(2_500);
    expect(recorder.counts().dropped).toBe(100_012);
    redis.resume();

    await waitFor('a write to succeed again', async () => {
      countMany(1);
      await recorder.flush();
      return logger.count('info', 'analytics written again') === 1;
    });
    // Redis came back empty (no persistence): it holds the write after it resumed, and maybe the 7 given up on while it
    // hung (a write that timed out may still land: the port says so), never what was dropped while it was down.
    const [slice] = await store.read('ANZ', sliceOf(Date.now(), 3_600), sliceOf(Date.now(), 3_600));
    expect([1, 8]).toContain(slice.counters.deliveries);
  });

  it('sends Redis no user id: every command and argument of a write holds hashes only', async () => {
    const ids = ['ANZ-4242', 'someone@example.com'];
    const commands = await redis.commandsDuring(async () => {
      for (const id of ids) recorder.user('ANZ', 'event_users', id);
      recorder.user('ANZ', 'connected_users', ids[0]);
      await recorder.flush();
    });
    expect(commands.some((line) => line.startsWith('pfadd'))).toBe(true);
    expect(commands.filter((line) => ids.some((id) => line.includes(id)))).toEqual([]);
  });
});
