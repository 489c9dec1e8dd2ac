import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOps, probeChecks, readiness, type Readiness } from './health';
import { Metrics } from './metrics';

describe('readiness', () => {
  it('is ready when the app runs and every check answers', async () => {
    const checks = probeChecks({ redis: { probe: () => Promise.resolve('PONG') }, twin: {} });
    expect(await readiness(true, checks)).toEqual({ ready: true, checks: { app: 'ok', redis: 'ok' } });
  });

  it('is not ready, saying why, when a check fails or does not answer in time', async () => {
    const never = new Promise<void>(() => undefined);
    const checks = probeChecks({
      redis: { probe: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) },
      kafka: { probe: () => never },
      nats: { probe: () => Promise.resolve() },
    });
    expect(await readiness(true, checks, 50)).toEqual({
      ready: false,
      checks: { app: 'ok', redis: 'connect ECONNREFUSED 127.0.0.1:6379', kafka: 'no answer within 50 ms', nats: 'ok' },
    });
  });

  it('is not ready while the app does not run, without asking the services', async () => {
    const probe = jest.fn(() => Promise.resolve());
    expect(await readiness(false, [{ name: 'redis', probe }])).toEqual({ ready: false, checks: { app: 'not running' } });
    expect(probe).not.toHaveBeenCalled();
  });
});

describe('answerOps', () => {
  let server: Server;
  let base: string;
  let answer: Readiness = { ready: true, checks: { app: 'ok' } };

  beforeAll(async () => {
    const metrics = new Metrics({ app: 'test' }, { processMetrics: false });
    metrics.counter('linker_test_total', 'a test counter').inc(2);
    server = createServer((request, response) => {
      if (!answerOps(request, response, { metrics, ready: () => Promise.resolve(answer) })) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /metrics, /health/live and /health/ready, and leaves every other request to the caller', async () => {
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('linker_test_total{app="test"} 2');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: answer });
    expect((await fetch(`${base}/health`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 503 with the failed checks when not ready', async () => {
    answer = { ready: false, checks: { app: 'ok', redis: 'no answer within 2000 ms' } };
    const ready = await fetch(`${base}/health/ready?verbose`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: answer });
  });
});
