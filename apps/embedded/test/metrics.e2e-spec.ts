import { startEmbeddedDomain, type EmbeddedDomain } from '@linker/testing';
import { exchangeTests, metricsTopology, METRICS_ADMIN_TOKEN, METRICS_ENV } from '@linker/testing/e2e/metrics-exchange';

// The embedded mode's one registry (`--metrics-port`): a scripted exchange over a real socket, then the counters of
// every app on that one GET /metrics must match what the clients saw, exactly.
describe('embedded mode: /metrics after a scripted exchange', () => {
  jest.setTimeout(90_000);
  let domain: EmbeddedDomain;

  beforeAll(async () => {
    const { topology, domain: name } = metricsTopology();
    const env = { ...METRICS_ENV };
    domain = await startEmbeddedDomain({ topology, domain: name, env, adminToken: METRICS_ADMIN_TOKEN, metrics: true });
  });
  afterAll(() => domain?.close());

  exchangeTests(() => ({
    clientUrl: domain.connectorUrls[0],
    metaServerUrl: domain.metaServerUrl,
    metricsUrls: [domain.metricsUrl as string],
  }));

  it('answers /health/live and /health/ready on the client port, the meta-server and the metrics port', async () => {
    const http = domain.connectorUrls[0].replace(/^ws/, 'http').replace(/\/ws$/, '');
    for (const base of [http, domain.metaServerUrl, (domain.metricsUrl as string).replace(/\/metrics$/, '')]) {
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const ready = await fetch(`${base}/health/ready`);
      const answer = { base, status: ready.status, body: await ready.json() };
      expect(answer).toEqual({ base, status: 200, body: { ready: true, checks: { app: 'ok' } } });
    }
  });
});
