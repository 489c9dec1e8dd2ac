import { readiness, silentLogger } from '@linker/observability';
import { PrivateNats, waitFor } from '@linker/testing';
import { NatsBus } from '../../src/nats';

/** The readiness probe (a flush: PING, PONG) against a nats-server of the test's own: ok, not while it is down, ok again. */
describe('NatsBus.probe (real NATS)', () => {
  let server: PrivateNats;
  let bus: NatsBus | undefined;

  beforeAll(async () => {
    server = await PrivateNats.start();
  });
  afterAll(async () => {
    await bus?.close();
    await server?.stop();
  });

  it('answers while NATS does, makes readiness fail while it is down, and answers again once it is back', async () => {
    bus = await NatsBus.connect({ servers: server.url, name: 'probe-test', logger: silentLogger });
    const probed = bus;
    const ready = () => readiness(true, [{ name: 'fastLane', probe: () => probed.probe() }], 500);
    expect(await ready()).toEqual({ ready: true, checks: { app: 'ok', fastLane: 'ok' } });
    await server.kill();
    const down = await waitFor('readiness to fail with NATS down', async () => {
      const answer = await ready();
      return answer.ready ? false : answer;
    });
    expect(down.checks.fastLane).not.toBe('ok');
    await server.start();
    await waitFor('readiness back with NATS', async () => (await ready()).ready, { timeoutMs: 15_000 });
  });
});
