import { logField, startRealDomain, waitFor, type RealDomain } from '@linker/testing';
import { exchangeTests, metricsTopology, METRICS_ADMIN_TOKEN, METRICS_ENV } from '@linker/testing/e2e/metrics-exchange';

// Real mode (`npm run build` first, and the real services): a meta-server, two processors and two connectors as
// separate processes. After a scripted exchange, the counters of every app's GET /metrics (the connectors' client
// ports, the processors' operations ports, the meta-server's API port), summed, must match what the clients saw.
describe('real mode: /metrics of every app after a scripted exchange', () => {
  jest.setTimeout(120_000);
  let domain: RealDomain;
  let urls: string[];
  const httpOf = (ws: string): string => ws.replace(/^ws/, 'http').replace(/\/ws$/, '');

  beforeAll(async () => {
    const { topology, domain: name } = metricsTopology();
    domain = await startRealDomain(
      { topology, domain: name, env: { ...METRICS_ENV }, adminToken: METRICS_ADMIN_TOKEN },
      { processorEnv: { LINKER_METRICS_PORT: '0' } },
    );
    const processorUrls = await Promise.all(
      domain.processors.map((processor, i) =>
        waitFor(
          `processor ${i + 1}'s metrics URL in its log`,
          () => logField(processor.output(), 'metrics served', 'url') as string | undefined,
        ),
      ),
    );
    urls = [...domain.connectorUrls.map((url) => `${httpOf(url)}/metrics`), ...processorUrls, `${domain.metaServerUrl}/metrics`];
  });
  afterAll(() => domain?.close());

  exchangeTests(() => ({ clientUrl: domain.connectorUrls[0], metaServerUrl: domain.metaServerUrl, metricsUrls: urls }));

  it('answers /health/ready only once the services each app needs answered a probe', async () => {
    const checks = async (url: string): Promise<unknown> => {
      const response = await fetch(url.replace(/\/metrics$/, '/health/ready'));
      return { status: response.status, ...((await response.json()) as object) };
    };
    const lanes = { app: 'ok', reliableLane: 'ok', fastLane: 'ok', presence: 'ok' };
    const [connector, , processor, , meta] = await Promise.all(urls.map(checks));
    expect(connector).toEqual({ status: 200, ready: true, checks: lanes });
    expect(processor).toEqual({ status: 200, ready: true, checks: { ...lanes, mailbox: 'ok' } });
    expect(meta).toEqual({ status: 200, ready: true, checks: { app: 'ok' } });
    for (const url of urls) expect((await fetch(url.replace(/\/metrics$/, '/health/live'))).status).toBe(200);
  });
});
