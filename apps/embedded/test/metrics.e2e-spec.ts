import { startEmbeddedDomain, type EmbeddedDomain } from '@linker/testing';
import {
  expectedDeltas,
  metricsTopology,
  METRICS_ENV,
  runExchange,
  quietScrape,
  runMetaExchange,
  settledDeltas,
} from '@linker/testing/e2e/metrics-exchange';

// The embedded mode's one registry (`--metrics-port`): a scripted exchange over a real socket, then the counters of
// every app on that one GET /metrics must match what the clients saw, exactly.
describe('embedded mode: /metrics after a scripted exchange', () => {
  jest.setTimeout(90_000);
  const adminToken = 'metrics-e2e-admin-token-0123456789';
  let domain: EmbeddedDomain;
  let metricsUrl: string;

  beforeAll(async () => {
    const { topology, domain: name } = metricsTopology();
    domain = await startEmbeddedDomain({ topology, domain: name, env: { ...METRICS_ENV }, adminToken, metrics: true });
    metricsUrl = domain.metricsUrl as string;
  });
  afterAll(() => domain?.close());

  it('counts the frames, errors, rate-limit refusals, closes, logins and deliveries of the exchange', async () => {
    const before = await quietScrape([metricsUrl]);
    const exchange = await runExchange(domain.connectorUrls[0]);
    expect(exchange.rateLimited).toBeGreaterThan(0);
    const expected = expectedDeltas(exchange);
    expect(await settledDeltas([metricsUrl], before, expected)).toEqual(expected);
  });

  it("counts the meta-server's requests, refused writes and watch streams on the same registry", async () => {
    expect(await runMetaExchange(domain.metaServerUrl, adminToken, [metricsUrl])).toEqual({
      historyRequests: 1,
      staleWrites: 1,
      staleEdits: 1,
      watchersWhileOpen: 1,
      watchersAfter: 0,
    });
  });

  it('answers /health/live and /health/ready on the client port, the meta-server and the metrics port', async () => {
    const http = domain.connectorUrls[0].replace(/^ws/, 'http').replace(/\/ws$/, '');
    for (const base of [http, domain.metaServerUrl, metricsUrl.replace(/\/metrics$/, '')]) {
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const ready = await fetch(`${base}/health/ready`);
      expect({ base, status: ready.status, body: await ready.json() }).toEqual({
        base,
        status: 200,
        body: { ready: true, checks: { app: 'ok' } },
      });
    }
  });
});
