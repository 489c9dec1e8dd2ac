import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Metrics } from '@linker/observability';
import { connectorMetrics } from '../apps/connector/src/health/connector-metrics';
import { metaServerMetrics } from '../apps/meta-server/src/health/meta-server-metrics';
import { processorMetrics } from '../apps/processor/src/health/processor-metrics';
import type { ProcessorHealth } from '../apps/processor/src/health/processor-stats';

// The operations files of the docker-compose stack: the Grafana dashboard asks only for metrics the apps register, and
// Prometheus scrapes every app service of docker-compose.yml on the port that serves its GET /metrics.

const root = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  datasource?: { uid: string };
}

/** Every metric name the apps register (the process metrics aside), from their own registries. */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  const registry = (): Metrics => new Metrics({}, { processMetrics: false });
  const collect = (metrics: Metrics) => {
    for (const metric of metrics.registry.getMetricsAsArray()) names.add(metric.name);
  };
  const connector = registry();
  connectorMetrics(connector, { sockets: () => [] });
  const processor = registry();
  processorMetrics({ domain: 'd', name: 'p' }, () => ({}) as ProcessorHealth, processor);
  const meta = registry();
  metaServerMetrics(meta, () => Promise.resolve({ ready: true, checks: {} }));
  for (const metrics of [connector, processor, meta]) collect(metrics);
  return names;
}

/** The metric names a PromQL expression reads (a histogram's `_bucket`, `_sum` and `_count` name the histogram). */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\blinker_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, ''));
}

describe('deploy/grafana/linker.json', () => {
  const dashboard = JSON.parse(read('deploy/grafana/linker.json')) as { uid: string; title: string; panels: Panel[] };
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
  const datasource = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ uid: string }> };

  it('is a dashboard whose every graph has queries, on the provisioned Prometheus data source', () => {
    expect(dashboard).toMatchObject({ uid: 'linker-ts', title: 'linker-ts' });
    expect(graphs.length).toBeGreaterThan(10);
    const uid = datasource.datasources[0].uid;
    expect(graphs.filter((panel) => !panel.targets?.length || panel.datasource?.uid !== uid).map((p) => p.title)).toEqual([]);
  });

  it('asks only for metrics the apps register', () => {
    const registered = registeredNames();
    const asked = graphs.flatMap((panel) => (panel.targets ?? []).flatMap((target) => namesIn(target.expr)));
    expect(asked.length).toBeGreaterThan(20);
    expect([...new Set(asked)].filter((name) => !registered.has(name))).toEqual([]);
  });

  it('shows connections, message rates by lane, p99 delivery latency, errors, closes, rate limits, webhooks and dead letters', () => {
    const exprs = graphs.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)).join('\n');
    for (const name of [
      'linker_connector_connections',
      'linker_processor_processed_total',
      'linker_delivery_latency_seconds_bucket',
      'linker_connector_errors_total',
      'linker_connector_closes_total',
      'linker_connector_rate_limited_total',
      'linker_webhook_sent_total',
      'linker_processor_dead_lettered_total',
    ]) {
      expect(exprs).toContain(name);
    }
    expect(exprs).toContain('histogram_quantile(0.99, sum by (le, lane) (rate(linker_delivery_latency_seconds_bucket');
  });
});

describe('docs/metrics.md', () => {
  it('lists every metric the apps register', () => {
    const docs = read('docs/metrics.md');
    expect([...registeredNames()].filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  interface Service {
    build?: unknown;
    environment?: Record<string, string | number>;
    volumes?: string[];
  }
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));

  /** The port of the app's GET /metrics: the client port, the API port, the operations port. */
  const metricsPort = (env: Record<string, string | number>): string =>
    String({ connector: env.LINKER_WS_PORT, 'meta-server': env.LINKER_META_PORT, processor: env.LINKER_METRICS_PORT }[String(env.APP)]);

  it('scrapes every app service of docker-compose.yml on the port that serves its /metrics, and nothing else', () => {
    const apps = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
    const expected = apps.map(([name, service]) => `${name}:${metricsPort(service.environment ?? {})}`);
    expect(apps.length).toBeGreaterThanOrEqual(5);
    expect([...targets].sort()).toEqual([...expected].sort());
    expect(prometheus.scrape_configs.every((job) => job.metrics_path === undefined || job.metrics_path === '/metrics')).toBe(true);
  });

  it('is the configuration the compose file gives Prometheus, and Grafana gets the dashboard and its data source', () => {
    expect(compose.services.prometheus?.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    expect(compose.services.grafana?.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/linker.json:/var/lib/grafana/dashboards/linker.json:ro',
      ]),
    );
    const provider = parse(read('deploy/grafana/provisioning/dashboards/linker.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
