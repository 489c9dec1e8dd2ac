import type { MemoryLinkNetwork } from '@linker/domain-link';
import { waitFor } from '@linker/testing';
import { startOpsServer, type OpsServer } from '../src/health/ops-server';
import { processorMetrics } from '../src/health/processor-metrics';
import { startRing, type RingDomain } from './testing/ring';

// Per-link metrics (up/down, custody waiting, envelopes and bytes each way, round trip), in the processor's
// health and as Prometheus gauges on its ops endpoint.

describe('per-link metrics', () => {
  let network: MemoryLinkNetwork;
  let domains: Map<string, RingDomain>;
  let ops: OpsServer | undefined;

  beforeEach(async () => {
    ({ network, domains } = await startRing());
  });

  afterEach(async () => {
    await ops?.close();
    await Promise.all([...domains.values()].map((d) => d.stop()));
  });

  it('counts what went each way on a link, and shows a cut link down with what waits for it', async () => {
    const [d1, d2, d3] = ['domain-01', 'domain-02', 'domain-03'].map((name) => domains.get(name) as RingDomain);
    await d3.connect('ANZ-3123456');
    await d1.send({ type: 'MESSAGE', from: 'ANZ-123456', data: { to: 'ANZ-3123456', content: 'counted' } });
    await d3.next('MESSAGE');
    const to02 = d1.health().links?.find((l) => l.peer === 'domain-02');
    expect(to02).toMatchObject({ up: true, sentEnvelopes: 1, ackedEnvelopes: 1, waiting: 0 });
    expect(to02?.sentBytes).toBeGreaterThan(0);
    expect(d2.health().links?.find((l) => l.peer === 'domain-01')).toMatchObject({ receivedEnvelopes: 1 });

    network.block('domain-01', 'domain-02');
    await waitFor('the link 01-02 down in domain-01', () => d1.health().links?.find((l) => l.peer === 'domain-02')?.up === false);
    expect(d1.health().links?.map((l) => [l.peer, l.up])).toEqual([
      ['domain-02', false],
      ['domain-04', true],
    ]);
  });

  it('serves them as Prometheus gauges with the processor counters on GET /metrics, and the health on GET /health', async () => {
    const d1 = domains.get('domain-01') as RingDomain;
    await waitFor('both links of domain-01 up', () => d1.health().links?.every((l) => l.up) === true);
    const report = () => d1.health();
    ops = await startOpsServer('127.0.0.1', 0, { metrics: processorMetrics(d1.health(), report).metrics, health: report });
    const metrics = await (await fetch(`${ops.url}/metrics`)).text();
    expect(metrics).toMatch(/^linker_link_up\{peer="domain-02",domain="domain-01",processor="domain-01-processor"\} 1$/m);
    expect(metrics).toMatch(/^linker_link_sent_envelopes_total\{peer="domain-04",.*\} 0$/m);
    expect(metrics).toMatch(/^linker_processor_dead_lettered_total\{domain="domain-01",processor="domain-01-processor"\} 0$/m);
    const health = await fetch(`${ops.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      running: true,
      domain: 'domain-01',
      links: [
        { peer: 'domain-02', up: true },
        { peer: 'domain-04', up: true },
      ],
    });
    expect((await fetch(`${ops.url}/other`)).status).toBe(404);
  });
});
