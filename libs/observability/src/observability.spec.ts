import { Metrics, silentLogger } from '@linker/observability';

describe('Metrics', () => {
  it('records and exposes counters, gauges and histograms with default labels', async () => {
    const metrics = new Metrics({ app: 'processor' }, { processMetrics: false });
    metrics.counter('linker_messages_total', 'Messages routed.', ['lane']).inc({ lane: 'FAST' }, 3);
    metrics.gauge('linker_sockets', 'Open sockets.').set(7);
    metrics.histogram('linker_route_seconds', 'Routing time.', [0.001, 0.01]).observe(0.005);
    const text = await metrics.exposition();
    expect(text).toContain('linker_messages_total{lane="FAST",app="processor"} 3');
    expect(text).toContain('linker_sockets{app="processor"} 7');
    expect(text).toContain('linker_route_seconds_bucket{le="0.01",app="processor"} 1');
  });
});

describe('silentLogger', () => {
  it('stays silent for itself and its children', () => {
    const write = jest.spyOn(process.stdout, 'write');
    silentLogger.child({ component: 'x' }).error('nothing', { a: 1 });
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });
});
